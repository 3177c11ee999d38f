"""The Contacts resource: create, get, list. The API creates one contact per request."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any

from .._models import Contact, Page
from .._types import NOT_GIVEN, NotGiven, Timeout
from .._validation import (
    MAX_PER_PAGE,
    optional_text,
    page_params,
    require_id,
    require_tags,
    require_text,
)
from ._base import AsyncResource, iterate_pages, make_page, structure, unwrap_data

__all__ = ["AsyncContacts"]


class AsyncContacts(AsyncResource):
    """People to call: `client.contacts`."""

    async def create(
        self,
        *,
        first_name: str,
        last_name: str | NotGiven | None = NOT_GIVEN,
        phone: str | NotGiven | None = NOT_GIVEN,
        email: str | NotGiven | None = NOT_GIVEN,
        company: str | NotGiven | None = NOT_GIVEN,
        tags: Iterable[str] | NotGiven = NOT_GIVEN,
        timeout: Timeout = None,
    ) -> Contact:
        """Create one contact. `phone` should be in E.164 form, such as "+14155550132".

        Creating is not idempotent, so a lost response raises OutcomeUnknownError instead of
        being retried.
        """
        body: dict[str, Any] = {"first_name": require_text("first_name", first_name)}
        for field, value in (
            ("last_name", last_name),
            ("phone", phone),
            ("email", email),
            ("company", company),
        ):
            if not isinstance(value, NotGiven):
                body[field] = optional_text(field, value)
        if not isinstance(tags, NotGiven):
            body["tags"] = require_tags(tags)

        response = await self._transport.request(
            "POST", "/contacts", json_body=body, timeout=timeout
        )
        return structure(unwrap_data(response), Contact)

    async def get(self, contact_id: str, *, timeout: Timeout = None) -> Contact:
        """Fetch one contact."""
        body = await self._transport.request(
            "GET",
            "/contacts/{contact_id}",
            path_params={"contact_id": require_id("contact_id", contact_id)},
            timeout=timeout,
        )
        return structure(unwrap_data(body), Contact)

    async def list(
        self, *, page: int | None = None, per_page: int | None = None, timeout: Timeout = None
    ) -> Page[Contact]:
        """Fetch one page of contacts; the server's defaults are page 1 and 20 per page."""
        params = page_params(page, per_page)
        body = await self._transport.request("GET", "/contacts", params=params, timeout=timeout)
        return make_page(body, Contact)

    async def iter_all(
        self, *, per_page: int = MAX_PER_PAGE, timeout: Timeout = None
    ) -> AsyncIterator[Contact]:
        """Yield every contact, fetching pages of `per_page` as the iteration needs them."""
        page_params(None, per_page)

        async def fetch_page(page: int, size: int) -> Page[Contact]:
            return await self.list(page=page, per_page=size, timeout=timeout)

        async for contact in iterate_pages(fetch_page, per_page):
            yield contact
