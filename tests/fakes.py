"""Test doubles shared by the transport tests."""

from __future__ import annotations

import asyncio

from smartalex_async._clock import Clock


class FakeClock(Clock):
    """A clock whose sleeps take about a millisecond and move its time forward instead.

    `sleeps` lists every requested delay, so tests assert waits without sleeping. Sleeps
    that overlap end at the latest wake-up time, as real ones would, and each first waits
    `settle` real seconds so that requests already sent reach the server before time jumps.
    """

    def __init__(self, start: float = 1_800_000_000.0, *, settle: float = 0.001) -> None:
        self.now = start
        self.sleeps: list[float] = []
        self._settle = settle

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        wake_at = self.now + seconds
        await asyncio.sleep(self._settle)
        self.now = max(self.now, wake_at)
