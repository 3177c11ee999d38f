"""The Campaigns resource: list, get, create, add contacts in batches, start."""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Iterable, Mapping
from typing import Any

from .._concurrency import run_bounded
from .._converters import structure_business_hours, unstructure_business_hours
from .._errors import InvalidParameterError, SmartAlexError
from .._models import AddContactsResult, BatchFailure, BusinessHours, Campaign, Page, StartResult
from .._types import NOT_GIVEN, NotGiven
from .._validation import (
    MAX_PER_PAGE,
    optional_text,
    page_params,
    require_id,
    require_positive_int,
    require_text,
    require_timezone,
)
from ._base import AsyncResource, iterate_pages, make_page, structure, unwrap_data

__all__ = ["DEFAULT_ADD_CONCURRENCY", "MAX_CONTACTS_PER_BATCH", "AsyncCampaigns"]

MAX_CONTACTS_PER_BATCH = 100
"""Most contact ids the API accepts in one add-contacts request."""

DEFAULT_ADD_CONCURRENCY = 8
"""Add-contacts batches in flight at once when the caller does not choose."""

_BatchOutcome = SmartAlexError | None


class AsyncCampaigns(AsyncResource):
    """Outbound calling campaigns: `client.campaigns`.

    Pause, resume and cancel are not part of the public API, so they are not offered here.
    """

    async def list(self, *, page: int | None = None, per_page: int | None = None) -> Page[Campaign]:
        """Fetch one page of campaigns; the server's defaults are page 1 and 20 per page."""
        params = page_params(page, per_page)
        body = await self._transport.request("GET", "/campaigns", params=params)
        return make_page(body, Campaign)

    async def iter_all(self, *, per_page: int = MAX_PER_PAGE) -> AsyncIterator[Campaign]:
        """Yield every campaign, fetching pages of `per_page` as the iteration needs them."""
        page_params(None, per_page)
        async for campaign in iterate_pages(self._fetch_page, per_page):
            yield campaign

    async def _fetch_page(self, page: int, per_page: int) -> Page[Campaign]:
        return await self.list(page=page, per_page=per_page)

    async def get(self, campaign_id: str) -> Campaign:
        """Fetch one campaign with all its fields."""
        path = f"/campaigns/{require_id('campaign_id', campaign_id)}"
        body = await self._transport.request("GET", path)
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
    ) -> Campaign:
        """Create a campaign in `draft` status.

        `timezone` is an IANA name such as "America/New_York"; `business_hours` gives each
        weekday's calling window in that timezone. Every value is validated before the request.
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
            hours = structure_business_hours(business_hours)
            body["business_hours"] = unstructure_business_hours(hours)

        response = await self._transport.request("POST", "/campaigns", json_body=body)
        return structure(unwrap_data(response), Campaign)

    async def add_contacts(
        self,
        campaign_id: str,
        contact_ids: Iterable[str],
        *,
        concurrency: int = DEFAULT_ADD_CONCURRENCY,
    ) -> AddContactsResult:
        """Add contacts to a campaign, any number of ids, in concurrent batches of 100.

        Duplicate ids are dropped, keeping the first occurrence. At most `concurrency` batches
        are in flight, and tasks are created only as slots free up. A batch the server rejects
        does not stop the others: the result lists every added id and every failed batch with
        its ids and error, so no id is unaccounted for. Errors other than SmartAlexError
        (a bug, or cancellation) propagate.
        """
        campaign_id = require_id("campaign_id", campaign_id)
        require_positive_int("concurrency", concurrency)
        unique_ids, duplicates = _dedupe_ids(contact_ids)
        batches = [
            unique_ids[start : start + MAX_CONTACTS_PER_BATCH]
            for start in range(0, len(unique_ids), MAX_CONTACTS_PER_BATCH)
        ]

        outcomes = await self._send_batches(campaign_id, batches, concurrency)

        added = [
            contact_id
            for batch, error in zip(batches, outcomes, strict=True)
            if error is None
            for contact_id in batch
        ]
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
        self, campaign_id: str, batches: builtins.list[builtins.list[str]], concurrency: int
    ) -> builtins.list[_BatchOutcome]:
        outcomes: builtins.list[_BatchOutcome] = [None] * len(batches)

        async def send(index: int) -> None:
            try:
                await self._add_batch(campaign_id, batches[index])
            except SmartAlexError as exc:
                outcomes[index] = exc

        await run_bounded(range(len(batches)), send, limit=concurrency)
        return outcomes

    async def _add_batch(self, campaign_id: str, contact_ids: builtins.list[str]) -> None:
        # The vendor documents no response body for this endpoint, so none is read.
        path = f"/campaigns/{campaign_id}/contacts"
        await self._transport.request("POST", path, json_body={"contact_ids": contact_ids})

    async def start(self, campaign_id: str) -> StartResult:
        """Start a campaign so that its agent begins calling within the business hours.

        Raises NoContactsError when the campaign has no contacts.
        """
        path = f"/campaigns/{require_id('campaign_id', campaign_id)}/start"
        body = await self._transport.request("POST", path)
        return structure(unwrap_data(body), StartResult)


def _dedupe_ids(contact_ids: Iterable[str]) -> tuple[builtins.list[str], int]:
    """Return the distinct ids in first-seen order and how many repeats were dropped."""
    if isinstance(contact_ids, str):
        raise InvalidParameterError(
            f"contact_ids must be an iterable of id strings, not one string; got {contact_ids!r}."
        )
    unique: dict[str, None] = {}
    total = 0
    for contact_id in contact_ids:
        unique[require_id("contact id", contact_id)] = None
        total += 1
    if not unique:
        raise InvalidParameterError("contact_ids must contain at least one id; got none.")
    return builtins.list(unique), total - len(unique)
