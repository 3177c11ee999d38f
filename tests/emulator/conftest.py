"""Fixtures that run the emulator on 127.0.0.1 with a free port and open a client to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timezone

import aiohttp
import pytest

from smartalex_async.emulator import Emulator, run_emulator

# The time that the emulator clock returns in tests, so timestamps are exact.
FIXED_NOW = datetime(2026, 1, 15, 10, 30, 0, tzinfo=timezone.utc)


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    """A running emulator whose clock always returns FIXED_NOW."""
    async with run_emulator() as running:
        running.state.clock = lambda: FIXED_NOW
        yield running


@pytest.fixture
async def session(emulator: Emulator) -> AsyncIterator[aiohttp.ClientSession]:
    """A client session that sends the emulator's API key on every request."""
    headers = {"Authorization": f"Bearer {emulator.api_key}"}
    async with aiohttp.ClientSession(headers=headers) as client:
        yield client
