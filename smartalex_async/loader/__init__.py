"""Bulk loading of contacts into a campaign: streaming, resumable, every row accounted for.

    async with AsyncSmartAlex() as client:
        report = await client.campaigns.load_contacts(
            campaign.id, rows, journal="load.smartalex-journal.sqlite"
        )

A load creates one contact per row with bounded concurrency, adds them to the campaign in
batches of 100 as they are created, and records every step in a SQLite journal. Running it
again with the same journal and input continues where it stopped, after a crash too,
without creating any contact twice. Each row ends as added, skipped, failed or unknown,
or pending when the load stopped early. `write_load_report` writes them as CSV.
"""

from ._models import (
    CONTACT_LIMIT_CODES,
    ContactInput,
    ContactSource,
    JournalError,
    JournalMismatchError,
    LoadPhase,
    LoadProgress,
    LoadReport,
    ProgressCallback,
    RowOutcome,
)
from ._report import write_load_report

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
    "write_load_report",
]
