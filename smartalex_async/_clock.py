"""Time sources of the transport, replaceable in tests so that no test sleeps for real."""

from __future__ import annotations

import asyncio
import time

__all__ = ["Clock"]


class Clock:
    """Monotonic time for delays, wall-clock time for HTTP dates, and an async sleep."""

    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
