"""Public value types of the bulk loader: its input rows, progress events and final report."""

from __future__ import annotations

import enum
from collections.abc import AsyncIterable, Callable, Iterable, Mapping
from typing import TypeAlias

import attrs

from .._errors import InvalidParameterError, SmartAlexError

__all__ = [
    "CONTACT_LIMIT_CODES",
    "ContactInput",
    "ContactSource",
    "JournalError",
    "JournalMismatchError",
    "LoadPhase",
    "LoadProgress",
    "LoadReport",
    "ProgressCallback",
    "RowOutcome",
]

CONTACT_LIMIT_CODES = frozenset({"contact_limit_reached"})
"""Error codes that mean the account stores as many contacts as its plan allows."""


def _as_tags(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        raise InvalidParameterError(
            f"tags must be a list of strings, not one string; got {value!r}."
        )
    return tuple(value)


@attrs.frozen(kw_only=True)
class ContactInput:
    """One input row of a bulk load: the contact to create and where it came from.

    `phone` should be in E.164 form ("+14155550132"). The loader removes spaces, tabs, dots,
    dashes, slashes and brackets, and skips the row as invalid_phone unless the result is "+"
    and 7 to 15 digits. It never guesses a country code.

    `row_number` is the row's number in the input (a spreadsheet row, say) and `key` a stable
    identifier such as a CRM record id. Both only label the row in the report, because the
    loader matches rows across runs by their position in the input. `values` contains the row's
    original values for the report, and defaults to the contact fields.

    `skip_reason` marks a row that the caller already rejected, such as a CSV row without
    a phone column value. Such a row is recorded and reported as skipped and never sent.
    """

    first_name: str | None
    last_name: str | None = None
    phone: str | None = None
    email: str | None = None
    company: str | None = None
    tags: tuple[str, ...] = attrs.field(default=(), converter=_as_tags)
    row_number: int | None = None
    key: str | None = None
    values: Mapping[str, str] | None = None
    skip_reason: str | None = None


ContactSource: TypeAlias = Iterable[ContactInput] | AsyncIterable[ContactInput]
"""The input of a bulk load: a plain or an async iterable of ContactInput, read lazily."""


class RowOutcome(str, enum.Enum):
    """The final state of an input row after a load."""

    ADDED = "added"
    """The contact exists and is in the campaign."""
    SKIPPED = "skipped"
    """The row was never sent: it is invalid, or a duplicate of an earlier row."""
    FAILED = "failed"
    """The API rejected the create, or the contact was created but the add failed."""
    UNKNOWN = "unknown"
    """The create may or may not have taken effect, and it was not sent again blindly."""
    PENDING = "pending"
    """The row was read, but the load stopped before sending it. Resuming sends it."""

    def __str__(self) -> str:
        return self.value


class LoadPhase(str, enum.Enum):
    """The stage that a load is in when it reports progress."""

    RECONCILING = "reconciling"
    """Reading contacts back to settle rows whose create outcome is unknown."""
    LOADING = "loading"
    """Reading input rows, creating contacts and adding them to the campaign."""
    FINISHED = "finished"
    """Every row read is settled, and the event carries the report."""
    STOPPED = "stopped"
    """The load stopped early, such as at the plan's contact cap. The event has the report."""

    def __str__(self) -> str:
        return self.value


@attrs.frozen(kw_only=True)
class LoadReport:
    """The outcome of a load, counted over every row in the journal.

    After a resumed load the counts include the rows settled by earlier runs, so they
    describe the whole input read so far. `rows_read` equals added + skipped + failed +
    unknown + pending. `created` counts the rows whose contact exists, added or not.
    `skipped_by_reason` and `failed_by_code` break the counts down.
    `created_this_run` counts the contacts this run created, and `reconciled` the rows whose
    unknown create was found by reading contacts back.

    `stop_reason` is None for a load that read its whole input, else a code such as
    "contact_limit_reached", explained by `message`. `unknown_row_numbers` lists the row
    numbers of the first 100 unknown rows at most, and the CSV report lists every row.
    `journal_path` is None when the load used a temporary journal.
    """

    campaign_id: str
    rows_read: int
    created: int
    added: int
    skipped: int
    failed: int
    unknown: int
    pending: int
    skipped_by_reason: Mapping[str, int] = attrs.field(factory=dict)
    failed_by_code: Mapping[str, int] = attrs.field(factory=dict)
    created_this_run: int = 0
    reconciled: int = 0
    elapsed_seconds: float = 0.0
    stop_reason: str | None = None
    message: str | None = None
    unknown_row_numbers: tuple[int, ...] = ()
    journal_path: str | None = None
    report_path: str | None = None

    @property
    def ok(self) -> bool:
        """True when the whole input was read and every row was added or skipped."""
        unsettled = self.failed + self.unknown + self.pending
        return self.stop_reason is None and unsettled == 0


@attrs.frozen(kw_only=True)
class LoadProgress:
    """A snapshot of a running load, counted over every row in the journal.

    `created` counts rows whose contact exists (added or waiting for its batch). `rate` is
    rows settled per second over the last few seconds, and `eta_seconds` is None unless the
    caller passed `expected_rows`. The last event of a load has phase FINISHED or STOPPED
    and carries the report.
    """

    phase: LoadPhase
    rows_read: int
    created: int
    added: int
    skipped: int
    failed: int
    unknown: int
    pending: int
    rate: float
    elapsed_seconds: float
    expected_rows: int | None = None
    eta_seconds: float | None = None
    report: LoadReport | None = None


ProgressCallback: TypeAlias = Callable[[LoadProgress], None]
"""Called with each progress event on the event loop's thread, so it should return quickly."""


class JournalError(SmartAlexError):
    """The journal file cannot be used: it is locked, damaged, or of another version."""


class JournalMismatchError(JournalError):
    """The journal belongs to another campaign or another input, so it cannot be resumed."""
