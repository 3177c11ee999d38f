"""Creating, reading and listing contacts, and the validation of the create body."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

import aiohttp
import pytest

from smartalex_async.emulator import Emulator

CONTACT_FIELDS = {
    "id",
    "phone",
    "first_name",
    "last_name",
    "email",
    "company",
    "tags",
    "status",
    "created_at",
    "updated_at",
}


async def post_contact(
    emulator: Emulator, session: aiohttp.ClientSession, payload: object
) -> tuple[int, dict[str, Any]]:
    async with session.post(f"{emulator.base_url}/contacts", json=payload) as response:
        return response.status, await response.json()


async def test_create_contact_full(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    payload = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "phone": "+442071838750",
        "email": "ada@example.com",
        "company": "Analytical Engines Ltd",
        "tags": ["vip", "london"],
    }
    status, body = await post_contact(emulator, session, payload)
    contact = body["data"]

    assert status == 201
    assert set(contact) == CONTACT_FIELDS
    assert re.fullmatch(r"contact_[0-9a-f]{12}", contact["id"])
    assert contact["first_name"] == "Ada"
    assert contact["last_name"] == "Lovelace"
    assert contact["phone"] == "+442071838750"
    assert contact["email"] == "ada@example.com"
    assert contact["company"] == "Analytical Engines Ltd"
    assert contact["tags"] == ["vip", "london"]
    assert contact["status"] == "active"
    assert contact["created_at"] == "2026-01-15T10:30:00Z"
    assert contact["updated_at"] == "2026-01-15T10:30:00Z"


async def test_create_contact_defaults(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    status, body = await post_contact(emulator, session, {"first_name": "Ada"})
    contact = body["data"]

    assert status == 201
    assert contact["last_name"] is None
    assert contact["phone"] is None
    assert contact["email"] is None
    assert contact["company"] is None
    assert contact["tags"] == []


async def test_create_contact_nulls(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    payload = {"first_name": "Ada", "company": None, "email": None}
    status, body = await post_contact(emulator, session, payload)

    assert status == 201
    assert body["data"]["company"] is None
    assert body["data"]["tags"] == []
    assert body["data"]["email"] is None


async def test_create_contact_null_tags(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    status, body = await post_contact(emulator, session, {"first_name": "Ada", "tags": None})

    assert status == 400
    assert body["error"]["code"] == "invalid_request"
    assert "tags" in body["error"]["message"]


async def test_create_contact_blank_name(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    status, body = await post_contact(emulator, session, {"first_name": " \f"})

    assert status == 400
    assert "first_name" in body["error"]["message"]


async def test_create_contact_stored(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    _, body = await post_contact(emulator, session, {"first_name": "Ada"})

    assert emulator.state.contacts[body["data"]["id"]] == body["data"]


async def test_contact_uses_clock(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    # A clock in another zone with microseconds still gives UTC at seconds precision.
    utc_plus_one = timezone(timedelta(hours=1))
    emulator.state.clock = lambda: datetime(2026, 3, 1, 9, 15, 42, 987654, tzinfo=utc_plus_one)
    _, body = await post_contact(emulator, session, {"first_name": "Ada"})

    assert body["data"]["created_at"] == "2026-03-01T08:15:42Z"


@pytest.mark.parametrize(
    ("payload", "message_part"),
    [
        pytest.param({}, "first_name is required", id="first-name-missing"),
        pytest.param({"first_name": ""}, "first_name must be a non-empty string", id="empty"),
        pytest.param({"first_name": None}, "got null", id="first-name-null"),
        pytest.param({"first_name": 1}, "got 1", id="first-name-number"),
        pytest.param({"first_name": "A", "last_name": 2}, "last_name", id="last-name-number"),
        pytest.param({"first_name": "A", "phone": 4915112345678}, "phone", id="phone-number"),
        pytest.param({"first_name": "A", "email": ["a@b.c"]}, "email", id="email-list"),
        pytest.param({"first_name": "A", "company": {"n": 1}}, "company", id="company-object"),
        pytest.param({"first_name": "A", "tags": "vip"}, "tags must be a list", id="tags-string"),
        pytest.param({"first_name": "A", "tags": ["vip", 3]}, "tags[1]", id="tags-number-item"),
    ],
)
async def test_create_contact_invalid(
    emulator: Emulator,
    session: aiohttp.ClientSession,
    payload: dict[str, Any],
    message_part: str,
) -> None:
    status, body = await post_contact(emulator, session, payload)

    assert status == 400
    assert body["error"]["code"] == "invalid_request"
    assert body["error"]["status"] == 400
    assert message_part in body["error"]["message"]
    assert emulator.state.contacts == {}


async def test_get_contact(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    _, created = await post_contact(emulator, session, {"first_name": "Ada"})
    contact_id = created["data"]["id"]
    async with session.get(f"{emulator.base_url}/contacts/{contact_id}") as response:
        body = await response.json()

    assert response.status == 200
    assert body == {"data": created["data"]}


async def test_get_contact_unknown(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    async with session.get(f"{emulator.base_url}/contacts/contact_missing") as response:
        body = await response.json()

    assert response.status == 404
    assert body["error"]["code"] == "not_found"
    assert body["error"]["status"] == 404
    assert "contact_missing" in body["error"]["message"]


async def test_list_contacts_order(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    created_ids = []
    for first_name in ("Ada", "Grace", "Edsger"):
        _, created = await post_contact(emulator, session, {"first_name": first_name})
        created_ids.append(created["data"]["id"])

    async with session.get(f"{emulator.base_url}/contacts") as response:
        body = await response.json()

    assert response.status == 200
    assert [contact["id"] for contact in body["data"]] == created_ids
    assert body["meta"] == {"total": 3, "page": 1, "per_page": 20}
