"""pytest plugin: the `smartalex_emulator` fixture, registered through the pytest11 entry point.

    def test_campaign_starts(smartalex_emulator):
        client = SmartAlex(api_key=smartalex_emulator.api_key,
                           base_url=smartalex_emulator.base_url)
        ...

Each test gets its own emulator on 127.0.0.1 with a free port, served from a background
thread, so the fixture works for sync tests and for async tests on any event loop.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .emulator import Emulator
from .emulator._thread import emulator_in_thread

__all__ = ["smartalex_emulator"]


@pytest.fixture
def smartalex_emulator() -> Iterator[Emulator]:
    """A fresh in-memory SmartAlex API emulator for one test.

    It has `base_url`, `api_key` (accepted by the emulator) and `state`, whose `campaigns`
    and `contacts` dicts and `campaign_contacts(campaign_id)` show what your code stored.
    """
    with emulator_in_thread() as emulator:
        yield emulator
