"""Helpers for the unit tests, imported as `support` (tests/ is on the pytest path)."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

from aioresponses import aioresponses
from yarl import URL

from smartalex_async.emulator import Emulator, run_emulator

BASE_URL = "http://127.0.0.1:9/v1"
API_KEY = "sk_test_unit_secret_0123456789"

DATA = Path(__file__).parent / "data"
"""The bundled CRM exports."""

# Expected outcomes for the bundled exports. Each count was derived independently of the
# module by a throwaway script that used the plain csv module and hand-written numbering-plan
# rules (NANP [2-9]XX-[2-9]XX-XXXX, UK/FR/AU/DE lengths and leading digits), not phonenumbers.
BUNDLED = [
    # (file, region, encoding, delimiter, data rows, expected counts)
    (
        "contacts-google.csv",
        "US",
        "utf-8",
        ",",
        1500,
        {"draft": 1392, "missing_phone": 40, "invalid_phone": 68},
    ),
    (
        "contacts-hubspot.csv",
        "US",
        "utf-8",
        ",",
        3000,
        {"draft": 2706, "missing_phone": 281, "invalid_phone": 13},
    ),
    ("contacts-minimal.csv", "US", "utf-8", ",", 200, {"draft": 200}),
    # French national-format numbers such as "01 99 00 54 43" are read as German numbers
    # with region DE and are rejected as invalid_phone (136 rows). French numbers in
    # international format ("+33 6 39 98 20 36") are accepted.
    (
        "contacts-outlook-eu.csv",
        "DE",
        "cp1252",
        ";",
        800,
        {"draft": 445, "missing_phone": 165, "invalid_phone": 136, "duplicate_phone": 54},
    ),
]


def calls(mock: aioresponses, method: str, url: str) -> list[Any]:
    """Return the requests `mock` received for exactly this method and URL (query included)."""
    return mock.requests.get((method, URL(url)), [])


def error_body(code: str, message: str, status: int) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "status": status}}


STARTUP_TIMEOUT_SECONDS = 10.0


class EmulatorThread:
    """Daemon thread that serves `run_emulator()` on 127.0.0.1 from its own event loop."""

    def __init__(self) -> None:
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._emulator: Emulator | None = None
        self._thread = threading.Thread(target=self._run, name="emulator", daemon=True)

    def start(self) -> Emulator:
        self._thread.start()
        if not self._ready.wait(STARTUP_TIMEOUT_SECONDS) or self._emulator is None:
            raise RuntimeError(f"The emulator did not start within {STARTUP_TIMEOUT_SECONDS} s.")
        return self._emulator

    def stop(self) -> None:
        assert self._loop is not None
        assert self._stop is not None
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
        async with run_emulator() as emulator:
            self._emulator = emulator
            self._ready.set()
            await self._stop.wait()
