"""Parsing of the campaign and contact request bodies into the stored field values.

Unknown body fields are ignored. A JSON null in an optional field counts as an omitted field.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Mapping
from typing import Any

from ._errors import invalid_request
from ._validation import (
    JsonObject,
    check_string_items,
    describe_value,
    read_field,
    read_string_list,
    require_field,
    require_non_empty_string,
)

DEFAULT_CAMPAIGN_MODE = "outbound"
# A campaign created without a timezone stores "UTC", so the field is never null.
DEFAULT_TIMEZONE = "UTC"
MAX_CONTACT_IDS_PER_REQUEST = 100
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_OPTIONAL_STRING_TEXT = "a string or null"
_TIME_PATTERN = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
_TIME_TEXT = 'a 24-hour time in HH:MM format such as "09:00"'
_DAY_TEXT = 'an object such as {"enabled": true, "start": "09:00", "end": "17:00"}'
_TIMEZONE_TEXT = 'an IANA time zone name such as "Europe/Berlin"'


def parse_campaign_fields(body: Mapping[str, Any]) -> JsonObject:
    """Return the client-settable campaign fields of a create request, with defaults applied.

    The caller checks that agent_id and phone_number_id exist.
    """
    # NOTE: campaign_mode accepts any string because the emulator does not know the
    # vendor's full list of modes.
    campaign_mode = read_field(body, "campaign_mode", str, 'a string such as "outbound"')

    return {
        "name": require_non_empty_string(body, "name"),
        "description": read_field(body, "description", str, _OPTIONAL_STRING_TEXT),
        "objective": read_field(body, "objective", str, _OPTIONAL_STRING_TEXT),
        "agent_id": read_field(body, "agent_id", str, _OPTIONAL_STRING_TEXT),
        "phone_number_id": read_field(body, "phone_number_id", str, _OPTIONAL_STRING_TEXT),
        "campaign_mode": DEFAULT_CAMPAIGN_MODE if campaign_mode is None else campaign_mode,
        "timezone": parse_timezone(body),
        "business_hours": parse_business_hours(body),
    }


def parse_contact_fields(body: Mapping[str, Any]) -> JsonObject:
    """Return the client-settable contact fields of a create request, with defaults applied."""
    # Unlike the string fields, tags has no null in the contract: omit it or send a list.
    if "tags" in body and body["tags"] is None:
        raise invalid_request("tags must be a list of strings or omitted; got null.")
    tags = read_string_list(body, "tags")

    return {
        "phone": read_field(body, "phone", str, _OPTIONAL_STRING_TEXT),
        "first_name": require_non_empty_string(body, "first_name"),
        "last_name": read_field(body, "last_name", str, _OPTIONAL_STRING_TEXT),
        "email": read_field(body, "email", str, _OPTIONAL_STRING_TEXT),
        "company": read_field(body, "company", str, _OPTIONAL_STRING_TEXT),
        "tags": [] if tags is None else tags,
    }


def parse_contact_ids(body: Mapping[str, Any]) -> list[str]:
    """Return the ``contact_ids`` list of an add-contacts request.

    The list must contain 1 to MAX_CONTACT_IDS_PER_REQUEST non-empty strings. Duplicates are kept.
    """
    contact_ids = require_field(body, "contact_ids", list, "a list of contact id strings")

    count = len(contact_ids)
    limit = MAX_CONTACT_IDS_PER_REQUEST
    if count < 1:
        raise invalid_request(f"contact_ids must contain 1 to {limit} ids per request; got 0.")
    if count > limit:
        raise invalid_request(
            f"contact_ids must contain 1 to {limit} ids per request; got {count}. "
            f"Send larger batches as several requests of at most {limit} ids."
        )

    return check_string_items(contact_ids, "contact_ids", allow_empty_items=False)


def parse_timezone(body: Mapping[str, Any]) -> str:
    """Return the ``timezone`` field, or DEFAULT_TIMEZONE when it is omitted.

    A name is valid when ``zoneinfo.ZoneInfo`` loads it, so the accepted names depend on the
    tz database of the host (the system one, or the ``tzdata`` package).
    """
    name = read_field(body, "timezone", str, _TIMEZONE_TEXT)
    if name is None:
        return DEFAULT_TIMEZONE

    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise invalid_request(
            f"timezone must be {_TIMEZONE_TEXT}; got {describe_value(name)}."
        ) from None

    return name


def parse_business_hours(body: Mapping[str, Any]) -> JsonObject | None:
    """Return the ``business_hours`` field with the days in weekday order, or None.

    Omitted days stay omitted. Unknown keys inside a day are dropped.
    """
    hours = read_field(body, "business_hours", dict, "an object keyed by weekday name")
    if hours is None:
        return None

    for day in hours:
        if day not in WEEKDAYS:
            raise invalid_request(
                f"business_hours contains the unknown day {describe_value(day)}; "
                "use lowercase weekday names from monday to sunday."
            )

    return {day: _parse_day(hours, day) for day in WEEKDAYS if day in hours}


def _parse_day(hours: Mapping[str, Any], day: str) -> JsonObject:
    day_hours = require_field(hours, day, dict, _DAY_TEXT, prefix="business_hours.")
    prefix = f"business_hours.{day}."
    enabled = require_field(day_hours, "enabled", bool, "true or false", prefix=prefix)

    # A disabled day needs no times, but any time it carries must still be well formed.
    start = _read_time(day_hours, "start", prefix, required=enabled)
    end = _read_time(day_hours, "end", prefix, required=enabled)
    if enabled and start is not None and end is not None and start >= end:
        raise invalid_request(
            f"business_hours.{day} must start before it ends; got start {start} and end {end}."
        )

    parsed: JsonObject = {"enabled": enabled}
    if start is not None:
        parsed["start"] = start
    if end is not None:
        parsed["end"] = end

    return parsed


def _read_time(
    day_hours: Mapping[str, Any], key: str, prefix: str, *, required: bool
) -> str | None:
    if required:
        value: str | None = require_field(day_hours, key, str, _TIME_TEXT, prefix=prefix)
    else:
        value = read_field(day_hours, key, str, _TIME_TEXT, prefix=prefix)

    if value is not None and not _TIME_PATTERN.fullmatch(value):
        raise invalid_request(f"{prefix}{key} must be {_TIME_TEXT}; got {describe_value(value)}.")

    return value
