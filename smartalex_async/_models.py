"""Typed models of the SmartAlex API objects.

Every model is a frozen, slotted attrs class. The converters in `_converters` build them from
response JSON and turn request models back into JSON; nothing else parses API payloads.

Response models carry an `extra` mapping with any fields the server sent that this version of
the SDK does not know, so a newer server never breaks an older client and its data stays
readable. Status fields hold an enum member for documented values and the raw string otherwise.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from datetime import datetime, time
from typing import Any, Generic, TypeVar

import attrs

from . import _schedule
from ._errors import InvalidParameterError, SmartAlexError

__all__ = [
    "WEEKDAYS",
    "AddContactsResult",
    "BatchFailure",
    "BusinessHours",
    "Campaign",
    "CampaignStatus",
    "Contact",
    "ContactStatus",
    "DayHours",
    "Page",
    "StartResult",
]

T = TypeVar("T")

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
"""Weekday keys of a business-hours object, in ISO order (Monday first)."""


class _StrValueEnum(str, enum.Enum):
    """A str enum that formats as its value, as plain strings do, on every Python version.

    Python 3.11 changed `format()` of mixed-in str enums to show the member name.
    """

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, format_spec: str) -> str:
        return format(str(self.value), format_spec)


class CampaignStatus(_StrValueEnum):
    """Documented campaign states. A status the server adds later arrives as a plain `str`."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    ACTIVE = "active"
    PAUSED = "paused"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class ContactStatus(_StrValueEnum):
    """Documented contact states: `dnc` means do not call."""

    ACTIVE = "active"
    DNC = "dnc"


def _check_day_window(instance: DayHours, _attribute: attrs.Attribute[Any], _value: Any) -> None:
    if not instance.enabled:
        return
    if instance.start is None or instance.end is None:
        raise InvalidParameterError(
            "An enabled day needs both start and end times (HH:MM); "
            f"got start={instance.start!r}, end={instance.end!r}."
        )
    if instance.start >= instance.end:
        raise InvalidParameterError(
            "A day's start time must be before its end time; "
            f"got start={instance.start:%H:%M}, end={instance.end:%H:%M}."
        )


@attrs.frozen
class DayHours:
    """One weekday's calling window: local wall-clock times in the campaign's timezone."""

    enabled: bool = attrs.field(validator=_check_day_window)
    start: time | None = None
    end: time | None = None


@attrs.frozen
class BusinessHours:
    """Calling windows by weekday. An omitted day (None) is left to the server's default."""

    monday: DayHours | None = None
    tuesday: DayHours | None = None
    wednesday: DayHours | None = None
    thursday: DayHours | None = None
    friday: DayHours | None = None
    saturday: DayHours | None = None
    sunday: DayHours | None = None

    def days(self) -> dict[str, DayHours]:
        """Return the days that are set, keyed by weekday name in ISO order."""
        days = {name: getattr(self, name) for name in WEEKDAYS}
        return {name: hours for name, hours in days.items() if hours is not None}

    def is_open(self, at: datetime, timezone: str) -> bool:
        """Return whether `at` is inside these calling windows in the IANA timezone.

        An instant is inside when its wall-clock time in `timezone` lies in [start, end) on an
        enabled weekday of that local date, so a window covering the repeated hour of a fall
        back is open during both passes. `smartalex_async._schedule` lists the DST cases.
        Raises ValueError for a naive `at` or an unknown timezone.

        NOTE: A day that is omitted (None) counts as closed, like a disabled day, because the
        server's default for omitted days is not documented.
        """
        return _schedule.is_open(self._windows(), at, timezone)

    def next_opening(self, after: datetime, timezone: str) -> datetime | None:
        """Return the earliest instant at or after `after` at which the windows are open.

        Returns `after` itself when they are open already, and None when no day is enabled.
        On the day clocks spring forward, a window that starts inside the skipped hour opens
        at the first instant after the gap. The result is in the timezone of `after`.
        Raises ValueError for a naive `after` or an unknown timezone.
        """
        return _schedule.next_opening(self._windows(), after, timezone)

    def _windows(self) -> dict[str, tuple[time, time]]:
        windows = {}
        for name, day in self.days().items():
            # The validator of DayHours guarantees both times on an enabled day.
            if day.enabled and day.start is not None and day.end is not None:
                windows[name] = (day.start, day.end)

        return windows


@attrs.frozen
class Campaign:
    """An outbound calling campaign.

    The list endpoint returns a summary, so every field except `id`, `name` and `status` may be
    None there; `get` returns them all.
    """

    id: str
    name: str
    status: CampaignStatus | str
    description: str | None = None
    objective: str | None = None
    agent_id: str | None = None
    phone_number_id: str | None = None
    campaign_mode: str | None = None
    timezone: str | None = None
    business_hours: BusinessHours | None = None
    created_at: datetime | None = None
    started_at: datetime | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)

    def is_open(self, at: datetime) -> bool:
        """Return whether the campaign may call at `at`, by its business hours and timezone.

        A campaign without business hours is always open, so this returns True for any aware
        `at`. A campaign without a timezone uses UTC. BusinessHours.is_open gives the rule.
        Raises ValueError for a naive `at` or an unknown timezone.
        """
        if self.business_hours is None:
            _schedule.require_aware(at, "at")
            return True

        return self.business_hours.is_open(at, self._timezone_name())

    def next_opening(self, after: datetime) -> datetime | None:
        """Return the earliest instant at or after `after` at which the campaign may call.

        A campaign without business hours is always open, so this returns `after` for any
        aware `after`. Returns None when the business hours enable no day. The result is in
        the timezone of `after`. BusinessHours.next_opening gives the rule.
        """
        if self.business_hours is None:
            _schedule.require_aware(after, "after")
            return after

        return self.business_hours.next_opening(after, self._timezone_name())

    def _timezone_name(self) -> str:
        return "UTC" if self.timezone is None else self.timezone


@attrs.frozen
class Contact:
    """A person the agent may call. `phone` is in E.164 form when the caller sent it so."""

    id: str
    first_name: str
    last_name: str | None = None
    phone: str | None = None
    email: str | None = None
    company: str | None = None
    tags: tuple[str, ...] = ()
    status: ContactStatus | str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen
class StartResult:
    """The campaign state returned by the start endpoint."""

    id: str
    status: CampaignStatus | str
    started_at: datetime | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen
class Page(Generic[T]):
    """One page of a list endpoint.

    `total`, `page` and `per_page` come from the response's `meta` object and are None when the
    server sends none (the campaigns list may omit it).
    """

    items: tuple[T, ...]
    total: int | None = None
    page: int | None = None
    per_page: int | None = None

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


@attrs.frozen
class BatchFailure:
    """A batch of contact ids that the server did not add, with the error it raised."""

    contact_ids: tuple[str, ...]
    error: SmartAlexError


@attrs.frozen
class AddContactsResult:
    """The outcome of adding contacts to a campaign in batches.

    Every distinct input id is in exactly one place: `added_ids` or one of `failed_batches`.
    """

    campaign_id: str
    added_ids: tuple[str, ...]
    failed_batches: tuple[BatchFailure, ...]
    duplicates_dropped: int = 0

    @property
    def failed_ids(self) -> tuple[str, ...]:
        """Ids of every failed batch, in input order within each batch."""
        return tuple(
            contact_id for batch in self.failed_batches for contact_id in batch.contact_ids
        )

    @property
    def ok(self) -> bool:
        """True when every batch was added."""
        return not self.failed_batches
