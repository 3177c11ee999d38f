"""POST /v1/campaigns/{id}/start: status changes, started_at and the errors."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import aiohttp
import pytest

from smartalex_async.emulator import Emulator


def make_campaign(emulator: Emulator, *, contact_count: int) -> str:
    campaign_id: str = emulator.state.create_campaign({"name": "Spring outreach"})["id"]
    contact_ids = [
        emulator.state.create_contact({"first_name": f"Contact {index}"})["id"]
        for index in range(contact_count)
    ]
    if contact_ids:
        emulator.state.add_campaign_contacts(campaign_id, {"contact_ids": contact_ids})

    return campaign_id


async def start(
    emulator: Emulator, session: aiohttp.ClientSession, campaign_id: str
) -> tuple[int, dict[str, Any]]:
    async with session.post(f"{emulator.base_url}/campaigns/{campaign_id}/start") as response:
        return response.status, await response.json()


async def test_start_draft(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    campaign_id = make_campaign(emulator, contact_count=1)
    status, body = await start(emulator, session, campaign_id)

    assert status == 200
    assert body == {
        "data": {"id": campaign_id, "status": "active", "started_at": "2026-01-15T10:30:00Z"}
    }
    assert emulator.state.campaigns[campaign_id]["status"] == "active"
    assert emulator.state.campaigns[campaign_id]["started_at"] == "2026-01-15T10:30:00Z"


async def test_start_idempotent(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    campaign_id = make_campaign(emulator, contact_count=1)
    await start(emulator, session, campaign_id)
    emulator.state.clock = lambda: datetime(2026, 2, 1, 8, 0, tzinfo=timezone.utc)
    status, body = await start(emulator, session, campaign_id)

    assert status == 200
    assert body["data"]["status"] == "active"
    assert body["data"]["started_at"] == "2026-01-15T10:30:00Z"


@pytest.mark.parametrize("status_name", ["scheduled", "paused"])
async def test_start_resumable(
    emulator: Emulator, session: aiohttp.ClientSession, status_name: str
) -> None:
    campaign_id = make_campaign(emulator, contact_count=1)
    emulator.state.campaigns[campaign_id]["status"] = status_name
    status, body = await start(emulator, session, campaign_id)

    assert status == 200
    assert body["data"]["status"] == "active"
    assert body["data"]["started_at"] == "2026-01-15T10:30:00Z"


async def test_start_keeps_first_started_at(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    campaign_id = make_campaign(emulator, contact_count=1)
    campaign = emulator.state.campaigns[campaign_id]
    campaign["status"] = "paused"
    campaign["started_at"] = "2026-01-01T00:00:00Z"
    _, body = await start(emulator, session, campaign_id)

    assert body["data"]["status"] == "active"
    assert body["data"]["started_at"] == "2026-01-01T00:00:00Z"


async def test_start_no_contacts(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    campaign_id = make_campaign(emulator, contact_count=0)
    status, body = await start(emulator, session, campaign_id)

    assert status == 400
    assert body["error"]["code"] == "no_contacts"
    assert body["error"]["status"] == 400
    assert campaign_id in body["error"]["message"]
    assert emulator.state.campaigns[campaign_id]["status"] == "draft"
    assert emulator.state.campaigns[campaign_id]["started_at"] is None


@pytest.mark.parametrize("status_name", ["completed", "cancelled"])
async def test_start_closed_campaign(
    emulator: Emulator, session: aiohttp.ClientSession, status_name: str
) -> None:
    campaign_id = make_campaign(emulator, contact_count=1)
    emulator.state.campaigns[campaign_id]["status"] = status_name
    status, body = await start(emulator, session, campaign_id)

    assert status == 400
    assert body["error"]["code"] == "invalid_request"
    assert body["error"]["status"] == 400
    assert status_name in body["error"]["message"]
    assert emulator.state.campaigns[campaign_id]["status"] == status_name


async def test_start_unknown_campaign(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    status, body = await start(emulator, session, "campaign_missing")

    assert status == 404
    assert body["error"]["code"] == "campaign_not_found"
    assert body["error"]["status"] == 404
    assert "campaign_missing" in body["error"]["message"]


async def test_start_visible_in_get(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    campaign_id = make_campaign(emulator, contact_count=1)
    await start(emulator, session, campaign_id)
    async with session.get(f"{emulator.base_url}/campaigns/{campaign_id}") as response:
        body = await response.json()

    assert body["data"]["status"] == "active"
    assert body["data"]["started_at"] == "2026-01-15T10:30:00Z"
