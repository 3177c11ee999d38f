"""The simulated wall clock of the emulator: a time source plus an offset that tests advance."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import attrs


def utc_now() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(timezone.utc)


def format_timestamp(moment: datetime) -> str:
    """Format an aware datetime as UTC with seconds precision, e.g. ``2026-01-15T10:30:00Z``."""
    if moment.tzinfo is None:
        raise ValueError(
            f"The emulator clock returned the naive datetime {moment.isoformat()}; "
            "return an aware datetime such as datetime.now(timezone.utc)."
        )

    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@attrs.frozen
class FixedTime:
    """A time source that always returns the same instant."""

    moment: datetime

    def __call__(self) -> datetime:
        return self.moment


@attrs.define
class SimulatedClock:
    """A wall clock that reads its source and adds an offset.

    The default source is the real time, so the clock follows real time and advance() moves
    it ahead by adding to the offset. starting_at() makes a clock that follows real time from
    a given instant, and frozen_at() one that does not move until it is advanced. advance()
    rejects negative seconds, so advancing never moves the clock back.
    """

    source: Callable[[], datetime] = utc_now
    offset: timedelta = timedelta(0)

    @classmethod
    def starting_at(cls, moment: datetime) -> SimulatedClock:
        """Return a clock that reads `moment` now and then follows real time."""
        check_aware(moment)
        return cls(offset=moment - utc_now())

    @classmethod
    def frozen_at(cls, moment: datetime) -> SimulatedClock:
        """Return a clock that reads `moment` until it is advanced."""
        check_aware(moment)
        return cls(source=FixedTime(moment))

    @property
    def follows_real_time(self) -> bool:
        """True when the source is the real time, False for a frozen or custom source."""
        return self.source is utc_now

    def __call__(self) -> datetime:
        return self.source() + self.offset

    def advance(self, seconds: float) -> None:
        """Move the clock ahead by `seconds`, a finite number of at least 0."""
        self.offset += seconds_to_timedelta(seconds)


def seconds_to_timedelta(seconds: float) -> timedelta:
    """Return a finite, non-negative number of seconds as a timedelta, else raise ValueError."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"seconds must be a number, not {seconds!r}.")

    if not 0 <= seconds < math.inf:
        raise ValueError(
            f"seconds must be a finite number of at least 0, not {seconds!r}; "
            "the simulated clock only moves forward."
        )

    try:
        return timedelta(seconds=seconds)
    except OverflowError:
        raise ValueError(
            f"seconds={seconds!r} is too large for a timedelta; advance by a smaller amount."
        ) from None


def check_aware(moment: datetime) -> None:
    """Raise ValueError when `moment` is a naive datetime."""
    if moment.utcoffset() is None:
        raise ValueError(
            f"The clock needs an aware datetime, not the naive {moment.isoformat()}; "
            "add a timezone, for example datetime(2026, 3, 9, 9, 0, tzinfo=timezone.utc)."
        )


def parse_clock_start(text: str) -> datetime:
    """Parse an ISO 8601 instant with an offset, such as ``2026-03-09T08:55:00-05:00``.

    A trailing Z means UTC. Raises ValueError for other text and for a time without an offset.
    """
    # datetime.fromisoformat accepts a trailing Z only from Python 3.11.
    normalized = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        moment = datetime.fromisoformat(normalized)
    except ValueError:
        moment = None

    if moment is None or moment.utcoffset() is None:
        raise ValueError(
            "expected an ISO 8601 instant with an offset, such as 2026-03-09T08:55:00-05:00 "
            f"or 2026-03-09T13:55:00Z; got {text!r}."
        )

    return moment
