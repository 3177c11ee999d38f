"""The API key stays out of reprs, logs and errors; plain http is refused off loopback."""

from __future__ import annotations

import asyncio
import logging

import pytest
from aioresponses import aioresponses
from support import API_KEY, BASE_URL, error_body

from smartalex_async import AsyncSmartAlex, InvalidParameterError, SmartAlexError

URL = f"{BASE_URL}/campaigns/campaign_1"


@pytest.mark.parametrize(
    "response",
    [
        {"payload": {"data": {"id": "campaign_1", "name": "N", "status": "draft"}}},
        {"status": 401, "payload": error_body("unauthorized", "Invalid API key.", 401)},
        {"status": 500, "payload": error_body("server_error", "Oops.", 500)},
        {"exception": asyncio.TimeoutError()},
    ],
    ids=["success", "401", "500", "timeout"],
)
async def test_key_absent_from_logs_and_errors(
    mocked: aioresponses, caplog: pytest.LogCaptureFixture, response: dict[str, object]
) -> None:
    mocked.get(URL, repeat=True, **response)  # type: ignore[arg-type]
    caplog.set_level(logging.DEBUG)
    texts: list[str] = []

    async with AsyncSmartAlex(api_key=API_KEY, base_url=BASE_URL, max_retries=1) as client:
        texts.append(repr(client))
        try:
            await client.campaigns.get("campaign_1")
        except SmartAlexError as exc:
            texts.extend([str(exc), repr(exc), str(exc.__cause__), repr(exc.__cause__)])

    texts.extend(record.getMessage() for record in caplog.records)
    texts.extend(repr(record.args) for record in caplog.records)
    assert any(record.name.startswith("smartalex") for record in caplog.records)
    for text in texts:
        assert API_KEY not in text


@pytest.mark.parametrize(
    "url",
    ["http://api.example.com/v1", "http://10.0.0.8/v1", "ftp://127.0.0.1/v1", "/v1", ""],
)
def test_insecure_base_url_rejected(url: str) -> None:
    with pytest.raises(InvalidParameterError, match="base_url"):
        AsyncSmartAlex(api_key=API_KEY, base_url=url or "http://")


@pytest.mark.parametrize(
    "url",
    [
        "https://api.example.com/v1",
        "http://127.0.0.1:8080/v1",
        "http://127.8.9.10/v1",
        "http://localhost:8080/v1",
        "http://[::1]:8080/v1",
    ],
)
def test_secure_or_loopback_accepted(url: str) -> None:
    assert AsyncSmartAlex(api_key=API_KEY, base_url=url).base_url == url


def test_insecure_http_opt_in() -> None:
    client = AsyncSmartAlex(
        api_key=API_KEY, base_url="http://api.example.com/v1", allow_insecure_http=True
    )

    assert client.base_url == "http://api.example.com/v1"
