"""Envelope decoding and pagination shared by the resource classes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

from .._errors import APIResponseError
from .._models import Page
from .._transport import Transport
from .._validation import MAX_PER_PAGE

T = TypeVar("T")


class AsyncResource:
    """Base of the resource classes, which send requests through the client's transport."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self._transport.base_url!r})"


def unwrap_data(body: Any) -> Any:
    """Return the `data` member of a success envelope."""
    if not isinstance(body, dict) or "data" not in body:
        raise APIResponseError(
            f"Expected a JSON object with a 'data' member; got {_preview(body)}.", body=body
        )
    return body["data"]


def structure(data: Any, cls: type[T]) -> T:
    """Build a model from response JSON, raising APIResponseError when it does not fit."""
    # Imported on first use, because cattrs and the converters' setup add to the import time
    # and a client needs them only once a response arrives.
    import cattrs

    from .._converters import response_converter

    try:
        return response_converter.structure(data, cls)
    except (cattrs.BaseValidationError, ValueError, TypeError) as exc:
        raise APIResponseError(
            f"The response does not match the {cls.__name__} schema: {exc}", body=data
        ) from exc


def make_page(body: Any, cls: type[T]) -> Page[T]:
    """Build a Page from a list envelope; `meta` is optional."""
    data = unwrap_data(body)
    if not isinstance(data, list):
        raise APIResponseError(f"Expected 'data' to be a list; got {_preview(data)}.", body=body)
    items = tuple(structure(item, cls) for item in data)
    meta = body.get("meta")
    if not isinstance(meta, dict):
        return Page(items=items)
    return Page(
        items=items,
        total=_int_or_none(meta.get("total")),
        page=_int_or_none(meta.get("page")),
        per_page=_int_or_none(meta.get("per_page")),
    )


async def iterate_pages(
    fetch_page: Callable[[int, int], Awaitable[Page[T]]], per_page: int = MAX_PER_PAGE
) -> AsyncIterator[T]:
    """Yield every item of a list endpoint, requesting one page at a time.

    Stops at the first short page, or once `meta.total` items were seen when the server sends it.
    """
    page_number = 1
    seen = 0
    while True:
        page = await fetch_page(page_number, per_page)
        for item in page.items:
            yield item
        seen += len(page.items)
        if len(page.items) < per_page or (page.total is not None and seen >= page.total):
            return
        page_number += 1


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _preview(value: Any, limit: int = 200) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."
