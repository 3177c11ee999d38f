"""Validation of request bodies and query strings.

Every check raises ApiError with code ``invalid_request`` and a message that names the field,
shows the received value and describes the value to send instead. A JSON null in an optional field
counts as an omitted field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, TypeVar

import attrs

from ._errors import invalid_request

JsonObject = dict[str, Any]

T = TypeVar("T")

DEFAULT_PAGE = 1
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100

# Long values are cut in messages so an error response stays readable.
_MAX_SHOWN_CHARS = 60
_DIGITS_PATTERN = re.compile(r"[0-9]+")


def describe_value(value: object) -> str:
    """Render a received value as JSON for an error message, shortened when long."""
    text = json.dumps(value)
    if len(text) > _MAX_SHOWN_CHARS:
        text = text[: _MAX_SHOWN_CHARS - 3] + "..."

    return text


def check_type(value: object, name: str, expected: type[T], expected_text: str) -> T:
    """Return the value if it is an instance of expected, else raise naming the field."""
    if not isinstance(value, expected):
        raise invalid_request(f"{name} must be {expected_text}; got {describe_value(value)}.")

    return value


def require_field(
    body: Mapping[str, Any], key: str, expected: type[T], expected_text: str, *, prefix: str = ""
) -> T:
    """Return the required field body[key], checked against the expected type.

    The prefix is prepended to the key in messages, for example ``"business_hours."``.
    """
    if key not in body:
        raise invalid_request(f"{prefix}{key} is required; send {expected_text}.")

    return check_type(body[key], f"{prefix}{key}", expected, expected_text)


def read_field(
    body: Mapping[str, Any], key: str, expected: type[T], expected_text: str, *, prefix: str = ""
) -> T | None:
    """Return the optional field body[key] checked against the expected type, or None."""
    value = body.get(key)
    if value is None:
        return None

    return check_type(value, f"{prefix}{key}", expected, expected_text)


def require_non_empty_string(body: Mapping[str, Any], key: str) -> str:
    """Return the required field body[key], which must contain a non-whitespace character."""
    value = require_field(body, key, str, "a non-empty string")
    if not value.strip():
        raise invalid_request(
            f"{key} must be a non-empty string with a visible character; got {json.dumps(value)}."
        )

    return value


def read_string_list(
    body: Mapping[str, Any], key: str, *, allow_empty_items: bool = True
) -> list[str] | None:
    """Return the optional field body[key], which must be a list of strings, or None."""
    values = read_field(body, key, list, "a list of strings")
    if values is None:
        return None

    return check_string_items(values, key, allow_empty_items=allow_empty_items)


def check_string_items(values: list[Any], key: str, *, allow_empty_items: bool) -> list[str]:
    """Return values if every item is a string, else raise naming the first bad index."""
    # Bulk adds send 100 ids per request, so the common all-valid case is checked in one
    # pass, and the loop below runs only to name the first bad item.
    if all(isinstance(item, str) and (item or allow_empty_items) for item in values):
        return values

    item_text = "a string" if allow_empty_items else "a non-empty string"
    for index, item in enumerate(values):
        check_type(item, f"{key}[{index}]", str, item_text)
        if not item and not allow_empty_items:
            raise invalid_request(f'{key}[{index}] must be a non-empty string; got "".')

    return values


def parse_json_object(raw: bytes) -> JsonObject:
    """Decode a request body that must be a JSON object."""
    if not raw.strip():
        raise invalid_request("The request body is empty; send a JSON object.")

    try:
        body = json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise invalid_request(
            f"The request body is not valid JSON ({error}); send a JSON object."
        ) from None

    return check_type(body, "The request body", dict, "a JSON object")


@attrs.frozen
class Page:
    """One page of a list endpoint: a 1-based page number and the items per page."""

    number: int
    size: int

    def select(self, items: list[T]) -> list[T]:
        """Return the items on this page, which is empty past the last page."""
        start = (self.number - 1) * self.size
        return items[start : start + self.size]


def parse_page(query: Mapping[str, str]) -> Page:
    """Read the ``page`` and ``per_page`` query parameters, applying the defaults."""
    number = _parse_query_integer(query, "page", DEFAULT_PAGE, maximum=None)
    size = _parse_query_integer(query, "per_page", DEFAULT_PER_PAGE, maximum=MAX_PER_PAGE)
    return Page(number=number, size=size)


def _parse_query_integer(
    query: Mapping[str, str], name: str, default: int, *, maximum: int | None
) -> int:
    raw = query.get(name)
    if raw is None:
        return default

    expected_text = (
        "an integer of 1 or more" if maximum is None else f"an integer from 1 to {maximum}"
    )
    error = invalid_request(f"{name} must be {expected_text}; got {describe_value(raw)}.")
    if not _DIGITS_PATTERN.fullmatch(raw):
        raise error

    # Since Python 3.11 (and 3.10.7), int() raises ValueError above 4300 digits by default,
    # so such a page number is rejected like any other invalid value.
    try:
        value = int(raw)
    except ValueError:
        raise error from None

    if value < 1 or (maximum is not None and value > maximum):
        raise error

    return value
