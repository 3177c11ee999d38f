"""Serve the emulator from a background thread, for sync code and for tests on other loops."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from ._server import Emulator, run_emulator

__all__ = ["emulator_in_thread"]

STARTUP_TIMEOUT_SECONDS = 10.0


class _EmulatorThread:
    """A daemon thread serving `run_emulator(**options)` from its own event loop."""

    def __init__(self, options: dict[str, Any]) -> None:
        self._options = options
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._emulator: Emulator | None = None
        self._thread = threading.Thread(target=self._run, name="smartalex-emulator", daemon=True)

    def start(self) -> Emulator:
        self._thread.start()
        if not self._ready.wait(STARTUP_TIMEOUT_SECONDS) or self._emulator is None:
            raise RuntimeError(f"The emulator did not start within {STARTUP_TIMEOUT_SECONDS} s.")
        return self._emulator

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(STARTUP_TIMEOUT_SECONDS)

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        finally:
            # Wakes start() when the emulator failed to start, so that it raises at once.
            self._ready.set()

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        async with run_emulator(**self._options) as emulator:
            self._emulator = emulator
            self._ready.set()
            await self._stop.wait()


@contextlib.contextmanager
def emulator_in_thread(**options: Any) -> Iterator[Emulator]:
    """Serve the emulator on a background thread for the duration of the `with` block.

    Takes the keyword arguments of `run_emulator` (host, port, state, api_keys, faults). The
    yielded Emulator's `state` lives on that thread's loop: read it between requests, not
    while a request is in flight.
    """
    server = _EmulatorThread(options)
    try:
        yield server.start()
    finally:
        server.stop()
