"""Fixtures shared by the unit tests: a client pointed at a mocked loopback URL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from aioresponses import aioresponses
from support import API_KEY, BASE_URL

from smartalex_async import AsyncSmartAlex


@pytest.fixture
def mocked() -> Iterator[aioresponses]:
    with aioresponses() as mock:
        yield mock


@pytest.fixture
async def client() -> AsyncIterator[AsyncSmartAlex]:
    async with AsyncSmartAlex(api_key=API_KEY, base_url=BASE_URL) as sdk_client:
        yield sdk_client
