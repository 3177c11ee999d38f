"""Fixtures for the sync facade: a client connected to an emulator on its own thread.

The sync client blocks the calling thread while its own loop thread does the work, so the
emulator cannot share the test's thread or event loop.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from smartalex_async.emulator import Emulator
from smartalex_sync import SmartAlex


@pytest.fixture
def emulator(emulator_thread: Emulator) -> Emulator:
    return emulator_thread


@pytest.fixture
def sync_client(emulator: Emulator) -> Iterator[SmartAlex]:
    client = SmartAlex(api_key=emulator.api_key, base_url=emulator.base_url)
    yield client
    client.close()
