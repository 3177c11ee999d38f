"""Load rows of a contacts CSV into a new campaign: create contacts, add them, start.

Every row read ends in exactly one count of `ImportSummary`: created, skipped (by reason) or
failed, so `rows_read == contacts_created + rows_skipped + rows_failed` always holds.
"""

from __future__ import annotations

import collections
import logging
from collections.abc import Callable, Iterable, Iterator

import attrs

from .._client import AsyncSmartAlex
from .._concurrency import run_bounded
from .._errors import APIStatusError, SmartAlexError
from .._models import CampaignStatus
from .._types import NOT_GIVEN
from ._contacts_csv import ImportRow, SkipReason

__all__ = ["ImportSummary", "RowFailure", "import_contacts"]

logger = logging.getLogger("smartalex.cli.import")


@attrs.frozen
class RowFailure:
    """A row whose contact the API did not create."""

    row_number: int
    code: str | None
    message: str


@attrs.define
class ImportSummary:
    """Counts of an import, updated as it runs so progress displays can read them."""

    campaign_id: str
    campaign_status: CampaignStatus | str
    rows_read: int = 0
    skipped: collections.Counter[SkipReason] = attrs.field(factory=collections.Counter)
    failures: list[RowFailure] = attrs.field(factory=list)
    created: list[tuple[int, str]] = attrs.field(factory=list)
    """(row number, contact id) of every created contact, in completion order."""
    added_ids: tuple[str, ...] = ()
    failed_add_ids: tuple[str, ...] = ()

    @property
    def contacts_created(self) -> int:
        return len(self.created)

    @property
    def rows_skipped(self) -> int:
        return sum(self.skipped.values())

    @property
    def rows_failed(self) -> int:
        return len(self.failures)

    def created_ids(self) -> list[str]:
        """Ids of the created contacts in input row order."""
        return [contact_id for _, contact_id in sorted(self.created)]


ProgressCallback = Callable[[ImportSummary], None]


async def import_contacts(
    client: AsyncSmartAlex,
    rows: Iterable[ImportRow],
    *,
    campaign_name: str,
    agent_id: str | None = None,
    start: bool = False,
    concurrency: int = 8,
    on_progress: ProgressCallback | None = None,
) -> ImportSummary:
    """Create a campaign, create a contact per accepted row, add them all, optionally start.

    The campaign is created first, so a bad agent id fails before any contact exists.
    Contacts are created with at most `concurrency` requests in flight. A row the API rejects
    is recorded in `failures` and does not stop the others.
    """
    campaign = await client.campaigns.create(
        name=campaign_name, agent_id=agent_id if agent_id is not None else NOT_GIVEN
    )
    summary = ImportSummary(campaign_id=campaign.id, campaign_status=campaign.status)
    notify = on_progress or (lambda _summary: None)

    async def create(row: ImportRow) -> None:
        await _create_contact(client, row, summary)
        notify(summary)

    await run_bounded(_accepted_rows(rows, summary, notify), create, limit=concurrency)
    await _add_to_campaign(client, summary, concurrency)
    if start:
        started = await client.campaigns.start(summary.campaign_id)
        summary.campaign_status = started.status
    notify(summary)
    return summary


def _accepted_rows(
    rows: Iterable[ImportRow], summary: ImportSummary, notify: ProgressCallback
) -> Iterator[ImportRow]:
    """Count every row as read, count skipped ones, and yield those with a draft."""
    for row in rows:
        summary.rows_read += 1
        if row.skip_reason is not None:
            summary.skipped[row.skip_reason] += 1
            notify(summary)
            continue
        yield row


async def _create_contact(client: AsyncSmartAlex, row: ImportRow, summary: ImportSummary) -> None:
    draft = row.draft
    assert draft is not None, "only rows with a draft are created"
    try:
        contact = await client.contacts.create(
            first_name=draft.first_name,
            last_name=draft.last_name,
            phone=draft.phone,
            email=draft.email,
            company=draft.company,
        )
    except SmartAlexError as exc:
        code = exc.code if isinstance(exc, APIStatusError) else None
        # The server's message may quote the row's phone or name, so it stays at DEBUG.
        logger.warning(
            "Row %d: contact not created (%s).", row.row_number, code or type(exc).__name__
        )
        logger.debug("Row %d: %s", row.row_number, exc)
        summary.failures.append(RowFailure(row.row_number, code, str(exc)))
        return
    summary.created.append((row.row_number, contact.id))


async def _add_to_campaign(
    client: AsyncSmartAlex, summary: ImportSummary, concurrency: int
) -> None:
    contact_ids = summary.created_ids()
    if not contact_ids:
        return
    result = await client.campaigns.add_contacts(
        summary.campaign_id, contact_ids, concurrency=concurrency
    )
    for batch in result.failed_batches:
        logger.warning(
            "%d contacts not added to the campaign: %s", len(batch.contact_ids), batch.error
        )
    summary.added_ids = result.added_ids
    summary.failed_add_ids = result.failed_ids
