"""Test doubles shared by the transport tests."""

from __future__ import annotations

import asyncio

from smartalex_async._clock import Clock


class FakeClock(Clock):
    """A clock whose sleeps return at once and move its time forward instead.

    `sleeps` lists every requested delay, so tests assert waits without sleeping.
    """

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)
