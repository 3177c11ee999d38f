"""Unit tests of client.contacts against mocked responses."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from aioresponses import aioresponses
from support import BASE_URL, calls, error_body

from smartalex_async import AsyncSmartAlex, ContactStatus, InvalidParameterError, NotFoundError

CONTACT = {
    "id": "contact_abc123",
    "phone": "+14135550132",
    "first_name": "Jessica",
    "last_name": "Smith",
    "email": "jessica.smith@example.com",
    "company": "Harris and Sons",
    "tags": ["leads"],
    "status": "active",
    "created_at": "2026-01-15T10:30:00Z",
    "updated_at": "2026-01-16T08:00:00Z",
}


async def test_create_sends_given_fields(client: AsyncSmartAlex, mocked: aioresponses) -> None:
    url = f"{BASE_URL}/contacts"
    mocked.post(url, status=201, payload={"data": CONTACT})

    contact = await client.contacts.create(
        first_name="Jessica", last_name="Smith", phone="+14135550132", tags=("leads",)
    )

    sent = calls(mocked, "POST", url)
    assert len(sent) == 1
    assert sent[0].kwargs["json"] == {
        "first_name": "Jessica",
        "last_name": "Smith",
        "phone": "+14135550132",
        "tags": ["leads"],
    }
    assert contact.id == "contact_abc123"
    assert contact.tags == ("leads",)


async def test_create_sends_explicit_null(client: AsyncSmartAlex, mocked: aioresponses) -> None:
    url = f"{BASE_URL}/contacts"
    mocked.post(url, status=201, payload={"data": CONTACT})

    await client.contacts.create(first_name="Jessica", company=None)

    assert calls(mocked, "POST", url)[0].kwargs["json"] == {
        "first_name": "Jessica",
        "company": None,
    }


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"first_name": "  "}, "first_name must be a non-empty string"),
        ({"first_name": "A", "phone": 14135550132}, "phone must be a string or None"),
        ({"first_name": "A", "tags": "vip"}, "tags must be a list of strings"),
        ({"first_name": "A", "tags": ["vip", 3]}, "tags must contain only strings"),
    ],
)
async def test_create_validates_before_sending(
    client: AsyncSmartAlex, mocked: aioresponses, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidParameterError, match=message):
        await client.contacts.create(**kwargs)  # type: ignore[arg-type]

    assert mocked.requests == {}


async def test_get_parses_timestamps(client: AsyncSmartAlex, mocked: aioresponses) -> None:
    url = f"{BASE_URL}/contacts/contact_abc123"
    mocked.get(url, payload={"data": CONTACT})

    contact = await client.contacts.get("contact_abc123")

    assert len(calls(mocked, "GET", url)) == 1
    assert contact.status is ContactStatus.ACTIVE
    assert contact.updated_at == datetime(2026, 1, 16, 8, 0, tzinfo=timezone.utc)


async def test_get_unknown_contact(client: AsyncSmartAlex, mocked: aioresponses) -> None:
    url = f"{BASE_URL}/contacts/contact_missing"
    body = error_body("not_found", "No contact has id 'contact_missing'.", 404)
    mocked.get(url, status=404, payload=body, headers={"X-Request-Id": "req_42"})

    with pytest.raises(NotFoundError) as caught:
        await client.contacts.get("contact_missing")

    assert caught.value.request_id == "req_42"
    assert len(calls(mocked, "GET", url)) == 1


async def test_list_sends_page_query(client: AsyncSmartAlex, mocked: aioresponses) -> None:
    url = f"{BASE_URL}/contacts?per_page=100"
    mocked.get(url, payload={"data": [CONTACT], "meta": {"total": 1, "page": 1, "per_page": 100}})

    page = await client.contacts.list(per_page=100)

    assert len(calls(mocked, "GET", url)) == 1
    assert page.items[0].first_name == "Jessica"


async def test_iter_all_stops_at_short_page(client: AsyncSmartAlex, mocked: aioresponses) -> None:
    url = f"{BASE_URL}/contacts?page=1&per_page=100"
    mocked.get(url, payload={"data": [CONTACT]})

    contacts = [contact async for contact in client.contacts.iter_all()]

    assert len(contacts) == 1
    assert len(calls(mocked, "GET", url)) == 1
