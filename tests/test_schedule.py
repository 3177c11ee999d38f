"""Calling windows across DST changes: is_open, next_opening and next_closing, and the models.

The tables give instants in UTC, so that no case depends on how a local time with a fold is
written, and the case id gives the local time. A window such as "sun 02:30-04:00" is the
Sunday window from 02:30 to 04:00. The 2026 changes used here:

- America/New_York: 2026-03-08 at 07:00 UTC (02:00 EST becomes 03:00 EDT) and
  2026-11-01 at 06:00 UTC (02:00 EDT becomes 01:00 EST).
- Europe/Berlin: 2026-03-29 at 01:00 UTC (02:00 CET becomes 03:00 CEST) and
  2026-10-25 at 01:00 UTC (03:00 CEST becomes 02:00 CET).
- Asia/Tokyo (UTC+9) and America/Phoenix (UTC-7) do not change.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartalex_async import BusinessHours, Campaign, DayHours
from smartalex_async._schedule import Windows, is_open, next_closing, next_opening

UTC = timezone.utc
NY = "America/New_York"
BERLIN = "Europe/Berlin"
TOKYO = "Asia/Tokyo"
PHOENIX = "America/Phoenix"

WEEKDAY_NAMES = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAY_9_TO_5: Windows = {"monday": (time(9), time(17))}


def utc(year: int, month: int, day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def parse_window(spec: str) -> Windows:
    """Parse "sun 02:30-04:00": the weekday's first three letters, then start and end."""
    day, hours = spec.split(" ")
    start, end = hours.split("-")
    name = next(name for name in WEEKDAY_NAMES if name.startswith(day))
    return {name: (time.fromisoformat(start), time.fromisoformat(end))}


def parse_utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def table(rows: list[tuple[Any, ...]]) -> list[Any]:
    """Turn rows of (id, zone, window, instant, expected) into pytest params.

    An expected value that is a string is an instant in UTC.
    """
    params = []
    for case_id, zone, window, instant, expected in rows:
        if isinstance(expected, str):
            expected = parse_utc(expected)
        params.append(
            pytest.param(zone, parse_window(window), parse_utc(instant), expected, id=case_id)
        )

    return params


IS_OPEN_CASES = table(
    [
        # New York, spring forward: a window starting inside the skipped hour.
        ("ny-gap-start-01:59:59-est", NY, "sun 02:30-04:00", "2026-03-08 06:59:59", False),
        ("ny-gap-start-03:00-edt", NY, "sun 02:30-04:00", "2026-03-08 07:00", True),
        ("ny-gap-start-03:59:59-edt", NY, "sun 02:30-04:00", "2026-03-08 07:59:59", True),
        ("ny-gap-start-04:00-edt", NY, "sun 02:30-04:00", "2026-03-08 08:00", False),
        # New York, spring forward: a window ending at the gap.
        ("ny-gap-end-01:00-est", NY, "sun 01:00-02:00", "2026-03-08 06:00", True),
        ("ny-gap-end-01:59:59-est", NY, "sun 01:00-02:00", "2026-03-08 06:59:59", True),
        ("ny-gap-end-03:00-edt", NY, "sun 01:00-02:00", "2026-03-08 07:00", False),
        # New York, spring forward: a window wholly inside the gap never opens that day.
        ("ny-inside-gap-before", NY, "sun 02:00-02:30", "2026-03-08 06:59:59", False),
        ("ny-inside-gap-after", NY, "sun 02:00-02:30", "2026-03-08 07:00", False),
        # New York, fall back: a window covering the repeated hour is open on both passes.
        ("ny-repeat-00:59:59-edt", NY, "sun 01:00-02:00", "2026-11-01 04:59:59", False),
        ("ny-repeat-01:00-edt", NY, "sun 01:00-02:00", "2026-11-01 05:00", True),
        ("ny-repeat-01:59:59-edt", NY, "sun 01:00-02:00", "2026-11-01 05:59:59", True),
        ("ny-repeat-01:00-est", NY, "sun 01:00-02:00", "2026-11-01 06:00", True),
        ("ny-repeat-01:59:59-est", NY, "sun 01:00-02:00", "2026-11-01 06:59:59", True),
        ("ny-repeat-02:00-est", NY, "sun 01:00-02:00", "2026-11-01 07:00", False),
        # New York, fall back: the clock jumps back into a window that closed on the first pass.
        ("ny-reenter-01:50-edt", NY, "sun 00:30-01:45", "2026-11-01 05:50", False),
        ("ny-reenter-01:00-est", NY, "sun 00:30-01:45", "2026-11-01 06:00", True),
        ("ny-reenter-01:44:59-est", NY, "sun 00:30-01:45", "2026-11-01 06:44:59", True),
        ("ny-reenter-01:45-est", NY, "sun 00:30-01:45", "2026-11-01 06:45", False),
        # Disabled days and the local weekday.
        ("ny-sunday-disabled", NY, "mon 09:00-17:00", "2026-03-08 14:00", False),
        ("ny-monday-09:00-edt", NY, "mon 09:00-17:00", "2026-03-09 13:00", True),
        ("ny-monday-23:00-is-tuesday-utc", NY, "mon 09:00-17:00", "2026-03-10 03:00", False),
        ("ny-local-sunday-utc-monday", NY, "sun 20:00-23:00", "2026-03-09 02:00", True),
        # Midnight-adjacent windows: the last minute before midnight and the first after it.
        ("ny-friday-23:58:59", NY, "fri 23:00-23:59", "2026-03-07 04:58:59", True),
        ("ny-friday-23:59", NY, "fri 23:00-23:59", "2026-03-07 04:59", False),
        ("ny-saturday-00:00", NY, "sat 00:00-00:30", "2026-03-07 05:00", True),
        ("ny-friday-23:59:59", NY, "sat 00:00-00:30", "2026-03-07 04:59:59", False),
        # Berlin, spring forward.
        ("berlin-inside-gap-before", BERLIN, "sun 02:15-02:45", "2026-03-29 00:59:59", False),
        ("berlin-inside-gap-after", BERLIN, "sun 02:15-02:45", "2026-03-29 01:00", False),
        ("berlin-gap-start-01:59:59-cet", BERLIN, "sun 02:30-05:00", "2026-03-29 00:59:59", False),
        ("berlin-gap-start-03:00-cest", BERLIN, "sun 02:30-05:00", "2026-03-29 01:00", True),
        # Berlin, fall back: 02:00 to 03:00 local happens twice.
        ("berlin-repeat-01:59:59-cest", BERLIN, "sun 02:00-03:00", "2026-10-24 23:59:59", False),
        ("berlin-repeat-02:00-cest", BERLIN, "sun 02:00-03:00", "2026-10-25 00:00", True),
        ("berlin-repeat-02:59:59-cest", BERLIN, "sun 02:00-03:00", "2026-10-25 00:59:59", True),
        ("berlin-repeat-02:00-cet", BERLIN, "sun 02:00-03:00", "2026-10-25 01:00", True),
        ("berlin-repeat-02:59:59-cet", BERLIN, "sun 02:00-03:00", "2026-10-25 01:59:59", True),
        ("berlin-repeat-03:00-cet", BERLIN, "sun 02:00-03:00", "2026-10-25 02:00", False),
        # No DST: the same local hours all year.
        ("tokyo-08:59:59", TOKYO, "mon 09:00-17:00", "2026-03-08 23:59:59", False),
        ("tokyo-09:00", TOKYO, "mon 09:00-17:00", "2026-03-09 00:00", True),
        ("tokyo-17:00", TOKYO, "mon 09:00-17:00", "2026-03-09 08:00", False),
        ("phoenix-02:29:59", PHOENIX, "sun 02:30-04:00", "2026-03-08 09:29:59", False),
        ("phoenix-02:30-not-skipped", PHOENIX, "sun 02:30-04:00", "2026-03-08 09:30", True),
    ]
)


@pytest.mark.parametrize(("zone", "windows", "at", "expected"), IS_OPEN_CASES)
def test_is_open_table(zone: str, windows: Windows, at: datetime, expected: bool) -> None:
    assert is_open(windows, at, zone) is expected


@pytest.mark.parametrize(("zone", "windows", "at", "expected"), IS_OPEN_CASES)
def test_is_open_any_input_zone(zone: str, windows: Windows, at: datetime, expected: bool) -> None:
    # The same instant written in the window's own zone, with its fold, gives the same result.
    assert is_open(windows, at.astimezone(ZoneInfo(zone)), zone) is expected


NEXT_OPENING_CASES = table(
    [
        # New York, spring forward.
        ("ny-gap-start", NY, "sun 02:30-04:00", "2026-03-07 17:00", "2026-03-08 07:00"),
        ("ny-already-open", NY, "sun 02:30-04:00", "2026-03-08 07:30", "2026-03-08 07:30"),
        ("ny-inside-gap-next-week", NY, "sun 02:00-02:30", "2026-03-08 05:00", "2026-03-15 06:00"),
        ("ny-gap-end-next-week", NY, "sun 01:00-02:00", "2026-03-08 07:00", "2026-03-15 05:00"),
        # New York, fall back.
        ("ny-repeat-first-pass", NY, "sun 01:00-02:00", "2026-11-01 04:00", "2026-11-01 05:00"),
        ("ny-repeat-second-pass", NY, "sun 01:15-01:45", "2026-11-01 05:45", "2026-11-01 06:15"),
        ("ny-reenter-at-transition", NY, "sun 00:30-01:45", "2026-11-01 05:45", "2026-11-01 06:00"),
        ("ny-repeat-next-week-est", NY, "sun 01:00-02:00", "2026-11-01 07:00", "2026-11-08 06:00"),
        # Disabled days are skipped; midnight-adjacent windows open at midnight.
        ("ny-sunday-to-monday", NY, "mon 09:00-17:00", "2026-03-08 18:00", "2026-03-09 13:00"),
        ("ny-after-close-next-week", NY, "mon 09:00-17:00", "2026-03-09 21:00", "2026-03-16 13:00"),
        ("ny-opens-at-midnight", NY, "sat 00:00-00:30", "2026-03-07 04:59:59", "2026-03-07 05:00"),
        # Berlin.
        ("berlin-gap-start", BERLIN, "sun 02:30-05:00", "2026-03-28 12:00", "2026-03-29 01:00"),
        ("berlin-gap-inside", BERLIN, "sun 02:15-02:45", "2026-03-29 00:00", "2026-04-05 00:15"),
        ("berlin-repeat-1st", BERLIN, "sun 02:00-03:00", "2026-10-24 22:00", "2026-10-25 00:00"),
        ("berlin-repeat-2nd", BERLIN, "sun 02:15-02:45", "2026-10-25 00:45", "2026-10-25 01:15"),
        # No DST.
        ("tokyo-sun-to-mon", TOKYO, "mon 09:00-17:00", "2026-03-08 12:00", "2026-03-09 00:00"),
        ("phoenix-not-skipped", PHOENIX, "sun 02:30-04:00", "2026-03-08 00:00", "2026-03-08 09:30"),
    ]
)


@pytest.mark.parametrize(("zone", "windows", "after", "expected"), NEXT_OPENING_CASES)
def test_next_opening_table(
    zone: str, windows: Windows, after: datetime, expected: datetime
) -> None:
    assert next_opening(windows, after, zone) == expected


@pytest.mark.parametrize(("zone", "windows", "after", "expected"), NEXT_OPENING_CASES)
def test_next_opening_to_the_microsecond(
    zone: str, windows: Windows, after: datetime, expected: datetime
) -> None:
    opening = next_opening(windows, after, zone)

    assert opening is not None
    assert is_open(windows, opening, zone)
    if opening > after:
        assert not is_open(windows, opening - timedelta(microseconds=1), zone)


def test_next_opening_no_enabled_day() -> None:
    assert next_opening({}, utc(2026, 3, 8, 12), NY) is None


def test_next_opening_open_returns_after() -> None:
    after = utc(2026, 3, 9, 14)

    assert next_opening(WEEKDAY_9_TO_5, after, NY) is after


def test_next_opening_in_input_zone() -> None:
    # After the first pass, the next opening is 01:15 on the second pass, which has fold=1.
    new_york = ZoneInfo(NY)
    after = utc(2026, 11, 1, 5, 45).astimezone(new_york)

    opening = next_opening(parse_window("sun 01:15-01:45"), after, NY)

    assert opening is not None
    assert opening.tzinfo is new_york
    assert (opening.hour, opening.minute, opening.fold) == (1, 15, 1)
    assert opening.utcoffset() == timedelta(hours=-5)


def test_next_opening_keeps_fixed_offset() -> None:
    plus_two = timezone(timedelta(hours=2))

    opening = next_opening(WEEKDAY_9_TO_5, datetime(2026, 3, 8, 20, tzinfo=plus_two), NY)

    assert opening is not None
    assert opening.tzinfo is plus_two
    assert opening == utc(2026, 3, 9, 13)


NEXT_CLOSING_CASES = table(
    [
        ("ny-gap-start", NY, "sun 02:30-04:00", "2026-03-08 07:00", "2026-03-08 08:00"),
        ("ny-gap-end-at-transition", NY, "sun 01:00-02:00", "2026-03-08 06:00", "2026-03-08 07:00"),
        ("ny-repeat-both-passes", NY, "sun 01:00-02:00", "2026-11-01 05:00", "2026-11-01 07:00"),
        ("ny-repeat-first-pass", NY, "sun 01:15-01:45", "2026-11-01 05:15", "2026-11-01 05:45"),
        ("ny-reenter", NY, "sun 00:30-01:45", "2026-11-01 06:00", "2026-11-01 06:45"),
        ("ny-already-closed", NY, "mon 09:00-17:00", "2026-03-08 12:00", "2026-03-08 12:00"),
        ("berlin-repeat-both", BERLIN, "sun 02:00-03:00", "2026-10-25 00:00", "2026-10-25 02:00"),
        ("tokyo", TOKYO, "mon 09:00-17:00", "2026-03-09 00:00", "2026-03-09 08:00"),
    ]
)


@pytest.mark.parametrize(("zone", "windows", "after", "expected"), NEXT_CLOSING_CASES)
def test_next_closing_table(
    zone: str, windows: Windows, after: datetime, expected: datetime
) -> None:
    assert next_closing(windows, after, zone) == expected


def test_naive_instant_rejected() -> None:
    with pytest.raises(ValueError, match=r"naive 2026-03-08T12:00:00.*Attach a timezone"):
        is_open(WEEKDAY_9_TO_5, datetime(2026, 3, 8, 12), NY)


def test_naive_after_rejected() -> None:
    with pytest.raises(ValueError, match="after must be a timezone-aware datetime"):
        next_opening(WEEKDAY_9_TO_5, datetime(2026, 3, 8, 12), NY)


def test_unknown_timezone_rejected() -> None:
    with pytest.raises(ValueError, match="'Mars/Olympus_Mons'"):
        is_open(WEEKDAY_9_TO_5, utc(2026, 3, 8, 12), "Mars/Olympus_Mons")


def test_reversed_window_rejected() -> None:
    with pytest.raises(ValueError, match="monday window must start before it ends"):
        is_open({"monday": (time(17), time(9))}, utc(2026, 3, 8, 12), NY)


def test_unknown_weekday_rejected() -> None:
    with pytest.raises(ValueError, match="'mondy'"):
        is_open({"mondy": (time(9), time(17))}, utc(2026, 3, 8, 12), NY)


# Models: BusinessHours and Campaign delegate to the functions above.

NINE_TO_FIVE_HOURS = BusinessHours(
    monday=DayHours(True, time(9), time(17)), sunday=DayHours(False, time(9), time(17))
)


def test_business_hours_is_open() -> None:
    assert NINE_TO_FIVE_HOURS.is_open(utc(2026, 3, 9, 13), NY)
    assert not NINE_TO_FIVE_HOURS.is_open(utc(2026, 3, 9, 12, 59, 59), NY)
    assert not NINE_TO_FIVE_HOURS.is_open(utc(2026, 3, 8, 14), NY)


def test_business_hours_next_opening() -> None:
    assert NINE_TO_FIVE_HOURS.next_opening(utc(2026, 3, 8, 14), NY) == utc(2026, 3, 9, 13)


def test_business_hours_all_disabled() -> None:
    hours = BusinessHours(monday=DayHours(False), tuesday=DayHours(False))

    assert hours.next_opening(utc(2026, 3, 8, 14), NY) is None
    assert not hours.is_open(utc(2026, 3, 9, 14), NY)


def test_campaign_uses_its_timezone() -> None:
    campaign = Campaign(
        id="campaign_1",
        name="Spring",
        status="draft",
        timezone=TOKYO,
        business_hours=NINE_TO_FIVE_HOURS,
    )

    assert campaign.is_open(utc(2026, 3, 9, 0))
    assert not campaign.is_open(utc(2026, 3, 9, 13))
    assert campaign.next_opening(utc(2026, 3, 9, 13)) == utc(2026, 3, 16, 0)


def test_campaign_without_timezone_uses_utc() -> None:
    campaign = Campaign(
        id="campaign_1", name="Spring", status="draft", business_hours=NINE_TO_FIVE_HOURS
    )

    assert campaign.is_open(utc(2026, 3, 9, 9))
    assert campaign.next_opening(utc(2026, 3, 9, 8)) == utc(2026, 3, 9, 9)


def test_campaign_without_hours_always_open() -> None:
    campaign = Campaign(id="campaign_1", name="Spring", status="draft", timezone=NY)
    after = utc(2026, 3, 8, 7)

    assert campaign.is_open(after)
    assert campaign.next_opening(after) is after


def test_campaign_without_hours_rejects_naive() -> None:
    campaign = Campaign(id="campaign_1", name="Spring", status="draft")

    with pytest.raises(ValueError, match="at must be a timezone-aware datetime"):
        campaign.is_open(datetime(2026, 3, 8, 12))
    with pytest.raises(ValueError, match="after must be a timezone-aware datetime"):
        campaign.next_opening(datetime(2026, 3, 8, 12))


# Each zone with its 2026 UTC offset transitions. Lord_Howe shifts by 30 minutes, and
# Santiago changes at local midnight, once moving the local date back a day.
ZONE_TRANSITIONS = {
    NY: [utc(2026, 3, 8, 7), utc(2026, 11, 1, 6)],
    BERLIN: [utc(2026, 3, 29, 1), utc(2026, 10, 25, 1)],
    "Australia/Lord_Howe": [utc(2026, 4, 4, 15), utc(2026, 10, 3, 15, 30)],
    "America/Santiago": [utc(2026, 4, 5, 3), utc(2026, 9, 6, 4)],
    TOKYO: [],
    PHOENIX: [],
}


@st.composite
def windows_strategy(draw: st.DrawFn) -> Windows:
    windows = {}
    # Transitions fall on Saturdays and Sundays, so those two are drawn more often.
    names = draw(
        st.one_of(
            st.lists(st.sampled_from(WEEKDAY_NAMES), unique=True, max_size=7),
            st.lists(st.sampled_from(["saturday", "sunday"]), unique=True, min_size=1),
        )
    )
    for name in names:
        # Half the windows start before 04:00, around the local times of the transitions.
        start = draw(st.one_of(st.integers(0, 24 * 60 - 2), st.integers(0, 4 * 60)))
        end = draw(st.integers(start + 1, 24 * 60 - 1))
        windows[name] = (time(start // 60, start % 60), time(end // 60, end % 60))

    return windows


@st.composite
def zone_and_instant(draw: st.DrawFn) -> tuple[str, datetime]:
    """Draw a zone and an instant: from 2025 to 2027, or within two days of its transitions."""
    zone_name = draw(st.sampled_from(sorted(ZONE_TRANSITIONS)))
    anywhere = st.datetimes(datetime(2025, 1, 1), datetime(2027, 12, 31), timezones=st.just(UTC))
    transitions = ZONE_TRANSITIONS[zone_name]
    if not transitions:
        return zone_name, draw(anywhere)

    two_days = 2 * 86_400_000_000
    near_transition = st.builds(
        lambda transition, offset: transition + timedelta(microseconds=offset),
        st.sampled_from(transitions),
        st.integers(-two_days, two_days),
    )
    return zone_name, draw(st.one_of(anywhere, near_transition, near_transition))


def is_open_by_definition(windows: Windows, at: datetime, zone: ZoneInfo) -> bool:
    """The rule written out again, independently of the module under test."""
    local = at.astimezone(zone)
    window = windows.get(WEEKDAY_NAMES[local.weekday()])
    return window is not None and window[0] <= local.time().replace(fold=0) < window[1]


def whole_minutes(start: datetime, end: datetime) -> list[datetime]:
    """Return the instants on a whole UTC minute in [start, end)."""
    first = start.replace(second=0, microsecond=0)
    if first < start:
        first += timedelta(minutes=1)

    count = max(0, -((first - end) // timedelta(minutes=1)))
    return [first + timedelta(minutes=index) for index in range(count)]


@settings(max_examples=200, deadline=None)
@given(windows=windows_strategy(), zone_and_after=zone_and_instant())
def test_next_opening_is_first_open(windows: Windows, zone_and_after: tuple[str, datetime]) -> None:
    zone_name, after = zone_and_after
    zone = ZoneInfo(zone_name)
    opening = next_opening(windows, after, zone_name)

    if not windows:
        assert opening is None
        return

    assert opening is not None
    assert opening >= after
    assert is_open_by_definition(windows, opening, zone)
    if opening > after:
        assert not is_open_by_definition(windows, opening - timedelta(microseconds=1), zone)
    for minute in whole_minutes(after, opening):
        assert not is_open_by_definition(windows, minute, zone), minute


@settings(max_examples=200, deadline=None)
@given(windows=windows_strategy(), zone_and_after=zone_and_instant())
def test_next_closing_is_first_closed(
    windows: Windows, zone_and_after: tuple[str, datetime]
) -> None:
    zone_name, after = zone_and_after
    zone = ZoneInfo(zone_name)
    closing = next_closing(windows, after, zone_name)

    assert closing >= after
    assert not is_open_by_definition(windows, closing, zone)
    if closing > after:
        assert is_open_by_definition(windows, closing - timedelta(microseconds=1), zone)
    for minute in whole_minutes(after, closing):
        assert is_open_by_definition(windows, minute, zone), minute
