"""Client construction: configuration from arguments and environment, and safe repr."""

from __future__ import annotations

import aiohttp
import pytest
from aioresponses import aioresponses
from support import API_KEY, BASE_URL

from smartalex_async import (
    DEFAULT_BASE_URL,
    APIConnectionError,
    AsyncSmartAlex,
    MissingAPIKeyError,
)


def test_missing_key_names_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SMARTALEX_API_KEY", raising=False)

    with pytest.raises(MissingAPIKeyError, match="SMARTALEX_API_KEY"):
        AsyncSmartAlex()


def test_key_and_url_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMARTALEX_API_KEY", API_KEY)
    monkeypatch.setenv("SMARTALEX_BASE_URL", BASE_URL + "/")

    client = AsyncSmartAlex()

    assert client.base_url == BASE_URL


def test_production_url_is_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SMARTALEX_BASE_URL", raising=False)

    client = AsyncSmartAlex(api_key=API_KEY)

    assert client.base_url == DEFAULT_BASE_URL


def test_repr_hides_api_key() -> None:
    client = AsyncSmartAlex(api_key=API_KEY, base_url=BASE_URL)

    assert API_KEY not in repr(client)
    assert API_KEY not in repr(client.campaigns)
    assert "<hidden>" in repr(client)


async def test_connection_error_is_mapped(mocked: aioresponses) -> None:
    url = f"{BASE_URL}/contacts"
    mocked.get(url, exception=aiohttp.ClientConnectionError("connection refused"))

    async with AsyncSmartAlex(api_key=API_KEY, base_url=BASE_URL, max_retries=0) as client:
        with pytest.raises(APIConnectionError, match="GET /contacts failed"):
            await client.contacts.list()


async def test_close_twice() -> None:
    client = AsyncSmartAlex(api_key=API_KEY, base_url=BASE_URL)

    await client.close()
    await client.close()
