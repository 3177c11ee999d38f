"""SimulatedClock: real time plus an offset, a start instant, a frozen instant, advancing."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from smartalex_async.emulator import SimulatedClock

UTC = timezone.utc
MONDAY_9 = datetime(2026, 3, 16, 9, tzinfo=UTC)


def test_default_follows_real_time() -> None:
    clock = SimulatedClock()
    before = datetime.now(UTC)

    reading = clock()

    assert clock.follows_real_time
    assert clock.offset == timedelta(0)
    assert before <= reading <= datetime.now(UTC)


def test_advance_adds_to_offset() -> None:
    clock = SimulatedClock()

    clock.advance(90)
    clock.advance(0.5)

    assert clock.offset == timedelta(seconds=90.5)
    assert clock() - datetime.now(UTC) > timedelta(seconds=90)


def test_starting_at_follows_real_time() -> None:
    clock = SimulatedClock.starting_at(MONDAY_9)

    reading = clock()

    assert clock.follows_real_time
    assert MONDAY_9 <= reading < MONDAY_9 + timedelta(seconds=5)


def test_frozen_at_stands_still() -> None:
    clock = SimulatedClock.frozen_at(MONDAY_9)

    first = clock()
    clock.advance(60)

    assert not clock.follows_real_time
    assert first == MONDAY_9
    assert clock() == MONDAY_9 + timedelta(minutes=1)


def test_wraps_custom_source() -> None:
    clock = SimulatedClock(source=lambda: MONDAY_9, offset=timedelta(hours=1))

    assert clock() == MONDAY_9 + timedelta(hours=1)


@pytest.mark.parametrize("seconds", [-0.001, float("nan"), float("inf")])
def test_advance_rejects_bad_seconds(seconds: float) -> None:
    clock = SimulatedClock.frozen_at(MONDAY_9)

    with pytest.raises(ValueError, match="only moves forward"):
        clock.advance(seconds)

    assert clock() == MONDAY_9


def test_advance_rejects_bool() -> None:
    with pytest.raises(TypeError, match="seconds must be a number"):
        SimulatedClock().advance(True)


def test_naive_start_rejected() -> None:
    with pytest.raises(ValueError, match=r"naive 2026-03-16T09:00:00.*add a timezone"):
        SimulatedClock.frozen_at(datetime(2026, 3, 16, 9))
