"""The load journal: one SQLite file that records every input row and what happened to it.

Crash safety rests on the order in which writes reach the disk, not on transactions that
span requests. All writes go through one connection, so the writes that a crash loses are
always the latest ones. The loader waits for a commit (see `_commits`) at two points:

- before it sends a create request, so that the row is on disk as `creating`, together with
  every earlier write, such as the row itself;
- before it sends an add request, so that the batch, and the `created` state and contact id
  of each of its rows, are on disk.

A row found in `creating` when a journal is opened was in flight when the process died, or
its result was not committed yet. Its outcome is unknown, and it is never resent blindly.
Rows still `created` at the next run are added again, which is harmless because adding an
id that is already in the campaign changes nothing.

The file uses WAL mode with synchronous=NORMAL, so a commit survives a crash or SIGKILL of
the process (though not a power failure), and an exclusive lock, so two loads cannot share
one journal. Duplicate phones are caught by a unique index, so memory does not grow with
the input.
"""

from __future__ import annotations

import collections
import contextlib
import json
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import attrs

from ._models import JournalError, JournalMismatchError
from ._rows import DUPLICATE_PHONE, ContactFields, PreparedRow, RowState

__all__ = ["SCHEMA_VERSION", "SENDABLE_STATES", "Journal", "RecordedRow", "RowState"]

SCHEMA_VERSION = "1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    name TEXT PRIMARY KEY,
    value TEXT
);
CREATE TABLE IF NOT EXISTS rows (
    seq INTEGER PRIMARY KEY,            -- position in the input, from 1
    row_number INTEGER NOT NULL,        -- the caller's row number, or seq
    row_key TEXT NOT NULL,              -- the caller's key, or the row number
    content_hash TEXT NOT NULL,         -- of every input value, to detect a changed input
    input_values TEXT NOT NULL,         -- JSON object of the original values
    contact_fields TEXT,                -- JSON of the create request, NULL when skipped
    phone_key TEXT,                     -- E.164 phone of a row that is not skipped
    state TEXT NOT NULL,                -- a RowState value
    skip_reason TEXT,
    duplicate_of INTEGER,               -- row_number of the earlier row with the phone
    contact_id TEXT,
    batch_id INTEGER,                   -- the batch that adds (or added) the contact
    error_code TEXT,                    -- of the last failed create or add
    error_message TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,   -- create requests sent
    reconciled INTEGER NOT NULL DEFAULT 0  -- 1 when reading back found the contact
);
CREATE UNIQUE INDEX IF NOT EXISTS rows_by_phone ON rows (phone_key);
CREATE UNIQUE INDEX IF NOT EXISTS rows_by_contact ON rows (contact_id);
CREATE TABLE IF NOT EXISTS batches (
    batch_id INTEGER PRIMARY KEY,
    state TEXT NOT NULL,                -- adding, added or failed
    size INTEGER NOT NULL,
    error_code TEXT,
    error_message TEXT
);
"""

_MismatchMessage = Callable[[Path, str, str], str]

_INSERT_PENDING = (
    "INSERT INTO rows (seq, row_number, row_key, content_hash, input_values, contact_fields, "
    "phone_key, state) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending') ON CONFLICT (phone_key) DO NOTHING"
)
_INSERT_SKIPPED = (
    "INSERT INTO rows (seq, row_number, row_key, content_hash, input_values, state, "
    "skip_reason, duplicate_of) VALUES (?, ?, ?, ?, ?, 'skipped', ?, ?)"
)

MAX_ERROR_MESSAGE = 500
"""Characters of an error message kept per row."""


SENDABLE_STATES = (RowState.PENDING, RowState.FAILED)
"""States of rows that a run sends a create for: the API has no contact for them."""


@attrs.frozen
class RecordedRow:
    """A row that an earlier run read, as the journal records it."""

    seq: int
    content_hash: str
    state: RowState
    fields: ContactFields | None


@attrs.frozen
class StoredRow:
    """A row inserted by `insert_rows`, with the state it was given."""

    seq: int
    row_number: int
    state: RowState
    fields: ContactFields | None


class Journal:
    """An open journal file, used from one thread. `open` and `close` manage the file."""

    def __init__(self, connection: sqlite3.Connection, path: Path, temporary_dir: Path | None):
        self._db = connection
        self.path = path
        self._temporary_dir = temporary_dir
        self._closed = False
        # Called when a write opens a transaction. While it is set, writes wait for
        # `commit`, so that a group committer can commit many rows at once.
        self.on_write: Callable[[], None] | None = None
        # Rows by state, kept in step with every write.
        self.counts: collections.Counter[RowState] = collections.Counter()
        self._load_counts()
        self._columns = dict.fromkeys(json.loads(self.get_meta("columns") or "[]"))

    # -- opening and closing

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None) -> Journal:
        """Open or create the journal at `path`, or a temporary one for None.

        A temporary journal lives in a new directory that `close` deletes.
        """
        if path is not None:
            return cls(_connect(Path(path)), Path(path), None)

        temporary_dir = Path(tempfile.mkdtemp(prefix="smartalex-journal-"))
        file_path = temporary_dir / "journal.sqlite"
        try:
            return cls(_connect(file_path), file_path, temporary_dir)
        except BaseException:
            shutil.rmtree(temporary_dir, ignore_errors=True)
            raise

    @property
    def in_transaction(self) -> bool:
        """True while writes wait for `commit`."""
        return self._db.in_transaction

    @property
    def temporary(self) -> bool:
        return self._temporary_dir is not None

    def commit(self) -> None:
        """Commit the writes made since the last commit."""
        if self._db.in_transaction:
            self._db.execute("COMMIT")

    def close(self) -> None:
        """Commit, close the file, and delete it when it is temporary. Safe to call twice."""
        if self._closed:
            return

        self._closed = True
        try:
            self.commit()
        finally:
            self._db.close()
            if self._temporary_dir is not None:
                shutil.rmtree(self._temporary_dir, ignore_errors=True)

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- metadata

    def get_meta(self, name: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return None if row is None else row[0]

    def set_meta(self, name: str, value: str | None) -> None:
        with self._writing():
            self._db.execute(
                "INSERT INTO meta (name, value) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                (name, value),
            )

    @property
    def campaign_id(self) -> str | None:
        return self.get_meta("campaign_id")

    def bind(self, campaign_id: str | None, input_fingerprint: str | None) -> None:
        """Record the campaign and input of this journal, or check them against the record.

        Raises JournalMismatchError when the journal records another campaign or fingerprint.
        A value not recorded yet is recorded, and None checks nothing.
        """
        self._check_or_record("campaign_id", campaign_id, _campaign_mismatch)
        self._check_or_record("input_fingerprint", input_fingerprint, _input_mismatch)

    def _check_or_record(self, name: str, value: str | None, message: _MismatchMessage) -> None:
        if value is None:
            return

        recorded = self.get_meta(name)
        if recorded is None:
            self.set_meta(name, value)
        elif recorded != value:
            raise JournalMismatchError(message(self.path, recorded, value))

    # -- reading rows

    @property
    def rows_read(self) -> int:
        return sum(self.counts.values())

    def recorded_rows(self, first_seq: int, last_seq: int) -> dict[int, RecordedRow]:
        """Return the rows with positions from `first_seq` to `last_seq` that are recorded."""
        cursor = self._db.execute(
            "SELECT seq, content_hash, state, contact_fields FROM rows WHERE seq BETWEEN ? AND ?",
            (first_seq, last_seq),
        )
        return {
            seq: RecordedRow(seq, content_hash, RowState(state), _fields_or_none(fields))
            for seq, content_hash, state, fields in cursor
        }

    def rows_in_state(
        self, state: RowState, after_seq: int, limit: int
    ) -> list[tuple[int, int, str | None, ContactFields | None]]:
        """Return (seq, row number, contact id, fields) of rows in `state`, in input order."""
        cursor = self._db.execute(
            "SELECT seq, row_number, contact_id, contact_fields FROM rows "
            "WHERE state = ? AND seq > ? ORDER BY seq LIMIT ?",
            (state.value, after_seq, limit),
        )
        return [
            (seq, row_number, contact_id, _fields_or_none(fields))
            for seq, row_number, contact_id, fields in cursor
        ]

    def unknown_row_for(self, phone: str, first_name: str) -> int | None:
        """Return the position of the unknown row with this phone and first name, or None.

        First names match after trimming, ignoring case.
        """
        row = self._db.execute(
            "SELECT seq, contact_fields FROM rows WHERE phone_key = ? AND state = ?",
            (phone, RowState.UNKNOWN.value),
        ).fetchone()
        if row is None:
            return None

        fields = ContactFields.from_json(row[1])
        if fields.first_name.strip().casefold() != first_name.strip().casefold():
            return None
        return int(row[0])

    def knows_contact(self, contact_id: str) -> bool:
        """Return whether a row already records this contact id."""
        row = self._db.execute("SELECT 1 FROM rows WHERE contact_id = ?", (contact_id,))
        return row.fetchone() is not None

    def row_numbers_in_states(self, states: Iterable[RowState], limit: int) -> tuple[int, ...]:
        values = [state.value for state in states]
        placeholders = ", ".join("?" for _ in values)
        cursor = self._db.execute(
            f"SELECT row_number FROM rows WHERE state IN ({placeholders}) ORDER BY seq LIMIT ?",
            (*values, limit),
        )
        return tuple(row_number for (row_number,) in cursor)

    def outcome_counts(self) -> list[tuple[RowState, str | None, str | None, int]]:
        """Return (state, skip reason, error code, count) for every combination present."""
        cursor = self._db.execute(
            "SELECT state, skip_reason, error_code, COUNT(*) FROM rows "
            "GROUP BY state, skip_reason, error_code"
        )
        return [(RowState(state), reason, code, count) for state, reason, code, count in cursor]

    def report_rows(self) -> Iterator[tuple[object, ...]]:
        """Yield every row for the report, in input order, reading from a cursor."""
        yield from self._db.execute(
            "SELECT row_number, row_key, state, skip_reason, duplicate_of, contact_id, "
            "batch_id, error_code, error_message, input_values FROM rows ORDER BY seq"
        )

    @property
    def columns(self) -> list[str]:
        """Names of the original values seen in the input, in first-seen order."""
        return list(self._columns)

    def contact_ids_in_state(self, state: RowState) -> Iterator[str]:
        cursor = self._db.execute(
            "SELECT contact_id FROM rows WHERE state = ? ORDER BY seq", (state.value,)
        )
        for (contact_id,) in cursor:
            yield contact_id

    # -- writing rows

    def insert_rows(self, rows: Iterable[PreparedRow]) -> list[StoredRow]:
        """Record new input rows in one transaction and return the state each one got.

        A row whose phone an earlier row already has is skipped as duplicate_phone, with
        `duplicate_of` set to the earlier row's number.
        """
        stored = []
        with self._writing():
            for row in rows:
                stored.append(self._insert(row))
            self._record_columns()

        return stored

    def _insert(self, row: PreparedRow) -> StoredRow:
        if not self._columns.keys() >= row.values.keys():
            self._columns.update(dict.fromkeys(row.values))

        values = json.dumps(row.values, ensure_ascii=False)
        skip_reason, duplicate_of = row.skip_reason, None
        if row.fields is not None:
            # The unique index on phone_key rejects a phone that an earlier row has.
            inserted = self._db.execute(
                _INSERT_PENDING,
                (*_row_columns(row, values), row.fields.to_json(), row.fields.phone),
            ).rowcount
            if inserted:
                self.counts[RowState.PENDING] += 1
                return StoredRow(row.seq, row.row_number, RowState.PENDING, row.fields)
            skip_reason = DUPLICATE_PHONE
            duplicate_of = self._row_number_with_phone(row.fields.phone)

        self._db.execute(_INSERT_SKIPPED, (*_row_columns(row, values), skip_reason, duplicate_of))
        self.counts[RowState.SKIPPED] += 1
        return StoredRow(row.seq, row.row_number, RowState.SKIPPED, None)

    def _row_number_with_phone(self, phone: str) -> int | None:
        found = self._db.execute("SELECT row_number FROM rows WHERE phone_key = ?", (phone,))
        row = found.fetchone()
        return None if row is None else int(row[0])

    def _record_columns(self) -> None:
        text = json.dumps(list(self._columns), ensure_ascii=False)
        if text != self.get_meta("columns"):
            self.set_meta("columns", text)

    def begin_create(self, seq: int, current: RowState) -> None:
        """Write the intent to create the row's contact. Commit it before sending."""
        self._move(seq, current, RowState.CREATING, attempts=True, error=(None, None))

    def record_created(
        self, seq: int, contact_id: str, *, current: RowState = RowState.CREATING
    ) -> None:
        reconciled = current is RowState.UNKNOWN
        self._move(
            seq,
            current,
            RowState.CREATED,
            contact_id=contact_id,
            reconciled=reconciled,
            error=(None, None),
        )

    def record_failed(self, seq: int, code: str, message: str) -> None:
        self._move(seq, RowState.CREATING, RowState.FAILED, error=(code, message))

    def record_unknown(self, seq: int, code: str, message: str) -> None:
        self._move(seq, RowState.CREATING, RowState.UNKNOWN, error=(code, message))

    def record_not_sent(self, seq: int, code: str, message: str) -> None:
        """Return a row to pending: its create was rejected before the API stored anything."""
        self._move(seq, RowState.CREATING, RowState.PENDING, error=(code, message))

    def _move(
        self,
        seq: int,
        current: RowState,
        new: RowState,
        *,
        contact_id: str | None = None,
        reconciled: bool = False,
        attempts: bool = False,
        error: tuple[str | None, str | None] | None = None,
    ) -> None:
        assignments = ["state = ?"]
        parameters: list[object] = [new.value]
        if contact_id is not None:
            assignments.append("contact_id = ?")
            parameters.append(contact_id)
        if reconciled:
            assignments.append("reconciled = 1")
        if attempts:
            assignments.append("attempts = attempts + 1")
        if error is not None:
            assignments.append("error_code = ?, error_message = ?")
            parameters.extend([error[0], _shorten(error[1])])

        sql = f"UPDATE rows SET {', '.join(assignments)} WHERE seq = ? AND state = ?"
        with self._writing():
            changed = self._db.execute(sql, (*parameters, seq, current.value)).rowcount
        if changed != 1:
            raise JournalError(
                f"Row {seq} of the journal {self.path} is not in state {current.value}, so "
                "another process may have changed the journal. Stop it and resume."
            )
        self.counts[current] -= 1
        self.counts[new] += 1

    def mark_interrupted(self) -> int:
        """Turn the rows left in `creating` by a crashed run into unknown rows."""
        with self._writing():
            changed = self._db.execute(
                "UPDATE rows SET state = ?, error_code = 'interrupted', error_message = ? "
                "WHERE state = ?",
                (
                    RowState.UNKNOWN.value,
                    "The create was in flight when the previous run stopped.",
                    RowState.CREATING.value,
                ),
            ).rowcount
        self._load_counts()
        return changed

    def release_unknown(self) -> int:
        """Return unknown rows to pending, once reading back showed they have no contact."""
        with self._writing():
            changed = self._db.execute(
                "UPDATE rows SET state = ? WHERE state = ?",
                (RowState.PENDING.value, RowState.UNKNOWN.value),
            ).rowcount
        self._load_counts()
        return changed

    # -- batches

    def open_batch(self, seqs: list[int]) -> int:
        """Write a new batch and the batch id of its rows. Commit it before sending the add."""
        with self._writing():
            cursor = self._db.execute(
                "INSERT INTO batches (state, size) VALUES ('adding', ?)", (len(seqs),)
            )
            batch_id = int(cursor.lastrowid or 0)
            self._db.executemany(
                "UPDATE rows SET batch_id = ? WHERE seq = ? AND state = ?",
                [(batch_id, seq, RowState.CREATED.value) for seq in seqs],
            )

        return batch_id

    def close_batch(self, batch_id: int, error: tuple[str, str] | None) -> int:
        """Record the outcome of an add request, and return how many rows it added.

        After a failed add, the rows stay `created` with the add's error, so the next run
        adds them again.
        """
        with self._writing():
            if error is None:
                return self._mark_batch_added(batch_id)

            code, message = error[0], _shorten(error[1])
            self._db.execute(
                "UPDATE batches SET state = 'failed', error_code = ?, error_message = ? "
                "WHERE batch_id = ?",
                (code, message, batch_id),
            )
            self._db.execute(
                "UPDATE rows SET error_code = ?, error_message = ? "
                "WHERE batch_id = ? AND state = ?",
                (code, message, batch_id, RowState.CREATED.value),
            )
            return 0

    def _mark_batch_added(self, batch_id: int) -> int:
        self._db.execute("UPDATE batches SET state = 'added' WHERE batch_id = ?", (batch_id,))
        added = self._db.execute(
            "UPDATE rows SET state = ?, error_code = NULL, error_message = NULL "
            "WHERE batch_id = ? AND state = ?",
            (RowState.ADDED.value, batch_id, RowState.CREATED.value),
        ).rowcount
        self.counts[RowState.CREATED] -= added
        self.counts[RowState.ADDED] += added
        return added

    # -- internals

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """Run writes in the open transaction, or in a new one.

        Without `on_write`, the transaction is committed when the writes are done, or rolled
        back when one fails. With it, SQLite undoes only the failed statement, and the
        transaction stays open for the committer.
        """
        if not self._db.in_transaction:
            self._db.execute("BEGIN IMMEDIATE")
            if self.on_write is not None:
                self.on_write()
        if self.on_write is not None:
            yield
            return

        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            self._load_counts()
            raise
        self.commit()

    def _load_counts(self) -> None:
        cursor = self._db.execute("SELECT state, COUNT(*) FROM rows GROUP BY state")
        self.counts = collections.Counter({RowState(state): count for state, count in cursor})


def _campaign_mismatch(path: Path, recorded: str, requested: str) -> str:
    return (
        f"The journal {path} records a load into campaign {recorded}, not {requested}. Resume "
        f"it with campaign {recorded}, or use another journal path to load into {requested}."
    )


def _input_mismatch(path: Path, recorded: str, requested: str) -> str:
    return (
        f"The journal {path} was written for another input (fingerprint {recorded[:12]}, "
        f"now {requested[:12]}). Resume it with the same input and settings, or use another "
        "journal path to start a new load."
    )


def _connect(path: Path) -> sqlite3.Connection:
    try:
        connection = sqlite3.connect(path, isolation_level=None, timeout=1.0)
    except sqlite3.Error as exc:
        raise JournalError(f"Cannot open the journal {path}: {exc}. Check the path.") from exc

    try:
        _configure(connection, path)
    except BaseException:
        connection.close()
        raise

    return connection


def _configure(connection: sqlite3.Connection, path: Path) -> None:
    try:
        # The exclusive lock is taken by the first write below and held until close.
        connection.execute("PRAGMA locking_mode = EXCLUSIVE")
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.executescript(_SCHEMA)
        # Takes the write lock now, so a second load on this journal fails at once.
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):
            raise JournalError(
                f"The journal {path} is open in another process, such as another load or a "
                "SQLite tool. Wait for that load to finish or close the tool, then resume."
            ) from exc
        raise JournalError(f"Cannot use the journal {path}: {exc}.") from exc
    except sqlite3.DatabaseError as exc:
        raise JournalError(
            f"{path} is not a SmartAlex journal ({exc}). Pass another journal path."
        ) from exc

    _check_schema_version(connection, path)


def _check_schema_version(connection: sqlite3.Connection, path: Path) -> None:
    row = connection.execute("SELECT value FROM meta WHERE name = 'schema_version'").fetchone()
    if row is None:
        connection.execute(
            "INSERT INTO meta (name, value) VALUES ('schema_version', ?), ('created_at', ?)",
            (SCHEMA_VERSION, str(time.time())),
        )
    elif row[0] != SCHEMA_VERSION:
        raise JournalError(
            f"The journal {path} has schema version {row[0]}, but this version of "
            f"smartalex-python reads version {SCHEMA_VERSION}. Finish it with the version that "
            "wrote it, or start a new journal."
        )


def _row_columns(row: PreparedRow, values: str) -> tuple[int, int, str, str, str]:
    return (row.seq, row.row_number, row.key, row.content_hash, values)


def _fields_or_none(text: str | None) -> ContactFields | None:
    return None if text is None else ContactFields.from_json(text)


def _shorten(message: str | None) -> str | None:
    if message is None or len(message) <= MAX_ERROR_MESSAGE:
        return message
    return message[: MAX_ERROR_MESSAGE - 3] + "..."
