"""The Campaigns resource: list, get, create, add contacts in batches, start."""

from __future__ import annotations

import builtins
import contextlib
import itertools
import logging
import os
from collections.abc import AsyncIterator, Iterable, Mapping
from typing import Any

from .._concurrency import run_bounded
from .._errors import InvalidParameterError, OutcomeUnknownError, SmartAlexError
from .._models import (
    AddContactsResult,
    BatchFailure,
    BusinessHours,
    Campaign,
    CampaignStatus,
    Page,
    StartResult,
)
from .._retry import RequestKind
from .._types import NOT_GIVEN, NotGiven, Timeout
from .._validation import (
    MAX_PER_PAGE,
    optional_text,
    page_params,
    require_id,
    require_positive_int,
    require_text,
    require_timezone,
)
from ..loader import ContactSource, LoadProgress, LoadReport, ProgressCallback
from ._base import AsyncResource, iterate_pages, make_page, structure, unwrap_data
from .contacts import AsyncContacts

__all__ = ["DEFAULT_ADD_CONCURRENCY", "MAX_CONTACTS_PER_BATCH", "AsyncCampaigns"]

MAX_CONTACTS_PER_BATCH = 100
"""Most contact ids the API accepts in one add-contacts request."""

DEFAULT_ADD_CONCURRENCY = 8
"""Add-contacts batches in flight at once when the caller does not choose."""

_BatchOutcome = SmartAlexError | None

_NOT_STARTED = (CampaignStatus.DRAFT, CampaignStatus.PAUSED)
"""Statuses that show a start request did not take effect."""

logger = logging.getLogger("smartalex.campaigns")


class AsyncCampaigns(AsyncResource):
    """Outbound calling campaigns: `client.campaigns`.

    Pause, resume and cancel are not part of the public API, so they are not offered here.
    """

    async def list(
        self, *, page: int | None = None, per_page: int | None = None, timeout: Timeout = None
    ) -> Page[Campaign]:
        """Fetch one page of campaigns; the server's defaults are page 1 and 20 per page."""
        params = page_params(page, per_page)
        body = await self._transport.request("GET", "/campaigns", params=params, timeout=timeout)
        return make_page(body, Campaign)

    async def iter_all(
        self, *, per_page: int = MAX_PER_PAGE, timeout: Timeout = None
    ) -> AsyncIterator[Campaign]:
        """Yield every campaign, fetching pages of `per_page` as the iteration needs them."""
        page_params(None, per_page)

        async def fetch_page(page: int, size: int) -> Page[Campaign]:
            return await self.list(page=page, per_page=size, timeout=timeout)

        async for campaign in iterate_pages(fetch_page, per_page):
            yield campaign

    async def get(self, campaign_id: str, *, timeout: Timeout = None) -> Campaign:
        """Fetch one campaign with all its fields."""
        body = await self._transport.request(
            "GET",
            "/campaigns/{campaign_id}",
            path_params={"campaign_id": require_id("campaign_id", campaign_id)},
            timeout=timeout,
        )
        return structure(unwrap_data(body), Campaign)

    async def create(
        self,
        *,
        name: str,
        description: str | NotGiven = NOT_GIVEN,
        objective: str | NotGiven = NOT_GIVEN,
        agent_id: str | NotGiven = NOT_GIVEN,
        phone_number_id: str | NotGiven = NOT_GIVEN,
        campaign_mode: str | NotGiven = NOT_GIVEN,
        timezone: str | NotGiven = NOT_GIVEN,
        business_hours: BusinessHours | Mapping[str, Any] | NotGiven = NOT_GIVEN,
        timeout: Timeout = None,
    ) -> Campaign:
        """Create a campaign in `draft` status.

        `timezone` is an IANA name such as "America/New_York"; `business_hours` gives each
        weekday's calling window in that timezone. Every value is validated before the request.
        Creating is not idempotent, so a lost response raises OutcomeUnknownError instead of
        being retried.
        """
        body: dict[str, Any] = {"name": require_text("name", name)}
        for field, text in (
            ("description", description),
            ("objective", objective),
            ("campaign_mode", campaign_mode),
        ):
            if not isinstance(text, NotGiven):
                body[field] = optional_text(field, text)
        for field, identifier in (("agent_id", agent_id), ("phone_number_id", phone_number_id)):
            if not isinstance(identifier, NotGiven):
                body[field] = require_id(field, identifier)
        if not isinstance(timezone, NotGiven):
            body["timezone"] = require_timezone(timezone)
        if not isinstance(business_hours, NotGiven):
            # Imported here, like the loader below, to keep cattrs out of `import smartalex_async`.
            from .._converters import structure_business_hours, unstructure_business_hours

            hours = structure_business_hours(business_hours)
            body["business_hours"] = unstructure_business_hours(hours)

        response = await self._transport.request(
            "POST", "/campaigns", json_body=body, timeout=timeout
        )
        return structure(unwrap_data(response), Campaign)

    async def add_contacts(
        self,
        campaign_id: str,
        contact_ids: Iterable[str],
        *,
        concurrency: int = DEFAULT_ADD_CONCURRENCY,
        timeout: Timeout = None,
    ) -> AddContactsResult:
        """Add contacts to a campaign, any number of ids, in concurrent batches of 100.

        Duplicate ids are dropped, keeping the first occurrence. At most `concurrency` batches
        are in flight, and tasks are created only as slots free up. A batch the server rejects
        does not stop the others: the result lists every added id and every failed batch with
        its ids and error, so no id is unaccounted for. Errors other than SmartAlexError
        (a bug, or cancellation) propagate. Adding is idempotent, so each batch is retried
        after timeouts and server errors; `timeout` applies to each batch request.
        """
        campaign_id = require_id("campaign_id", campaign_id)
        require_positive_int("concurrency", concurrency)
        unique_ids, duplicates = _dedupe_ids(contact_ids)
        batches = [
            unique_ids[start : start + MAX_CONTACTS_PER_BATCH]
            for start in range(0, len(unique_ids), MAX_CONTACTS_PER_BATCH)
        ]

        outcomes = await self._send_batches(campaign_id, batches, concurrency, timeout)

        added = itertools.chain.from_iterable(
            batch for batch, error in zip(batches, outcomes, strict=True) if error is None
        )
        failed = [
            BatchFailure(contact_ids=tuple(batch), error=error)
            for batch, error in zip(batches, outcomes, strict=True)
            if error is not None
        ]
        return AddContactsResult(
            campaign_id=campaign_id,
            added_ids=tuple(added),
            failed_batches=tuple(failed),
            duplicates_dropped=duplicates,
        )

    async def _send_batches(
        self,
        campaign_id: str,
        batches: builtins.list[builtins.list[str]],
        concurrency: int,
        timeout: Timeout,
    ) -> builtins.list[_BatchOutcome]:
        outcomes: builtins.list[_BatchOutcome] = [None] * len(batches)

        async def send(index: int) -> None:
            try:
                await self._add_batch(campaign_id, batches[index], timeout)
            except SmartAlexError as exc:
                outcomes[index] = exc

        await run_bounded(range(len(batches)), send, limit=concurrency)
        return outcomes

    async def _add_batch(
        self, campaign_id: str, contact_ids: builtins.list[str], timeout: Timeout
    ) -> None:
        # The vendor documents no response body for this endpoint, so none is decoded.
        await self._transport.request(
            "POST",
            "/campaigns/{campaign_id}/contacts",
            path_params={"campaign_id": campaign_id},
            json_body={"contact_ids": contact_ids},
            kind=RequestKind.SAFE,
            timeout=timeout,
            decode_success=False,
        )

    async def start(self, campaign_id: str, *, timeout: Timeout = None) -> StartResult:
        """Start a campaign so that its agent begins calling within the business hours.

        When the outcome of the start request is unknown (the connection dropped or timed
        out after sending), the campaign is read back. A campaign that left draft or paused
        is reported as started. One still in draft or paused gets the start once more.
        Raises NoContactsError when the campaign has no contacts.
        """
        campaign_id = require_id("campaign_id", campaign_id)
        try:
            return await self._send_start(campaign_id, timeout)
        except OutcomeUnknownError:
            campaign = await self.get(campaign_id, timeout=timeout)
            if campaign.status in _NOT_STARTED:
                logger.info("Start of %s did not take effect; sending it again.", campaign_id)
                return await self._send_start(campaign_id, timeout)
            logger.info("Start of %s took effect, as reading it back shows.", campaign_id)
            return StartResult(
                id=campaign.id, status=campaign.status, started_at=campaign.started_at
            )

    async def _send_start(self, campaign_id: str, timeout: Timeout) -> StartResult:
        body = await self._transport.request(
            "POST",
            "/campaigns/{campaign_id}/start",
            path_params={"campaign_id": campaign_id},
            timeout=timeout,
        )
        return structure(unwrap_data(body), StartResult)

    async def load_contacts(
        self,
        campaign_id: str,
        contacts: ContactSource,
        *,
        journal: str | os.PathLike[str] | None = None,
        concurrency: int = 8,
        on_progress: ProgressCallback | None = None,
        reconcile: bool = True,
        input_fingerprint: str | None = None,
        expected_rows: int | None = None,
        report: str | os.PathLike[str] | None = None,
    ) -> LoadReport:
        """Create a contact for each input row and add them all to the campaign.

        `contacts` is an iterable or async iterable of ContactInput. It is read a chunk at a
        time, so memory stays flat however long it is, and a plain iterable is read on a
        worker thread. At most `concurrency` creates are in flight, and created contacts are
        added in batches of 100 while the creates go on. All requests share the client's
        rate limiter (`requests_per_minute`).

        Rows are skipped, never sent, when they lack a first name or a phone, when the phone
        is not E.164, or when an earlier row has the same phone (duplicate_phone). A row
        whose create fails is reported with the API's error code. A create whose outcome is
        unknown is not resent blindly: with `reconcile`, the contacts are read back, a
        contact with the same phone and first name settles the row, and a row without one
        is created again. Without it, such rows stay unknown.

        `journal` is the path of a SQLite file that records every row and step. Loading
        again with an existing journal resumes it: rows already settled are not sent again,
        nothing is created twice, and created contacts not yet added are added. The journal
        must belong to this campaign and, when `input_fingerprint` is set, to the same
        input, else JournalMismatchError is raised. The input rows are also compared one by
        one. Without a journal, a temporary one is used and deleted.

        When the account reaches its plan's cap on stored contacts, the load stops reading,
        lets in-flight requests finish, adds what it created and returns a report with
        `stop_reason` "contact_limit_reached". `on_progress` gets LoadProgress events on the
        event loop's thread, at most four a second, and `expected_rows` enables the ETA.
        `report` is a path for the per-row CSV report. Errors that would hit every request
        (authentication, an unknown campaign) stop the load the same way and are raised.
        """
        # The pipeline pulls in anyio and sqlite3, which plain API calls never need.
        from ..loader._pipeline import LoadOptions, run_load

        options = LoadOptions(
            campaign_id=campaign_id,
            journal=journal,
            concurrency=concurrency,
            reconcile=reconcile,
            input_fingerprint=input_fingerprint,
            expected_rows=expected_rows,
            report=report,
        )
        return await run_load(self, AsyncContacts(self._transport), contacts, options, on_progress)

    async def iter_load_contacts(
        self,
        campaign_id: str,
        contacts: ContactSource,
        *,
        journal: str | os.PathLike[str] | None = None,
        concurrency: int = 8,
        reconcile: bool = True,
        input_fingerprint: str | None = None,
        expected_rows: int | None = None,
        report: str | os.PathLike[str] | None = None,
    ) -> AsyncIterator[LoadProgress]:
        """Run `load_contacts` and yield its progress events; the last one has the report.

        A consumer slower than the load receives only the latest event. Leaving the loop
        early cancels the load, which the same journal resumes later.
        """
        from ..loader._pipeline import LoadOptions, iterate_load

        options = LoadOptions(
            campaign_id=campaign_id,
            journal=journal,
            concurrency=concurrency,
            reconcile=reconcile,
            input_fingerprint=input_fingerprint,
            expected_rows=expected_rows,
            report=report,
        )
        events = iterate_load(self, AsyncContacts(self._transport), contacts, options)
        async with contextlib.aclosing(events):
            async for event in events:
                yield event


def _dedupe_ids(contact_ids: Iterable[str]) -> tuple[builtins.list[str], int]:
    """Return the distinct ids in first-seen order and how many repeats were dropped."""
    if isinstance(contact_ids, str):
        raise InvalidParameterError(
            f"contact_ids must be an iterable of id strings, not one string; got {contact_ids!r}."
        )
    ids = builtins.list(contact_ids)

    # An unhashable item fails in set(), and is reported by require_id like any bad id.
    try:
        distinct = set(ids)
    except TypeError:
        for contact_id in ids:
            require_id("contact id", contact_id)
        raise

    # set() is about twice as fast as dict.fromkeys() on 100,000 new strings, and inputs
    # rarely repeat an id, so the ordered dedupe runs only when there are repeats.
    unique = ids if len(distinct) == len(ids) else builtins.list(dict.fromkeys(ids))

    # require_id's checks in one C pass, since a call per id took 5% of a fan-out's CPU time.
    # str.isspace raises TypeError for a non-string. Walking the set was 3 times slower.
    try:
        valid = "" not in distinct and not any(map(str.isspace, unique))
    except TypeError:
        valid = False
    if not valid:
        for contact_id in unique:
            require_id("contact id", contact_id)
    if not unique:
        raise InvalidParameterError("contact_ids must contain at least one id; got none.")
    return unique, len(ids) - len(unique)
