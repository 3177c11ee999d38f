"""POST /v1/campaigns/{id}/contacts: batch size, atomic rejection and idempotent adds."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from smartalex_async.emulator import Emulator, EmulatorState


def make_contacts(emulator: Emulator, count: int) -> list[str]:
    return [
        emulator.state.create_contact({"first_name": f"Contact {index}"})["id"]
        for index in range(count)
    ]


def make_campaign(emulator: Emulator) -> str:
    campaign_id: str = emulator.state.create_campaign({"name": "Spring outreach"})["id"]
    return campaign_id


async def add_contacts(
    emulator: Emulator, session: aiohttp.ClientSession, campaign_id: str, payload: object
) -> tuple[int, dict[str, Any]]:
    url = f"{emulator.base_url}/campaigns/{campaign_id}/contacts"
    async with session.post(url, json=payload) as response:
        return response.status, await response.json()


async def test_add_contacts(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    campaign_id = make_campaign(emulator)
    contact_ids = make_contacts(emulator, 3)
    status, body = await add_contacts(emulator, session, campaign_id, {"contact_ids": contact_ids})

    assert status == 200
    assert body == {"data": {"campaign_id": campaign_id, "added": 3, "total_contacts": 3}}
    assert emulator.state.campaign_contacts(campaign_id) == contact_ids


async def test_add_contacts_idempotent(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    campaign_id = make_campaign(emulator)
    contact_ids = make_contacts(emulator, 2)
    await add_contacts(emulator, session, campaign_id, {"contact_ids": contact_ids})
    status, body = await add_contacts(emulator, session, campaign_id, {"contact_ids": contact_ids})

    assert status == 200
    assert body["data"]["added"] == 0
    assert body["data"]["total_contacts"] == 2
    assert emulator.state.campaign_contacts(campaign_id) == contact_ids


async def test_add_contacts_partial_overlap(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    campaign_id = make_campaign(emulator)
    first, second, third = make_contacts(emulator, 3)
    await add_contacts(emulator, session, campaign_id, {"contact_ids": [second]})
    payload = {"contact_ids": [third, second, first]}
    _, body = await add_contacts(emulator, session, campaign_id, payload)

    assert body["data"]["added"] == 2
    assert body["data"]["total_contacts"] == 3
    assert emulator.state.campaign_contacts(campaign_id) == [second, third, first]


async def test_add_contacts_duplicate_ids(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    campaign_id = make_campaign(emulator)
    [contact_id] = make_contacts(emulator, 1)
    payload = {"contact_ids": [contact_id, contact_id]}
    _, body = await add_contacts(emulator, session, campaign_id, payload)

    assert body["data"]["added"] == 1
    assert body["data"]["total_contacts"] == 1


async def test_add_contacts_max_batch(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    campaign_id = make_campaign(emulator)
    contact_ids = make_contacts(emulator, 100)
    status, body = await add_contacts(emulator, session, campaign_id, {"contact_ids": contact_ids})

    assert status == 200
    assert body["data"]["added"] == 100


async def test_add_contacts_unknown_id(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    campaign_id = make_campaign(emulator)
    known = make_contacts(emulator, 2)
    payload = {"contact_ids": [known[0], "contact_missing1", known[1], "contact_missing2"]}
    status, body = await add_contacts(emulator, session, campaign_id, payload)

    assert status == 404
    assert body["error"]["code"] == "not_found"
    assert body["error"]["status"] == 404
    assert "contact_missing1" in body["error"]["message"]
    assert "contact_missing2" not in body["error"]["message"]
    assert emulator.state.campaign_contacts(campaign_id) == []


async def test_add_contacts_unknown_keeps_existing(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    campaign_id = make_campaign(emulator)
    first, second = make_contacts(emulator, 2)
    await add_contacts(emulator, session, campaign_id, {"contact_ids": [first]})
    payload = {"contact_ids": [second, "contact_missing"]}
    status, _ = await add_contacts(emulator, session, campaign_id, payload)

    assert status == 404
    assert emulator.state.campaign_contacts(campaign_id) == [first]


@pytest.mark.parametrize(
    ("payload", "message_part"),
    [
        pytest.param({}, "contact_ids is required", id="missing"),
        pytest.param({"contact_ids": None}, "got null", id="null"),
        pytest.param({"contact_ids": "contact_1"}, "must be a list", id="string"),
        pytest.param({"contact_ids": []}, "1 to 100 ids per request; got 0.", id="empty"),
        pytest.param(
            {"contact_ids": [f"contact_{index}" for index in range(101)]},
            "1 to 100 ids per request; got 101.",
            id="too-many",
        ),
        pytest.param({"contact_ids": [""]}, "contact_ids[0] must be a non-empty", id="empty-id"),
        pytest.param({"contact_ids": ["contact_1", 5]}, "contact_ids[1]", id="number-id"),
        pytest.param({"contact_ids": [None]}, "contact_ids[0]", id="null-id"),
    ],
)
async def test_add_contacts_invalid(
    emulator: Emulator, session: aiohttp.ClientSession, payload: object, message_part: str
) -> None:
    campaign_id = make_campaign(emulator)
    status, body = await add_contacts(emulator, session, campaign_id, payload)

    assert status == 400
    assert body["error"]["code"] == "invalid_request"
    assert body["error"]["status"] == 400
    assert message_part in body["error"]["message"]
    assert emulator.state.campaign_contacts(campaign_id) == []


@pytest.mark.parametrize("status_name", ["completed", "cancelled"])
async def test_add_contacts_closed_campaign(
    emulator: Emulator, session: aiohttp.ClientSession, status_name: str
) -> None:
    campaign_id = make_campaign(emulator)
    emulator.state.campaigns[campaign_id]["status"] = status_name
    contact_ids = make_contacts(emulator, 1)
    status, body = await add_contacts(emulator, session, campaign_id, {"contact_ids": contact_ids})

    assert status == 400
    assert body["error"]["code"] == "invalid_request"
    assert status_name in body["error"]["message"]
    assert emulator.state.campaign_contacts(campaign_id) == []


async def test_add_contacts_active_campaign(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    campaign_id = make_campaign(emulator)
    emulator.state.campaigns[campaign_id]["status"] = "active"
    contact_ids = make_contacts(emulator, 1)
    status, body = await add_contacts(emulator, session, campaign_id, {"contact_ids": contact_ids})

    assert status == 200
    assert body["data"]["added"] == 1


async def test_add_contacts_unknown_campaign(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    contact_ids = make_contacts(emulator, 1)
    payload = {"contact_ids": contact_ids}
    status, body = await add_contacts(emulator, session, "campaign_missing", payload)

    assert status == 404
    assert body["error"]["code"] == "campaign_not_found"
    assert "campaign_missing" in body["error"]["message"]


def test_campaign_contacts_unknown_campaign() -> None:
    with pytest.raises(KeyError):
        EmulatorState().campaign_contacts("campaign_missing")
