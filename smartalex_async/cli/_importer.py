"""Import a contacts CSV into a campaign with the bulk loader: new imports, resumes, dry runs.

A new import creates the campaign first, so a bad agent id fails before any contact exists,
and then loads the rows with a journal beside the input file. `--resume` takes the campaign
from that journal and continues. The journal records a fingerprint of the file's bytes and
of the settings that change how rows are read (region, column overrides), so a resume
with another file or other settings is rejected before anything is sent.
"""

from __future__ import annotations

import collections
import hashlib
import json
import logging
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import attrs

from .._client import AsyncSmartAlex
from .._models import CampaignStatus
from .._types import NOT_GIVEN
from ..loader import ContactInput, LoadReport, ProgressCallback
from ..loader._journal import Journal, RowState
from ._contacts_csv import (
    ContactsCsvReader,
    HeaderMapping,
    ImportRow,
    NoDuplicateCheck,
    open_contacts_csv,
)
from ._contacts_csv_duplicates import FileDuplicates

__all__ = [
    "JOURNAL_SUFFIX",
    "DryRunSummary",
    "ImportSettings",
    "ImportSetupError",
    "ImportSummary",
    "added_contact_ids",
    "check_journal",
    "default_journal_path",
    "dry_run",
    "import_contacts",
    "open_import",
]

logger = logging.getLogger("smartalex.bulk")

JOURNAL_SUFFIX = ".smartalex-journal.sqlite"
"""Appended to the input file's name to make the default journal path."""

_HASH_CHUNK = 1024 * 1024


class ImportSetupError(Exception):
    """An import cannot start. The message gives the reason and the fix."""


@attrs.frozen(kw_only=True)
class ImportSettings:
    """The settings of one `smartalex import` run."""

    file: Path
    region: str
    overrides: Mapping[str, str] = attrs.field(factory=dict)
    journal: Path
    resume: bool = False
    campaign_name: str | None = None
    agent_id: str | None = None
    start: bool = False
    concurrency: int = 8
    reconcile: bool = True
    report: Path | None = None


@attrs.frozen
class ImportSummary:
    """The outcome of an import: the loader's report and the campaign's state."""

    report: LoadReport
    campaign_status: CampaignStatus | str
    campaign_created: bool

    @property
    def campaign_id(self) -> str:
        return self.report.campaign_id


@attrs.frozen
class DryRunSummary:
    """Counts of a dry run: rows read, rows that would be created, and skips by reason."""

    mapping: HeaderMapping
    rows_read: int
    valid: int
    skipped: Mapping[str, int]


def default_journal_path(file: Path) -> Path:
    """Return the journal path beside `file`: `contacts.csv.smartalex-journal.sqlite`."""
    return file.with_name(file.name + JOURNAL_SUFFIX)


def open_import(settings: ImportSettings, duplicates: bool = False) -> ContactsCsvReader:
    """Open the input file as the import reads it: full names split, overrides applied.

    Duplicate phones are left to the loader's journal unless `duplicates` is set.
    Raises ContactsCsvError, ValueError (a bad region) or OSError.
    """
    return open_contacts_csv(
        settings.file,
        region=settings.region,
        overrides=settings.overrides,
        split_full_name=True,
        duplicates=None if duplicates else NoDuplicateCheck(),
    )


def check_journal(settings: ImportSettings) -> str | None:
    """Check the journal against `--resume`, and return the campaign id to resume, or None.

    Raises ImportSetupError when the journal exists without `--resume` or is missing with it, and
    JournalError when it belongs to another input or cannot be read.
    """
    exists = settings.journal.exists()
    if exists and not settings.resume:
        raise ImportSetupError(
            f"The journal {settings.journal} exists from an earlier import of this file. Pass "
            "--resume to continue that import, or delete the journal to start a new one."
        )
    if not settings.resume:
        return None
    if not exists:
        raise ImportSetupError(
            f"There is no journal at {settings.journal} to resume. Run without --resume to "
            "start a new import, or pass --journal with the path of the earlier import's journal."
        )

    with Journal.open(settings.journal) as journal:
        journal.bind(None, input_fingerprint(settings))
        campaign_id = journal.campaign_id

    if campaign_id is None:
        raise ImportSetupError(
            f"The journal {settings.journal} records no campaign, so the earlier import stopped "
            "before its first row. Delete the journal and import the file again."
        )
    return campaign_id


async def import_contacts(
    client: AsyncSmartAlex,
    settings: ImportSettings,
    campaign_id: str | None,
    on_progress: ProgressCallback | None = None,
) -> ImportSummary:
    """Create the campaign unless resuming, load the file into it, and start it if asked.

    The campaign is started only when every row was added or skipped.
    """
    created = campaign_id is None
    if campaign_id is None:
        campaign = await client.campaigns.create(
            name=settings.campaign_name or settings.file.stem,
            agent_id=settings.agent_id if settings.agent_id is not None else NOT_GIVEN,
        )
        campaign_id = campaign.id
        logger.info("Created campaign %s for the import of %s.", campaign_id, settings.file.name)

    report = await _load(client, settings, campaign_id, on_progress)
    status = (await client.campaigns.get(campaign_id)).status
    if settings.start and report.ok:
        status = (await client.campaigns.start(campaign_id)).status

    return ImportSummary(report=report, campaign_status=status, campaign_created=created)


async def _load(
    client: AsyncSmartAlex,
    settings: ImportSettings,
    campaign_id: str,
    on_progress: ProgressCallback | None,
) -> LoadReport:
    fingerprint = input_fingerprint(settings)
    with open_import(settings) as reader:
        return await client.campaigns.load_contacts(
            campaign_id,
            contact_inputs(reader),
            journal=settings.journal,
            concurrency=settings.concurrency,
            on_progress=on_progress,
            reconcile=settings.reconcile,
            input_fingerprint=fingerprint,
            expected_rows=estimate_rows(settings.file),
            report=settings.report,
        )


def contact_inputs(rows: Iterable[ImportRow]) -> Iterator[ContactInput]:
    """Turn CSV rows into loader input, passing the reader's skip reasons through."""
    for row in rows:
        yield to_contact_input(row)


def to_contact_input(row: ImportRow) -> ContactInput:
    draft = row.draft
    if draft is None:
        return ContactInput(
            first_name=None,
            row_number=row.row_number,
            values=row.values,
            skip_reason=str(row.skip_reason),
        )

    return ContactInput(
        first_name=draft.first_name,
        last_name=draft.last_name,
        phone=draft.phone,
        email=draft.email,
        company=draft.company,
        row_number=row.row_number,
        values=row.values,
    )


def dry_run(settings: ImportSettings) -> DryRunSummary:
    """Read, map, normalize and check every row, and count the outcomes. Send nothing.

    Duplicate phones are found in a temporary file, so memory stays flat for any file size.
    """
    rows_read = 0
    outcomes: collections.Counter[str] = collections.Counter()
    with FileDuplicates() as duplicates:
        reader = open_contacts_csv(
            settings.file,
            region=settings.region,
            overrides=settings.overrides,
            split_full_name=True,
            duplicates=duplicates,
        )
        with reader:
            for row in reader:
                rows_read += 1
                outcomes[str(row.skip_reason) if row.skip_reason else "valid"] += 1

    valid = outcomes.pop("valid", 0)
    return DryRunSummary(reader.mapping, rows_read, valid, dict(sorted(outcomes.items())))


def input_fingerprint(settings: ImportSettings) -> str:
    """Return a SHA-256 of the file's bytes and of the settings that change its rows."""
    digest = hashlib.sha256()
    options = {"region": settings.region.upper(), "overrides": sorted(settings.overrides.items())}
    digest.update(json.dumps(options).encode())
    with settings.file.open("rb") as file:
        while chunk := file.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def estimate_rows(path: Path) -> int:
    """Return the file's line count minus the header, an estimate of its rows for the ETA.

    A quoted field with line breaks makes the estimate too high.
    """
    lines = 0
    with path.open("rb") as file:
        while chunk := file.read(_HASH_CHUNK):
            lines += chunk.count(b"\n")
    return max(0, lines - 1)


def added_contact_ids(journal_path: str | os.PathLike[str]) -> list[str]:
    """Return the ids of the contacts that the journal records as added, in row order."""
    with Journal.open(journal_path) as journal:
        return list(journal.contact_ids_in_state(RowState.ADDED))
