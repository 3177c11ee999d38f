"""Weekly calling windows: whether an instant is inside one, and when it next opens or closes.

A window maps weekday names ("monday" to "sunday") to a (start, end) pair of local wall-clock
times. A weekday that is missing from the mapping is closed all day. The rule:

    An instant is inside the window when its wall-clock time in the timezone lies in
    [start, end) on an enabled weekday of that instant's local date.

At daylight saving time changes the rule gives these results (America/New_York shown):

- Fall back, 2026-11-01, when clocks go from 02:00 back to 01:00: the wall-clock times from
  01:00 to 02:00 occur twice, and a window covering them is open during both passes. A window
  of 00:30-01:45 closes at 01:45 on the first pass and opens again at the transition, when
  the clock reads 01:00 for the second time.
- Spring forward, 2026-03-08, when clocks go from 02:00 to 03:00: the wall-clock times from
  02:00 to 03:00 never occur. A window that starts inside the gap, such as 02:30-04:00, opens
  at the first instant after the gap (03:00 local time). A window that ends inside the gap or
  at its start (01:00-02:00) closes at the transition, and a window that lies wholly inside
  the gap stays closed that day.

next_opening and next_closing are exact to the microsecond. They collect every instant at
which the window can open or close (the instants whose wall-clock time equals a start or an
end, and the UTC offset transitions), keep those that pass an is_open check and return the
earliest. Every function requires a timezone-aware datetime and compares instants in UTC,
because Python ignores `fold` when it compares two datetimes of the same timezone.

Only the standard library is imported here, because the emulator uses this module too and
must stay free of the SDK's other dependencies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["Window", "Windows", "is_open", "next_closing", "next_opening", "require_aware"]

Window = tuple[time, time]
"""The local wall-clock times (start, end) of one weekday's window, start included."""

Windows = Mapping[str, Window]
"""Windows keyed by lowercase weekday name. Missing weekdays are closed."""

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_UTC = timezone.utc
_EPOCH = datetime(1970, 1, 1, tzinfo=_UTC)
_SECOND = timedelta(seconds=1)
_DAY = timedelta(days=1)

# Candidates are collected for this span at a time: one week and a day, so that one span
# contains every weekday's window at least once.
_SEARCH_SPAN = timedelta(days=8)

# A weekday's window fails to open only on a day whose transition skips all of it, and
# transitions are months apart, so a search that finds nothing in a year has a bug.
_MAX_SEARCH_SPANS = 46

# The transition search compares UTC offsets this far apart.
# NOTE: It misses two transitions that cancel out within 3 hours. No zone is known to have
# such a pair, but not every zone of the tz database was checked.
_TRANSITION_SAMPLE_STEP = timedelta(hours=3)


def is_open(windows: Windows, at: datetime, timezone: str | tzinfo) -> bool:
    """Return whether `at` is inside the weekly window in the given timezone.

    `timezone` is an IANA name such as "America/New_York" or a tzinfo that follows PEP 495,
    such as a ZoneInfo. Raises ValueError for a naive `at`, an unknown timezone name or an
    invalid window.
    """
    days = _windows_by_weekday(windows)
    zone = _load_zone(timezone)
    require_aware(at, "at")

    return _is_open_at(days, zone, at)


def next_opening(windows: Windows, after: datetime, timezone: str | tzinfo) -> datetime | None:
    """Return the earliest instant at or after `after` at which the window is open.

    Returns `after` itself when the window is already open, and None when no weekday has a
    window. The result is in the timezone of `after`. Raises ValueError like is_open.
    """
    days = _windows_by_weekday(windows)
    zone = _load_zone(timezone)
    require_aware(after, "after")

    if _is_open_at(days, zone, after):
        return after

    if all(day is None for day in days):
        return None

    def collect(start: datetime, end: datetime) -> Iterator[datetime]:
        return _candidates(days, zone, start, end, boundary=0)

    opening = _earliest(after, collect, lambda instant: _is_open_at(days, zone, instant))
    return opening.astimezone(after.tzinfo)


def next_closing(windows: Windows, after: datetime, timezone: str | tzinfo) -> datetime:
    """Return the earliest instant at or after `after` at which the window is closed.

    Returns `after` itself when the window is already closed. Every window ends before
    midnight, so a closing always exists. The result is in the timezone of `after`. Raises
    ValueError like is_open.
    """
    days = _windows_by_weekday(windows)
    zone = _load_zone(timezone)
    require_aware(after, "after")

    if not _is_open_at(days, zone, after):
        return after

    def collect(start: datetime, end: datetime) -> Iterator[datetime]:
        return _candidates(days, zone, start, end, boundary=1)

    closing = _earliest(after, collect, lambda instant: not _is_open_at(days, zone, instant))
    return closing.astimezone(after.tzinfo)


def _is_open_at(days: tuple[Window | None, ...], zone: tzinfo, instant: datetime) -> bool:
    local = instant.astimezone(zone)
    window = days[local.weekday()]
    if window is None:
        return False

    # time() drops fold, so both passes through a repeated hour compare the same.
    start, end = window
    return start <= local.time() < end


def _earliest(
    after: datetime,
    collect: Callable[[datetime, datetime], Iterator[datetime]],
    accept: Callable[[datetime], bool],
) -> datetime:
    """Return the earliest accepted candidate at or after `after`, one search span at a time."""
    span_start = after.astimezone(_UTC)
    for _ in range(_MAX_SEARCH_SPANS):
        span_end = span_start + _SEARCH_SPAN
        accepted = [
            candidate
            for candidate in collect(span_start, span_end)
            if span_start <= candidate <= span_end and accept(candidate)
        ]
        if accepted:
            return min(accepted)

        span_start = span_end

    raise RuntimeError(
        f"No window boundary was found within a year after {after.isoformat()}; "
        "this is a bug in smartalex_async._schedule."
    )


def _candidates(
    days: tuple[Window | None, ...], zone: tzinfo, start: datetime, end: datetime, boundary: int
) -> Iterator[datetime]:
    """Yield the UTC instants in about [start, end] at which a window may open or close.

    boundary 0 takes the windows' start times and 1 their end times. The wall clock also
    jumps into or out of a window at a UTC offset transition, so transitions are yielded
    too. The local dates reach one day past each side because a transition can move the
    local date back by up to a day.
    """
    first_date = start.astimezone(zone).date() - _DAY
    last_date = end.astimezone(zone).date() + _DAY
    for local_date in _dates(first_date, last_date):
        window = days[local_date.weekday()]
        if window is not None:
            yield from _instants_at(zone, datetime.combine(local_date, window[boundary]))

    yield from _transitions(zone, start, end)


def _dates(first: date, last: date) -> Iterator[date]:
    current = first
    while current <= last:
        yield current
        current += _DAY


def _instants_at(zone: tzinfo, local: datetime) -> list[datetime]:
    """Return the UTC instants whose wall-clock time in zone is the naive `local`.

    That is one instant normally, two in a repeated hour (fold 0 and fold 1) and none in a
    skipped hour, where both folds convert to instants that show another wall-clock time.
    """
    instants: list[datetime] = []
    for fold in (0, 1):
        instant = local.replace(tzinfo=zone, fold=fold).astimezone(_UTC)
        # Naive datetimes compare equal regardless of fold.
        shows_local = instant.astimezone(zone).replace(tzinfo=None) == local
        if shows_local and instant not in instants:
            instants.append(instant)

    return instants


def _transitions(zone: tzinfo, start: datetime, end: datetime) -> Iterator[datetime]:
    """Yield the first instant of each UTC offset change of zone in (start, end]."""
    left = start
    left_offset = _utc_offset(zone, left)
    while left < end:
        right = min(left + _TRANSITION_SAMPLE_STEP, end)
        right_offset = _utc_offset(zone, right)
        if right_offset != left_offset:
            yield _first_second_with_new_offset(zone, left, right)

        left, left_offset = right, right_offset


def _first_second_with_new_offset(zone: tzinfo, left: datetime, right: datetime) -> datetime:
    """Bisect (left, right] for the first whole second whose UTC offset differs from left's.

    The tz database places every transition on a whole second, and the transition is the
    first instant that has the new offset.
    """
    old_offset = _utc_offset(zone, left)
    # Integer seconds since the epoch. low rounds up, so it is never before left.
    low = -((_EPOCH - left) // _SECOND)
    high = -((_EPOCH - right) // _SECOND)
    while low < high:
        middle = (low + high) // 2
        if _utc_offset(zone, _EPOCH + middle * _SECOND) != old_offset:
            high = middle
        else:
            low = middle + 1

    return _EPOCH + low * _SECOND


def _utc_offset(zone: tzinfo, instant: datetime) -> timedelta | None:
    return instant.astimezone(zone).utcoffset()


def _windows_by_weekday(windows: Windows) -> tuple[Window | None, ...]:
    """Validate the windows and return them in ISO weekday order, None for closed days."""
    for name, window in windows.items():
        if name not in _WEEKDAYS:
            raise ValueError(
                f"Unknown weekday {name!r} in the calling windows; "
                f"use lowercase names: {', '.join(_WEEKDAYS)}."
            )
        _check_window(name, window)

    return tuple(windows.get(name) for name in _WEEKDAYS)


def _check_window(name: str, window: Window) -> None:
    start, end = window
    for value in (start, end):
        if not isinstance(value, time) or value.tzinfo is not None:
            raise ValueError(
                f"The {name} window must be two naive datetime.time values (local wall-clock "
                f"times); got {window!r}."
            )

    if start >= end:
        raise ValueError(
            f"The {name} window must start before it ends; got start {start.isoformat()} "
            f"and end {end.isoformat()}. A window cannot cross midnight, so split it "
            "into two days."
        )


def _load_zone(timezone: str | tzinfo) -> tzinfo:
    if isinstance(timezone, tzinfo):
        return timezone

    if not isinstance(timezone, str):
        raise TypeError(
            f"timezone must be an IANA name such as 'America/New_York' or a tzinfo; "
            f"got {timezone!r}."
        )

    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(
            f"Unknown timezone {timezone!r}; use an IANA name such as 'America/New_York' "
            "that the host's tz database (or the tzdata package) contains."
        ) from None


def require_aware(value: datetime, name: str) -> None:
    """Raise ValueError, naming the argument `name`, when value is a naive datetime."""
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a timezone-aware datetime; got {value!r}.")

    if value.utcoffset() is None:
        raise ValueError(
            f"{name} must be a timezone-aware datetime; got the naive {value.isoformat()}. "
            "Attach a timezone, for example with value.replace(tzinfo=ZoneInfo('UTC'))."
        )
