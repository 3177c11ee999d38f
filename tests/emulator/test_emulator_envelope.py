"""Envelopes, X-Request-Id, routing errors and JSON body errors shared by all endpoints."""

from __future__ import annotations

import logging
import re
from datetime import datetime

import aiohttp
import pytest

from smartalex_async.emulator import Emulator

REQUEST_ID_PATTERN = re.compile(r"req_[0-9a-f]+")


async def test_request_id_on_success(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    async with session.get(f"{emulator.base_url}/campaigns") as response:
        pass

    assert response.status == 200
    assert REQUEST_ID_PATTERN.fullmatch(response.headers["X-Request-Id"])


async def test_request_id_on_error(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    async with session.get(f"{emulator.base_url}/campaigns/campaign_missing") as response:
        pass

    assert response.status == 404
    assert REQUEST_ID_PATTERN.fullmatch(response.headers["X-Request-Id"])


async def test_request_id_on_401(emulator: Emulator) -> None:
    async with (
        aiohttp.ClientSession() as client,
        client.get(f"{emulator.base_url}/contacts") as response,
    ):
        pass

    assert response.status == 401
    assert REQUEST_ID_PATTERN.fullmatch(response.headers["X-Request-Id"])


async def test_request_id_unique(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    request_ids = set()
    for _ in range(5):
        async with session.get(f"{emulator.base_url}/contacts") as response:
            request_ids.add(response.headers["X-Request-Id"])

    assert len(request_ids) == 5


async def test_unknown_route_not_found(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    async with session.get(f"{emulator.base_url}/agents") as response:
        body = await response.json()

    assert response.status == 404
    assert body["error"]["code"] == "not_found"
    assert body["error"]["status"] == 404
    assert "/v1/agents" in body["error"]["message"]
    assert REQUEST_ID_PATTERN.fullmatch(response.headers["X-Request-Id"])


async def test_wrong_method_405(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    async with session.delete(f"{emulator.base_url}/campaigns") as response:
        body = await response.json()

    assert response.status == 405
    assert body["error"]["code"] == "invalid_request"
    assert body["error"]["status"] == 405
    assert "DELETE" in body["error"]["message"]
    assert "POST" in response.headers["Allow"]


async def test_start_requires_post(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    async with session.get(f"{emulator.base_url}/campaigns/campaign_x/start") as response:
        body = await response.json()

    assert response.status == 405
    assert body["error"]["code"] == "invalid_request"


@pytest.mark.parametrize(
    ("raw_body", "message_part"),
    [
        pytest.param(b"", "empty", id="empty"),
        pytest.param(b"   ", "empty", id="whitespace"),
        pytest.param(b'{"name": ', "not valid JSON", id="truncated"),
        pytest.param(b"\xff\xfe\xfd", "not valid JSON", id="not-utf8"),
        pytest.param(b"[1, 2]", "[1, 2]", id="array"),
        pytest.param(b'"text"', '"text"', id="string"),
        pytest.param(b"null", "null", id="null"),
        pytest.param(b"[" * 100_000, "not valid JSON", id="deep-nesting"),
    ],
)
async def test_body_invalid(
    emulator: Emulator, session: aiohttp.ClientSession, raw_body: bytes, message_part: str
) -> None:
    headers = {"Content-Type": "application/json"}
    url = f"{emulator.base_url}/contacts"
    async with session.post(url, data=raw_body, headers=headers) as response:
        body = await response.json()

    assert response.status == 400
    assert body["error"]["code"] == "invalid_request"
    assert body["error"]["status"] == 400
    assert message_part in body["error"]["message"]
    assert emulator.state.contacts == {}


async def test_body_unknown_fields_ignored(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    payload = {"first_name": "Ada", "favourite_color": "green"}
    async with session.post(f"{emulator.base_url}/contacts", json=payload) as response:
        body = await response.json()

    assert response.status == 201
    assert "favourite_color" not in body["data"]


async def test_server_error_envelope(
    emulator: Emulator, session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    # A naive datetime from the clock is a programming error, so the request fails with 500.
    emulator.state.clock = lambda: datetime(2026, 1, 15, 10, 30)
    url = f"{emulator.base_url}/contacts"
    async with session.post(url, json={"first_name": "Ada"}) as response:
        body = await response.json()

    request_id = response.headers["X-Request-Id"]
    assert response.status == 500
    assert body["error"]["code"] == "server_error"
    assert body["error"]["status"] == 500
    assert request_id in body["error"]["message"]
    assert request_id in caplog.text


async def test_client_error_logged(
    emulator: Emulator, session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="smartalex_async.emulator")
    async with session.get(f"{emulator.base_url}/contacts/contact_missing") as response:
        pass

    assert response.status == 404
    assert response.headers["X-Request-Id"] in caplog.text
    assert "not_found" in caplog.text
