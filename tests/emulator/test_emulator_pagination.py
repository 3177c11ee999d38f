"""The page and per_page query parameters of the list endpoints."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from smartalex_async.emulator import Emulator


def make_contacts(emulator: Emulator, count: int) -> list[str]:
    return [
        emulator.state.create_contact({"first_name": f"Contact {index}"})["id"]
        for index in range(count)
    ]


async def list_page(
    emulator: Emulator, session: aiohttp.ClientSession, resource: str, query: str
) -> tuple[int, dict[str, Any]]:
    async with session.get(f"{emulator.base_url}/{resource}?{query}") as response:
        return response.status, await response.json()


async def test_page_defaults(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    contact_ids = make_contacts(emulator, 25)
    status, body = await list_page(emulator, session, "contacts", "")

    assert status == 200
    assert body["meta"] == {"total": 25, "page": 1, "per_page": 20}
    assert [contact["id"] for contact in body["data"]] == contact_ids[:20]


async def test_page_second(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    contact_ids = make_contacts(emulator, 25)
    _, body = await list_page(emulator, session, "contacts", "page=2")

    assert body["meta"] == {"total": 25, "page": 2, "per_page": 20}
    assert [contact["id"] for contact in body["data"]] == contact_ids[20:]


async def test_page_custom_size(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    contact_ids = make_contacts(emulator, 7)
    _, body = await list_page(emulator, session, "contacts", "page=3&per_page=3")

    assert body["meta"] == {"total": 7, "page": 3, "per_page": 3}
    assert [contact["id"] for contact in body["data"]] == contact_ids[6:]


async def test_page_past_end(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    make_contacts(emulator, 3)
    status, body = await list_page(emulator, session, "contacts", "page=5")

    assert status == 200
    assert body["data"] == []
    assert body["meta"] == {"total": 3, "page": 5, "per_page": 20}


@pytest.mark.parametrize("per_page", ["1", "100"])
async def test_per_page_bounds_ok(
    emulator: Emulator, session: aiohttp.ClientSession, per_page: str
) -> None:
    make_contacts(emulator, 101)
    status, body = await list_page(emulator, session, "contacts", f"per_page={per_page}")

    assert status == 200
    assert len(body["data"]) == int(per_page)
    assert body["meta"]["per_page"] == int(per_page)
    assert body["meta"]["total"] == 101


async def test_page_campaigns(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    campaign_ids = [
        emulator.state.create_campaign({"name": f"Campaign {index}"})["id"] for index in range(3)
    ]
    _, body = await list_page(emulator, session, "campaigns", "page=2&per_page=2")

    assert body["meta"] == {"total": 3, "page": 2, "per_page": 2}
    assert [campaign["id"] for campaign in body["data"]] == campaign_ids[2:]


@pytest.mark.parametrize("resource", ["campaigns", "contacts"])
@pytest.mark.parametrize(
    ("query", "name"),
    [
        pytest.param("page=0", "page", id="page-zero"),
        pytest.param("page=-1", "page", id="page-negative"),
        pytest.param("page=abc", "page", id="page-text"),
        pytest.param("page=1.5", "page", id="page-decimal"),
        pytest.param("page=", "page", id="page-empty"),
        pytest.param("page=+2", "page", id="page-plus-sign"),
        pytest.param("page=" + "9" * 5000, "page", id="page-5000-digits"),
        pytest.param("per_page=0", "per_page", id="per-page-zero"),
        pytest.param("per_page=101", "per_page", id="per-page-101"),
        pytest.param("per_page=ten", "per_page", id="per-page-text"),
        pytest.param("per_page=%201", "per_page", id="per-page-space"),
    ],
)
async def test_page_invalid(
    emulator: Emulator, session: aiohttp.ClientSession, resource: str, query: str, name: str
) -> None:
    status, body = await list_page(emulator, session, resource, query)

    assert status == 400
    assert body["error"]["code"] == "invalid_request"
    assert body["error"]["status"] == 400
    assert body["error"]["message"].startswith(f"{name} must be an integer")
