"""Admin endpoints under /_emulator: reset, state dump and clock advance."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import aiohttp
import pytest

from smartalex_async.emulator import Emulator, FaultConfig, SimulatedClock

MONDAY_9_UTC = datetime(2026, 3, 16, 9, tzinfo=timezone.utc)


async def post_json(
    session: aiohttp.ClientSession, url: str, body: Any = None
) -> tuple[int, dict[str, Any]]:
    async with session.post(url, json=body) as response:
        return response.status, await response.json()


async def get_json(session: aiohttp.ClientSession, url: str) -> tuple[int, dict[str, Any]]:
    async with session.get(url) as response:
        return response.status, await response.json()


def add_started_campaign(emulator: Emulator) -> tuple[str, str]:
    """Store a campaign with one contact, start it and return (campaign id, contact id)."""
    state = emulator.state
    campaign_id = state.create_campaign({"name": "Spring"})["id"]
    contact_id = state.create_contact({"first_name": "Ada"})["id"]
    state.add_campaign_contacts(campaign_id, {"contact_ids": [contact_id]})
    state.start_campaign(campaign_id)
    return campaign_id, contact_id


def test_admin_url(emulator: Emulator) -> None:
    assert emulator.admin_url == emulator.base_url.removesuffix("/v1") + "/_emulator"


async def test_admin_requires_key(emulator: Emulator) -> None:
    async with (
        aiohttp.ClientSession() as anonymous,
        anonymous.get(f"{emulator.admin_url}/state") as response,
    ):
        body = await response.json()

    assert response.status == 401
    assert body["error"]["code"] == "unauthorized"


async def test_reset_clears_data(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    add_started_campaign(emulator)
    emulator.state.create_contact({"first_name": "Grace"})
    emulator.state.faults = FaultConfig(latency_ms=1)

    status, body = await post_json(session, f"{emulator.admin_url}/reset")

    assert status == 200
    assert body == {"data": {"campaigns_removed": 1, "contacts_removed": 2}}
    assert emulator.state.campaigns == {}
    assert emulator.state.contacts == {}
    assert emulator.state.api_keys == {emulator.api_key}
    assert emulator.state.faults == FaultConfig(latency_ms=1)


async def test_reset_then_api_works(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    campaign_id, _ = add_started_campaign(emulator)
    await post_json(session, f"{emulator.admin_url}/reset")

    status, _ = await get_json(session, f"{emulator.base_url}/campaigns/{campaign_id}")
    created_status, created = await post_json(
        session, f"{emulator.base_url}/contacts", {"first_name": "Ada"}
    )

    assert status == 404
    assert created_status == 201
    assert list(emulator.state.contacts) == [created["data"]["id"]]


async def test_state_dump(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    emulator.state.clock = SimulatedClock.frozen_at(MONDAY_9_UTC)
    campaign_id, contact_id = add_started_campaign(emulator)
    emulator.state.advance(60)

    status, body = await get_json(session, f"{emulator.admin_url}/state")
    data = body["data"]

    assert status == 200
    assert data["format_version"] == 1
    assert data["clock"] == {"now": "2026-03-16T09:01:00Z", "offset_seconds": 60.0}
    assert [campaign["id"] for campaign in data["campaigns"]] == [campaign_id]
    assert data["campaigns"][0]["status"] == "completed"
    assert [contact["id"] for contact in data["contacts"]] == [contact_id]
    assert data["campaign_contacts"] == {campaign_id: [contact_id]}
    assert data["calls"] == {campaign_id: {contact_id: "2026-03-16T09:00:00Z"}}
    assert data["call_cursors"] == {campaign_id: "2026-03-16T09:01:00+00:00"}
    assert data["plan"] == {"name": "unlimited", "requests_per_minute": None, "max_contacts": None}
    assert data["rate_limit_per_minute"] is None
    assert data["call_interval_seconds"] == 60.0
    assert data["stats"]["requests"] == {}
    assert data["stats"]["rate_limited"] == 0


async def test_state_dump_counts_api_requests(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    await get_json(session, f"{emulator.base_url}/contacts")
    await get_json(session, f"{emulator.admin_url}/state")

    _, body = await get_json(session, f"{emulator.admin_url}/state")

    assert body["data"]["stats"]["requests"] == {"GET /v1/contacts": 1}


async def test_advance_returns_new_time(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    emulator.state.clock = SimulatedClock.frozen_at(MONDAY_9_UTC)
    campaign_id, _ = add_started_campaign(emulator)

    status, body = await post_json(
        session, f"{emulator.admin_url}/clock/advance", {"seconds": 90.5}
    )

    assert status == 200
    assert body["data"]["now"] == "2026-03-16T09:01:30Z"
    assert body["data"]["advanced_seconds"] == 90.5
    assert body["data"]["calls_placed"] == 1
    assert body["data"]["status_changes"] == [
        {
            "campaign_id": campaign_id,
            "from": "active",
            "to": "completed",
            "at": "2026-03-16T09:01:00Z",
        }
    ]
    assert emulator.state.clock() == datetime(2026, 3, 16, 9, 1, 30, 500000, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("body", "message_part"),
    [
        pytest.param({}, "seconds is required", id="missing"),
        pytest.param({"seconds": -5}, "got -5", id="negative"),
        pytest.param({"seconds": "60"}, 'got "60"', id="string"),
        pytest.param({"seconds": True}, "got true", id="bool"),
        pytest.param({"seconds": None}, "got null", id="null"),
        pytest.param({"seconds": 1e300}, "too large", id="overflow"),
    ],
)
async def test_advance_rejects_bad_seconds(
    emulator: Emulator, session: aiohttp.ClientSession, body: dict[str, Any], message_part: str
) -> None:
    emulator.state.clock = SimulatedClock.frozen_at(MONDAY_9_UTC)

    status, response_body = await post_json(session, f"{emulator.admin_url}/clock/advance", body)

    assert status == 400
    assert response_body["error"]["code"] == "invalid_request"
    assert message_part in response_body["error"]["message"]
    assert emulator.state.clock() == MONDAY_9_UTC


async def test_advance_rejects_non_json(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    async with session.post(f"{emulator.admin_url}/clock/advance", data=b"soon") as response:
        body = await response.json()

    assert response.status == 400
    assert "not valid JSON" in body["error"]["message"]


async def test_admin_wrong_method(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    async with session.get(f"{emulator.admin_url}/reset") as response:
        body = await response.json()

    assert response.status == 405
    assert response.headers["Allow"] == "POST"
    assert body["error"]["code"] == "invalid_request"


async def test_admin_skips_rate_limit(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    emulator.state.faults = FaultConfig(rate_limit_per_minute=1)
    first, _ = await get_json(session, f"{emulator.base_url}/contacts")
    second, _ = await get_json(session, f"{emulator.base_url}/contacts")

    async with session.get(f"{emulator.admin_url}/state") as response:
        await response.read()

    assert (first, second) == (200, 429)
    assert response.status == 200
    assert "X-RateLimit-Limit" not in response.headers


async def test_admin_skips_faults(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    emulator.state.faults = FaultConfig(server_error_rate=1.0)
    api_status, _ = await get_json(session, f"{emulator.base_url}/contacts")

    admin_status, _ = await post_json(session, f"{emulator.admin_url}/reset")

    assert api_status == 500
    assert admin_status == 200
    assert emulator.state.stats.faults == {"server_error": 1}


async def test_unknown_admin_path_404(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    status, body = await get_json(session, f"{emulator.admin_url}/clock")

    assert status == 404
    assert "/_emulator/clock/advance" in body["error"]["message"]
