"""Client-side rate limiting: wait before sending rather than collect 429 responses.

One RateLimiter serves every request of a client. Before each request it waits for the latest
of three moments:

- the end of a pause set by a 429 response, so one task's 429 slows the whole client;
- the reset of the server's window, when the X-RateLimit-* headers show the budget is spent
  (counting requests already in flight against the remaining budget);
- the next slot of the optional `requests_per_minute` pacing, which spaces requests evenly.

Until the first response arrives, the budget is unknown, so the first request of a client goes
alone and the others wait for its headers: a burst of concurrent calls on a new client would
otherwise overrun a small limit before any header could say so.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Mapping

import attrs

from ._clock import Clock

__all__ = ["RateLimitState", "RateLimiter", "RatePlan"]

logger = logging.getLogger("smartalex.ratelimit")

_EPOCH_THRESHOLD = 1_000_000_000
"""X-RateLimit-Reset values above this are POSIX timestamps; smaller ones are delays."""


class RatePlan(enum.IntEnum):
    """Requests per minute allowed per API key on each SmartAlex plan."""

    PROFESSIONAL = 60
    DENTAL = 300
    REAL_ESTATE = 600


@attrs.frozen
class RateLimitState:
    """The rate-limit headers of the latest response that carried any.

    `reset_after` is the delay in seconds until the window resets, as it was when the
    response arrived (a POSIX timestamp in the header is converted to a delay).
    """

    limit: int | None
    remaining: int | None
    reset_after: float | None


def _header_number(headers: Mapping[str, str], name: str) -> float | None:
    value = headers.get(name)
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if number >= 0 else None


class RateLimiter:
    """Waits before each request as the server's headers and the pacing setting require."""

    def __init__(self, *, requests_per_minute: float | None = None, clock: Clock) -> None:
        self.clock = clock
        self._interval = 60.0 / requests_per_minute if requests_per_minute else 0.0
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._remaining: int | None = None
        self._window_reset_at: float | None = None
        self._in_flight = 0
        self._first_response_seen = False
        self._first_request_sent = False
        self._first_response: tuple[asyncio.AbstractEventLoop, asyncio.Event] | None = None
        self.state: RateLimitState | None = None

    async def acquire(self) -> None:
        """Wait until a request may be sent, then count it as in flight."""
        # Pacing first: a response that spends the budget may arrive while this request
        # waits for its slot, and the budget check below must see it. The checks before
        # each await save a coroutine per request in the common case.
        if self._interval:
            await self._wait_for_slot()
        if not self._first_response_seen:
            await self._wait_for_first_response()
        while True:
            now = self.clock.monotonic()
            ready_at = max(self._paused_until, self._budget_ready_at(now))
            if ready_at <= now:
                break
            delay = ready_at - now
            logger.info("Rate limit: waiting %.2f s before the next request.", delay)
            await self.clock.sleep(delay)
        self._in_flight += 1
        if self._remaining is not None:
            self._remaining -= 1

    async def _wait_for_first_response(self) -> None:
        if not self._first_request_sent:
            self._first_request_sent = True
            return
        await self._first_response_event().wait()

    def _first_response_event(self) -> asyncio.Event:
        # An asyncio.Event belongs to one loop, and a client may move to a new loop.
        loop = asyncio.get_running_loop()
        if self._first_response is None or self._first_response[0] is not loop:
            self._first_response = (loop, asyncio.Event())
        return self._first_response[1]

    async def _wait_for_slot(self) -> None:
        now = self.clock.monotonic()
        slot = max(now, self._next_slot)
        self._next_slot = slot + self._interval
        if slot > now:
            await self.clock.sleep(slot - now)

    def _budget_ready_at(self, now: float) -> float:
        if self._remaining is None or self._remaining > 0 or self._window_reset_at is None:
            return now
        if self._window_reset_at <= now:
            # The window has reset; the next response carries the new budget.
            self._remaining = None
            return now
        return self._window_reset_at

    def release(self, headers: Mapping[str, str] | None) -> None:
        """Record that a request finished, reading its X-RateLimit-* headers when present.

        A request that failed without a response releases the waiters too, so that a dead
        server cannot hold every later request.
        """
        self._in_flight -= 1
        if headers is not None:
            self._observe(headers)
        if not self._first_response_seen:
            self._first_response_seen = True
            if self._first_response is not None:
                self._first_response[1].set()

    def _observe(self, headers: Mapping[str, str]) -> None:
        limit = _header_number(headers, "X-RateLimit-Limit")
        remaining = _header_number(headers, "X-RateLimit-Remaining")
        reset = _header_number(headers, "X-RateLimit-Reset")
        if limit is None and remaining is None and reset is None:
            return
        now = self.clock.monotonic()
        if reset is not None and reset > _EPOCH_THRESHOLD:
            reset = max(0.0, reset - self.clock.time())
        self.state = RateLimitState(
            limit=None if limit is None else int(limit),
            remaining=None if remaining is None else int(remaining),
            reset_after=reset,
        )
        if remaining is not None:
            # Requests still in flight were sent after this one was counted by the server.
            self._remaining = int(remaining) - self._in_flight
        if reset is not None:
            self._window_reset_at = now + reset

    def forget_in_flight(self) -> None:
        """Forget requests counted as in flight, which a forked child never sees finish."""
        self._in_flight = 0
        if self._first_request_sent and not self._first_response_seen:
            self._first_request_sent = False
        self._first_response = None

    def pause(self, seconds: float) -> None:
        """Hold every request of the client for `seconds`, as after a 429."""
        self._paused_until = max(self._paused_until, self.clock.monotonic() + seconds)
