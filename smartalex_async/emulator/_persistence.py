"""The emulator's data as JSON: the state file of the ``--state`` option and the admin dump.

A snapshot holds the campaigns, contacts, campaign contacts, calls, the call cursors of
started campaigns and the offset of the simulated clock. API keys, fault settings, the plan,
the call interval, stats and rate limit windows are settings of the running emulator, so a
snapshot leaves them out.

Loading validates every stored campaign and contact with the same rules as the create
endpoints, and raises ValueError naming the file and the bad entry.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import attrs

from ._clock import format_timestamp
from ._errors import ApiError
from ._fields import parse_campaign_fields, parse_contact_fields
from ._validation import JsonObject, describe_value

T = TypeVar("T")

FORMAT_VERSION = 1

_CAMPAIGN_STATUSES = ("draft", "scheduled", "active", "paused", "completed", "cancelled")


@attrs.frozen
class Snapshot:
    """The data of an emulator at one instant of its simulated clock.

    campaign_contacts maps a campaign id to its contact ids in the order they were added.
    calls maps a campaign id to its called contacts and the UTC timestamp of each call.
    call_cursors maps a started campaign's id to the earliest instant of its next call.
    """

    campaigns: list[JsonObject]
    contacts: list[JsonObject]
    campaign_contacts: dict[str, list[str]]
    calls: dict[str, dict[str, str]]
    call_cursors: dict[str, datetime]
    clock_now: datetime
    clock_offset: timedelta

    def to_json(self) -> JsonObject:
        """Return the snapshot as a JSON-ready dict. Loading ignores clock.now."""
        return {
            "format_version": FORMAT_VERSION,
            "clock": {
                "now": format_timestamp(self.clock_now),
                "offset_seconds": self.clock_offset.total_seconds(),
            },
            "campaigns": self.campaigns,
            "contacts": self.contacts,
            "campaign_contacts": self.campaign_contacts,
            "calls": self.calls,
            "call_cursors": {
                campaign_id: cursor.isoformat() for campaign_id, cursor in self.call_cursors.items()
            },
        }


def write_snapshot(snapshot: Snapshot, path: Path) -> None:
    """Write the snapshot to path as JSON, replacing the file in one step."""
    # A crash while writing leaves the previous file intact, because only a complete
    # temporary file replaces it.
    temporary = path.with_name(f"{path.name}.tmp")
    temporary.write_text(json.dumps(snapshot.to_json(), indent=2) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def read_snapshot(path: Path) -> Snapshot | None:
    """Read a snapshot written by write_snapshot, or return None if the file does not exist."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None

    try:
        data = json.loads(text)
    except ValueError as error:
        raise _file_error(path, f"it is not valid JSON ({error})") from None

    return parse_snapshot(data, path)


def parse_snapshot(data: Any, path: Path) -> Snapshot:
    """Validate the JSON of a state file and return its snapshot."""
    root = _expect(data, dict, "the file", "a JSON object", path)
    version = root.get("format_version")
    if version != FORMAT_VERSION:
        raise _file_error(
            path, f"format_version is {describe_value(version)}, not {FORMAT_VERSION}"
        )

    campaigns = _parse_records(root, "campaigns", _check_campaign, path)
    contacts = _parse_records(root, "contacts", _check_contact, path)
    campaign_ids = {campaign["id"] for campaign in campaigns}
    contact_ids = {contact["id"] for contact in contacts}
    clock = _expect(root.get("clock"), dict, "clock", "an object", path)

    return Snapshot(
        campaigns=campaigns,
        contacts=contacts,
        campaign_contacts=_parse_members(root, campaign_ids, contact_ids, path),
        calls=_parse_calls(root, campaign_ids, path),
        call_cursors=_parse_cursors(root, campaign_ids, path),
        clock_now=_parse_instant(clock.get("now"), "clock.now", path),
        clock_offset=_parse_offset(clock.get("offset_seconds"), path),
    )


def _parse_records(
    root: JsonObject, key: str, check: Callable[[JsonObject, str, Path], None], path: Path
) -> list[JsonObject]:
    records = _expect(root.get(key), list, key, "a list of objects", path)
    seen: set[str] = set()
    for index, record in enumerate(records):
        where = f"{key}[{index}]"
        _expect(record, dict, where, "an object", path)
        record_id = _expect(record.get("id"), str, f"{where}.id", "a string", path)
        if record_id in seen:
            raise _file_error(path, f"{where}.id {record_id!r} appears twice")

        seen.add(record_id)
        check(record, where, path)

    return records


def _check_campaign(campaign: JsonObject, where: str, path: Path) -> None:
    _check_fields(parse_campaign_fields, campaign, where, path)
    status = campaign.get("status")
    if status not in _CAMPAIGN_STATUSES:
        raise _file_error(
            path,
            f"{where}.status is {describe_value(status)}; use one of: "
            f"{', '.join(_CAMPAIGN_STATUSES)}",
        )

    _parse_instant(campaign.get("created_at"), f"{where}.created_at", path)
    if campaign.get("started_at") is not None:
        _parse_instant(campaign["started_at"], f"{where}.started_at", path)


def _check_contact(contact: JsonObject, where: str, path: Path) -> None:
    _check_fields(parse_contact_fields, contact, where, path)
    _parse_instant(contact.get("created_at"), f"{where}.created_at", path)
    _parse_instant(contact.get("updated_at"), f"{where}.updated_at", path)


def _check_fields(
    parse: Callable[[Mapping[str, Any]], JsonObject], record: JsonObject, where: str, path: Path
) -> None:
    # The create endpoints' rules apply, so a loaded record is one the API could have made.
    try:
        parse(record)
    except ApiError as error:
        reason = error.message.removesuffix(".")
        raise _file_error(path, f"{where} is invalid: {reason}") from None


def _parse_members(
    root: JsonObject, campaign_ids: set[str], contact_ids: set[str], path: Path
) -> dict[str, list[str]]:
    members = _expect(root.get("campaign_contacts"), dict, "campaign_contacts", "an object", path)
    for campaign_id, ids in members.items():
        where = f"campaign_contacts[{campaign_id!r}]"
        _check_campaign_id(campaign_id, campaign_ids, where, path)
        _expect(ids, list, where, "a list of contact ids", path)
        for contact_id in ids:
            if contact_id not in contact_ids:
                raise _file_error(path, f"{where} names the unknown contact {contact_id!r}")

    return members


def _parse_calls(root: JsonObject, campaign_ids: set[str], path: Path) -> dict[str, dict[str, str]]:
    calls = _expect(root.get("calls"), dict, "calls", "an object", path)
    for campaign_id, by_contact in calls.items():
        where = f"calls[{campaign_id!r}]"
        _check_campaign_id(campaign_id, campaign_ids, where, path)
        _expect(by_contact, dict, where, "an object of contact id to call time", path)
        for contact_id, called_at in by_contact.items():
            _parse_instant(called_at, f"{where}[{contact_id!r}]", path)

    return calls


def _parse_cursors(root: JsonObject, campaign_ids: set[str], path: Path) -> dict[str, datetime]:
    cursors = _expect(root.get("call_cursors"), dict, "call_cursors", "an object", path)
    parsed = {}
    for campaign_id, cursor in cursors.items():
        where = f"call_cursors[{campaign_id!r}]"
        _check_campaign_id(campaign_id, campaign_ids, where, path)
        parsed[campaign_id] = _parse_instant(cursor, where, path)

    return parsed


def _check_campaign_id(campaign_id: str, campaign_ids: set[str], where: str, path: Path) -> None:
    if campaign_id not in campaign_ids:
        raise _file_error(path, f"{where} names a campaign that the file does not contain")


def _parse_instant(value: Any, where: str, path: Path) -> datetime:
    text = _expect(value, str, where, "an ISO 8601 timestamp", path)
    # datetime.fromisoformat accepts a trailing Z only from Python 3.11.
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"

    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        instant = None

    if instant is None or instant.utcoffset() is None:
        raise _file_error(
            path,
            f"{where} is {describe_value(value)}, not an ISO 8601 timestamp with an offset "
            "such as 2026-03-09T14:00:00Z",
        )

    return instant


def _parse_offset(value: Any, path: Path) -> timedelta:
    valid = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not valid or not math.isfinite(value):
        raise _file_error(
            path, f"clock.offset_seconds is {describe_value(value)}, not a finite number"
        )

    return timedelta(seconds=value)


def _expect(value: Any, expected: type[T], where: str, description: str, path: Path) -> T:
    if not isinstance(value, expected):
        raise _file_error(path, f"{where} must be {description}; got {describe_value(value)}")

    return value


def _file_error(path: Path, problem: str) -> ValueError:
    return ValueError(
        f"The emulator state file {path} cannot be loaded because {problem}. "
        "Fix the file, or delete it to start with an empty emulator."
    )
