"""Duplicate phone detection in a temporary SQLite file, so memory stays flat for any file size."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path
from types import TracebackType

__all__ = ["FileDuplicates"]

ROWS_PER_COMMIT = 10_000
"""Phones inserted per transaction, because a commit per phone would be much slower."""


class FileDuplicates:
    """A DuplicateDetector that keeps the accepted phones in a temporary SQLite file.

    The file lives in a new temporary directory that `close` deletes. It is a scratch
    index, not a record: it survives no crash, so it is written without syncing.
    """

    def __init__(self) -> None:
        self._directory = Path(tempfile.mkdtemp(prefix="smartalex-phones-"))
        self._db = sqlite3.connect(self._directory / "phones.sqlite", isolation_level=None)
        self._db.execute("PRAGMA journal_mode = OFF")
        self._db.execute("PRAGMA synchronous = OFF")
        self._db.execute(
            "CREATE TABLE phones (phone TEXT PRIMARY KEY, row_number INTEGER NOT NULL) "
            "WITHOUT ROWID"
        )
        self._uncommitted = 0

    def earlier_row(self, phone: str, row_number: int) -> int | None:
        if not self._db.in_transaction:
            self._db.execute("BEGIN")

        inserted = self._db.execute(
            "INSERT INTO phones (phone, row_number) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (phone, row_number),
        ).rowcount
        if inserted:
            self._count_insert()
            return None

        row = self._db.execute("SELECT row_number FROM phones WHERE phone = ?", (phone,))
        return int(row.fetchone()[0])

    def _count_insert(self) -> None:
        self._uncommitted += 1
        if self._uncommitted >= ROWS_PER_COMMIT:
            self._db.execute("COMMIT")
            self._uncommitted = 0

    def close(self) -> None:
        """Delete the file. Safe to call twice."""
        self._db.close()
        shutil.rmtree(self._directory, ignore_errors=True)

    def __enter__(self) -> FileDuplicates:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
