"""Fixtures shared by the tests: a client on a mocked loopback URL, and a background emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from aioresponses import aioresponses
from support import API_KEY, BASE_URL

from smartalex_async import AsyncSmartAlex
from smartalex_async.emulator import Emulator
from smartalex_async.emulator._thread import emulator_in_thread

pytest_plugins = ["pytester"]


@pytest.fixture
def mocked() -> Iterator[aioresponses]:
    with aioresponses() as mock:
        yield mock


@pytest.fixture
async def client() -> AsyncIterator[AsyncSmartAlex]:
    # Retries have their own tests; here each mocked response is final.
    async with AsyncSmartAlex(api_key=API_KEY, base_url=BASE_URL, max_retries=0) as sdk_client:
        yield sdk_client


@pytest.fixture
def emulator_thread() -> Iterator[Emulator]:
    """Run the emulator on 127.0.0.1 in a background thread with its own event loop.

    For tests whose code under test runs its own loop (the CLI, the sync facade), which
    cannot share the test's loop.
    """
    with emulator_in_thread() as emulator:
        yield emulator
