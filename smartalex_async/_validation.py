"""Checks on caller input, run before any request is sent.

Each check raises InvalidParameterError with the parameter name, the bad value and the fix.
"""

from __future__ import annotations

import zoneinfo
from typing import Any

from ._errors import InvalidParameterError

MAX_PER_PAGE = 100
"""Largest `per_page` the API accepts on list endpoints."""


def require_id(name: str, value: Any) -> str:
    """Return `value` when it is a non-empty string id; ids are otherwise opaque."""
    # isspace() rather than strip(): this runs once per id in bulk adds, and allocates nothing.
    if not isinstance(value, str) or not value or value.isspace():
        raise InvalidParameterError(f"{name} must be a non-empty string id; got {value!r}.")
    return value


def require_text(name: str, value: Any) -> str:
    """Return `value` when it is a string with at least one non-space character."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidParameterError(f"{name} must be a non-empty string; got {value!r}.")
    return value


def optional_text(name: str, value: Any) -> str | None:
    """Return `value` when it is a string or None."""
    if value is not None and not isinstance(value, str):
        raise InvalidParameterError(f"{name} must be a string or None; got {value!r}.")
    return value


def require_timezone(value: Any) -> str:
    """Return `value` when it names an IANA timezone known to `zoneinfo`."""
    if not isinstance(value, str) or not value:
        raise InvalidParameterError(
            f"timezone must be an IANA timezone name such as 'America/New_York'; got {value!r}."
        )
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidParameterError(
            f"timezone {value!r} is not a known IANA timezone; use a name such as "
            "'America/New_York' or 'Europe/Berlin'."
        ) from exc
    return value


def require_tags(value: Any) -> list[str]:
    """Return the tags as a list when `value` is an iterable of strings (not a single string)."""
    if isinstance(value, str) or not hasattr(value, "__iter__"):
        raise InvalidParameterError(f"tags must be a list of strings; got {value!r}.")
    tags = list(value)
    for tag in tags:
        if not isinstance(tag, str):
            raise InvalidParameterError(f"tags must contain only strings; got {tag!r}.")
    return tags


def require_positive_int(name: str, value: Any, *, maximum: int | None = None) -> int:
    """Return `value` when it is an int from 1 to `maximum` (inclusive)."""
    too_large = maximum is not None and isinstance(value, int) and value > maximum
    if isinstance(value, bool) or not isinstance(value, int) or value < 1 or too_large:
        limit = f"from 1 to {maximum}" if maximum is not None else "of at least 1"
        raise InvalidParameterError(f"{name} must be an integer {limit}; got {value!r}.")
    return value


def require_non_negative_int(name: str, value: Any) -> int:
    """Return `value` when it is an int of 0 or more."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidParameterError(f"{name} must be an integer of 0 or more; got {value!r}.")
    return value


def page_params(page: int | None, per_page: int | None) -> dict[str, int]:
    """Return the query parameters of a list request, leaving out those not given."""
    params: dict[str, int] = {}
    if page is not None:
        params["page"] = require_positive_int("page", page)
    if per_page is not None:
        params["per_page"] = require_positive_int("per_page", per_page, maximum=MAX_PER_PAGE)
    return params
