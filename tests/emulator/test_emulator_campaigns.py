"""Creating, reading and listing campaigns, and the validation of the create body."""

from __future__ import annotations

import re
from typing import Any

import aiohttp
import pytest

from smartalex_async.emulator import SEEDED_AGENT_IDS, SEEDED_PHONE_NUMBER_IDS, Emulator

CAMPAIGN_FIELDS = {
    "id",
    "name",
    "description",
    "objective",
    "agent_id",
    "phone_number_id",
    "campaign_mode",
    "status",
    "timezone",
    "business_hours",
    "created_at",
    "started_at",
}

FULL_BODY: dict[str, Any] = {
    "name": "Spring outreach",
    "description": "Call back spring leads",
    "objective": "Book a demo",
    "agent_id": "agent_def456",
    "phone_number_id": "phone_xyz789",
    "campaign_mode": "inbound",
    "timezone": "Europe/Berlin",
    "business_hours": {
        "monday": {"enabled": True, "start": "09:00", "end": "17:00"},
        "sunday": {"enabled": False},
    },
}


async def post_campaign(
    emulator: Emulator, session: aiohttp.ClientSession, payload: object
) -> tuple[int, dict[str, Any]]:
    async with session.post(f"{emulator.base_url}/campaigns", json=payload) as response:
        return response.status, await response.json()


async def test_create_campaign_full(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    status, body = await post_campaign(emulator, session, FULL_BODY)
    campaign = body["data"]

    assert status == 201
    assert set(campaign) == CAMPAIGN_FIELDS
    assert re.fullmatch(r"campaign_[0-9a-f]{12}", campaign["id"])
    assert campaign["name"] == "Spring outreach"
    assert campaign["description"] == "Call back spring leads"
    assert campaign["objective"] == "Book a demo"
    assert campaign["agent_id"] == "agent_def456"
    assert campaign["phone_number_id"] == "phone_xyz789"
    assert campaign["campaign_mode"] == "inbound"
    assert campaign["timezone"] == "Europe/Berlin"
    assert campaign["business_hours"] == FULL_BODY["business_hours"]
    assert campaign["status"] == "draft"
    assert campaign["created_at"] == "2026-01-15T10:30:00Z"
    assert campaign["started_at"] is None


async def test_create_campaign_defaults(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    status, body = await post_campaign(emulator, session, {"name": "Minimal"})
    campaign = body["data"]

    assert status == 201
    assert campaign["description"] is None
    assert campaign["objective"] is None
    assert campaign["agent_id"] is None
    assert campaign["phone_number_id"] is None
    assert campaign["campaign_mode"] == "outbound"
    assert campaign["timezone"] == "UTC"
    assert campaign["business_hours"] is None


async def test_create_campaign_nulls(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    payload = {"name": "Nulls", "campaign_mode": None, "timezone": None, "business_hours": None}
    status, body = await post_campaign(emulator, session, payload)

    assert status == 201
    assert body["data"]["campaign_mode"] == "outbound"
    assert body["data"]["timezone"] == "UTC"
    assert body["data"]["business_hours"] is None


async def test_create_campaign_stored(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    _, body = await post_campaign(emulator, session, FULL_BODY)
    campaign_id = body["data"]["id"]

    assert emulator.state.campaigns[campaign_id] == body["data"]
    assert emulator.state.campaign_contacts(campaign_id) == []


@pytest.mark.parametrize("agent_id", SEEDED_AGENT_IDS)
async def test_create_campaign_seeded_agent(
    emulator: Emulator, session: aiohttp.ClientSession, agent_id: str
) -> None:
    status, body = await post_campaign(emulator, session, {"name": "A", "agent_id": agent_id})

    assert status == 201
    assert body["data"]["agent_id"] == agent_id


@pytest.mark.parametrize("phone_number_id", SEEDED_PHONE_NUMBER_IDS)
async def test_create_campaign_seeded_phone(
    emulator: Emulator, session: aiohttp.ClientSession, phone_number_id: str
) -> None:
    payload = {"name": "A", "phone_number_id": phone_number_id}
    status, body = await post_campaign(emulator, session, payload)

    assert status == 201
    assert body["data"]["phone_number_id"] == phone_number_id


async def test_create_campaign_unknown_agent(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    payload = {"name": "A", "agent_id": "agent_missing"}
    status, body = await post_campaign(emulator, session, payload)

    assert status == 404
    assert body["error"]["code"] == "agent_not_found"
    assert body["error"]["status"] == 404
    assert "agent_missing" in body["error"]["message"]
    assert emulator.state.campaigns == {}


async def test_create_campaign_unknown_phone(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    payload = {"name": "A", "phone_number_id": "phone_missing"}
    status, body = await post_campaign(emulator, session, payload)

    assert status == 400
    assert body["error"]["code"] == "invalid_request"
    assert body["error"]["status"] == 400
    assert "phone_missing" in body["error"]["message"]
    assert emulator.state.campaigns == {}


def enabled_day(start: str, end: str) -> dict[str, object]:
    return {"enabled": True, "start": start, "end": end}


@pytest.mark.parametrize(
    ("payload", "message_part"),
    [
        pytest.param({}, "name is required", id="name-missing"),
        pytest.param({"name": ""}, "name must be a non-empty string", id="name-empty"),
        pytest.param({"name": None}, "got null", id="name-null"),
        pytest.param({"name": 42}, "got 42", id="name-number"),
        pytest.param({"name": "A", "description": 5}, "description", id="description-number"),
        pytest.param({"name": "A", "objective": ["x"]}, "objective", id="objective-list"),
        pytest.param({"name": "A", "agent_id": 7}, "agent_id", id="agent-id-number"),
        pytest.param({"name": "A", "phone_number_id": True}, "phone_number_id", id="phone-bool"),
        pytest.param({"name": "A", "campaign_mode": 1}, "campaign_mode", id="mode-number"),
        pytest.param({"name": "A", "timezone": "Mars/Olympus"}, "Mars/Olympus", id="tz-unknown"),
        pytest.param({"name": "A", "timezone": "../etc/passwd"}, "timezone", id="tz-path"),
        pytest.param({"name": "A", "timezone": ""}, "timezone", id="tz-empty"),
        pytest.param({"name": "A", "timezone": 1}, "timezone", id="tz-number"),
        pytest.param({"name": "A", "business_hours": []}, "business_hours", id="hours-list"),
        pytest.param(
            {"name": "A", "business_hours": {"Monday": enabled_day("09:00", "17:00")}},
            '"Monday"',
            id="hours-capitalized-day",
        ),
        pytest.param(
            {"name": "A", "business_hours": {"holiday": {"enabled": False}}},
            '"holiday"',
            id="hours-unknown-day",
        ),
        pytest.param(
            {"name": "A", "business_hours": {"monday": "09:00-17:00"}},
            "business_hours.monday",
            id="day-string",
        ),
        pytest.param(
            {"name": "A", "business_hours": {"monday": {"start": "09:00", "end": "17:00"}}},
            "business_hours.monday.enabled is required",
            id="enabled-missing",
        ),
        pytest.param(
            {"name": "A", "business_hours": {"monday": {"enabled": "yes"}}},
            "business_hours.monday.enabled",
            id="enabled-string",
        ),
        pytest.param(
            {"name": "A", "business_hours": {"monday": {"enabled": True, "end": "17:00"}}},
            "business_hours.monday.start is required",
            id="start-missing",
        ),
        pytest.param(
            {"name": "A", "business_hours": {"monday": {"enabled": True, "start": "09:00"}}},
            "business_hours.monday.end is required",
            id="end-missing",
        ),
        pytest.param(
            {"name": "A", "business_hours": {"monday": enabled_day("9:00", "17:00")}},
            '"9:00"',
            id="start-one-digit-hour",
        ),
        pytest.param(
            {"name": "A", "business_hours": {"monday": enabled_day("09:00", "24:00")}},
            '"24:00"',
            id="end-hour-24",
        ),
        pytest.param(
            {"name": "A", "business_hours": {"monday": enabled_day("09:60", "17:00")}},
            '"09:60"',
            id="start-minute-60",
        ),
        pytest.param(
            {"name": "A", "business_hours": {"monday": enabled_day("09:00", "5pm")}},
            '"5pm"',
            id="end-12-hour",
        ),
        pytest.param(
            {"name": "A", "business_hours": {"monday": enabled_day("09:00:00", "17:00")}},
            '"09:00:00"',
            id="start-with-seconds",
        ),
        pytest.param(
            {"name": "A", "business_hours": {"monday": enabled_day("17:00", "09:00")}},
            "must start before it ends",
            id="start-after-end",
        ),
        pytest.param(
            {"name": "A", "business_hours": {"monday": enabled_day("09:00", "09:00")}},
            "must start before it ends",
            id="start-equals-end",
        ),
        pytest.param(
            {"name": "A", "business_hours": {"monday": {"enabled": False, "start": "late"}}},
            '"late"',
            id="disabled-bad-start",
        ),
    ],
)
async def test_create_campaign_invalid(
    emulator: Emulator,
    session: aiohttp.ClientSession,
    payload: dict[str, Any],
    message_part: str,
) -> None:
    status, body = await post_campaign(emulator, session, payload)

    assert status == 400
    assert body["error"]["code"] == "invalid_request"
    assert body["error"]["status"] == 400
    assert message_part in body["error"]["message"]
    assert emulator.state.campaigns == {}


async def test_hours_disabled_without_times(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    hours = {"saturday": {"enabled": False}, "sunday": {"enabled": False}}
    status, body = await post_campaign(emulator, session, {"name": "A", "business_hours": hours})

    assert status == 201
    assert body["data"]["business_hours"] == hours


async def test_hours_weekday_order(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    hours = {
        "friday": enabled_day("10:00", "12:00"),
        "monday": enabled_day("00:00", "23:59"),
    }
    _, body = await post_campaign(emulator, session, {"name": "A", "business_hours": hours})

    assert list(body["data"]["business_hours"]) == ["monday", "friday"]


async def test_hours_drop_unknown_day_keys(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    hours = {"monday": {"enabled": True, "start": "09:00", "end": "17:00", "lunch": "12:00"}}
    _, body = await post_campaign(emulator, session, {"name": "A", "business_hours": hours})

    assert body["data"]["business_hours"]["monday"] == enabled_day("09:00", "17:00")


async def test_get_campaign(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    _, created = await post_campaign(emulator, session, FULL_BODY)
    campaign_id = created["data"]["id"]
    async with session.get(f"{emulator.base_url}/campaigns/{campaign_id}") as response:
        body = await response.json()

    assert response.status == 200
    assert body == {"data": created["data"]}


async def test_get_campaign_unknown(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    async with session.get(f"{emulator.base_url}/campaigns/campaign_000000000000") as response:
        body = await response.json()

    assert response.status == 404
    assert body["error"]["code"] == "campaign_not_found"
    assert body["error"]["status"] == 404
    assert "campaign_000000000000" in body["error"]["message"]


async def test_list_campaigns_order(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    created_ids = []
    for name in ("First", "Second", "Third"):
        _, created = await post_campaign(emulator, session, {"name": name})
        created_ids.append(created["data"]["id"])

    async with session.get(f"{emulator.base_url}/campaigns") as response:
        body = await response.json()

    assert response.status == 200
    assert [campaign["id"] for campaign in body["data"]] == created_ids
    assert body["data"][0]["name"] == "First"
    assert body["meta"] == {"total": 3, "page": 1, "per_page": 20}


async def test_campaign_ids_unique(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    for _ in range(20):
        await post_campaign(emulator, session, {"name": "Same name"})

    assert len(emulator.state.campaigns) == 20
