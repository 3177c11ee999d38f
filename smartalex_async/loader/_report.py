"""The outcome of each row, counted for LoadReport and written row by row as CSV."""

from __future__ import annotations

import collections
import csv
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from ._models import LoadReport, RowOutcome
from ._rows import RowState

if TYPE_CHECKING:
    from ._journal import Journal

__all__ = ["REPORT_COLUMNS", "build_report", "outcome_of", "write_load_report", "write_report"]

REPORT_COLUMNS = (
    "row_number",
    "key",
    "outcome",
    "skip_reason",
    "duplicate_of_row",
    "error_code",
    "error_message",
    "contact_id",
    "batch",
)
"""The report's own columns. The input's original columns follow them."""

MAX_LISTED_UNKNOWN = 100
"""Row numbers of unknown rows that a LoadReport lists. The CSV report has all of them."""


def outcome_of(state: RowState, error_code: str | None) -> RowOutcome:
    """Map a journal state to the row's outcome.

    A contact that was created but not added is a failure when its add failed. It is pending
    when the load stopped before adding it. The next run adds it in both cases.
    """
    if state is RowState.CREATED:
        return RowOutcome.FAILED if error_code is not None else RowOutcome.PENDING
    return _OUTCOMES[state]


_OUTCOMES = {
    RowState.PENDING: RowOutcome.PENDING,
    RowState.CREATING: RowOutcome.UNKNOWN,
    RowState.ADDED: RowOutcome.ADDED,
    RowState.SKIPPED: RowOutcome.SKIPPED,
    RowState.FAILED: RowOutcome.FAILED,
    RowState.UNKNOWN: RowOutcome.UNKNOWN,
}


@attrs.define
class _Tally:
    """Rows counted by outcome, skip reason and error code."""

    totals: collections.Counter[RowOutcome] = attrs.field(factory=collections.Counter)
    skipped_by_reason: collections.Counter[str] = attrs.field(factory=collections.Counter)
    failed_by_code: collections.Counter[str] = attrs.field(factory=collections.Counter)
    created: int = 0

    def add(
        self, state: RowState, skip_reason: str | None, error_code: str | None, count: int
    ) -> None:
        outcome = outcome_of(state, error_code)
        self.totals[outcome] += count
        if state in (RowState.CREATED, RowState.ADDED):
            self.created += count
        if outcome is RowOutcome.SKIPPED:
            self.skipped_by_reason[skip_reason or "unknown"] += count
        elif outcome is RowOutcome.FAILED:
            self.failed_by_code[error_code or "unknown"] += count


def build_report(
    journal: Journal,
    campaign_id: str,
    *,
    created_this_run: int = 0,
    reconciled: int = 0,
    elapsed_seconds: float = 0.0,
    stop_reason: str | None = None,
    message: str | None = None,
    report_path: str | None = None,
) -> LoadReport:
    """Count every row of the journal by outcome."""
    tally = _Tally()
    for state, skip_reason, error_code, count in journal.outcome_counts():
        tally.add(state, skip_reason, error_code, count)

    unknown_states = (RowState.UNKNOWN, RowState.CREATING)
    return LoadReport(
        campaign_id=campaign_id,
        rows_read=sum(tally.totals.values()),
        created=tally.created,
        added=tally.totals[RowOutcome.ADDED],
        skipped=tally.totals[RowOutcome.SKIPPED],
        failed=tally.totals[RowOutcome.FAILED],
        unknown=tally.totals[RowOutcome.UNKNOWN],
        pending=tally.totals[RowOutcome.PENDING],
        skipped_by_reason=dict(sorted(tally.skipped_by_reason.items())),
        failed_by_code=dict(sorted(tally.failed_by_code.items())),
        created_this_run=created_this_run,
        reconciled=reconciled,
        elapsed_seconds=elapsed_seconds,
        stop_reason=stop_reason,
        message=message,
        unknown_row_numbers=journal.row_numbers_in_states(unknown_states, MAX_LISTED_UNKNOWN),
        journal_path=None if journal.temporary else str(journal.path),
        report_path=report_path,
    )


def write_report(journal: Journal, path: str | os.PathLike[str]) -> None:
    """Write one CSV line per journal row, in input order, streaming from the journal.

    An original column whose name is also a report column gets the prefix "input_".
    """
    originals = journal.columns
    headers = [*REPORT_COLUMNS, *(_input_header(name) for name in originals)]
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    with partial.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(headers)
        writer.writerows(_report_lines(journal, originals))

    # The report appears complete or not at all, so no reader sees half of it.
    os.replace(partial, target)


def write_load_report(journal: str | os.PathLike[str], report: str | os.PathLike[str]) -> None:
    """Write the per-row CSV report of the load recorded in the journal file `journal`.

    The journal must not be in use by a running load. Raises JournalError when it cannot be
    opened.
    """
    # Imported here: sqlite3 is needed only when a report is written.
    from ._journal import Journal

    with Journal.open(journal) as opened:
        write_report(opened, report)


def _report_lines(journal: Journal, originals: list[str]) -> Iterator[list[object]]:
    for row in journal.report_rows():
        (row_number, key, state, skip_reason, duplicate_of, contact_id, batch_id, code, message) = (
            row[:9]
        )
        values = json.loads(str(row[9]))
        outcome = outcome_of(RowState(state), code if isinstance(code, str) else None)
        yield [
            row_number,
            key,
            outcome.value,
            skip_reason,
            duplicate_of,
            code,
            message,
            contact_id,
            batch_id,
            *(values.get(name, "") for name in originals),
        ]


def _input_header(name: str) -> str:
    return f"input_{name}" if name in REPORT_COLUMNS else name
