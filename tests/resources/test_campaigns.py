"""Unit tests of client.campaigns against mocked responses."""

from __future__ import annotations

import json
from datetime import datetime, time, timezone

import pytest
from aioresponses import aioresponses
from support import BASE_URL, calls, error_body

from smartalex_async import (
    AsyncSmartAlex,
    BadRequestError,
    BusinessHours,
    CampaignStatus,
    DayHours,
    InvalidParameterError,
    NoContactsError,
)

CAMPAIGN = {
    "id": "campaign_abc123",
    "name": "January Outreach",
    "description": "Q1 lead generation campaign",
    "objective": "Schedule appointments with qualified leads",
    "agent_id": "agent_def456",
    "phone_number_id": "phone_xyz789",
    "campaign_mode": "outbound",
    "status": "active",
    "timezone": "America/New_York",
    "business_hours": {
        "monday": {"enabled": True, "start": "09:00", "end": "17:00"},
        "saturday": {"enabled": False},
    },
    "created_at": "2026-01-15T10:30:00Z",
    "started_at": "2026-01-15T11:00:00Z",
}


async def test_list_sends_page_query(client: AsyncSmartAlex, mocked: aioresponses) -> None:
    url = f"{BASE_URL}/campaigns?page=2&per_page=5"
    body = {"data": [CAMPAIGN], "meta": {"total": 6, "page": 2, "per_page": 5}}
    mocked.get(url, payload=body)

    page = await client.campaigns.list(page=2, per_page=5)

    assert len(calls(mocked, "GET", url)) == 1
    assert [campaign.id for campaign in page] == ["campaign_abc123"]
    assert (page.total, page.page, page.per_page) == (6, 2, 5)


async def test_list_without_meta(client: AsyncSmartAlex, mocked: aioresponses) -> None:
    url = f"{BASE_URL}/campaigns"
    summary = {key: CAMPAIGN[key] for key in ("id", "name", "agent_id", "status", "objective")}
    mocked.get(url, payload={"data": [summary]})

    page = await client.campaigns.list()

    assert len(calls(mocked, "GET", url)) == 1
    assert page.total is None
    assert page.items[0].business_hours is None


async def test_list_rejects_per_page_over_100(client: AsyncSmartAlex, mocked: aioresponses) -> None:
    with pytest.raises(InvalidParameterError, match="per_page must be an integer from 1 to 100"):
        await client.campaigns.list(per_page=101)

    assert mocked.requests == {}


async def test_iter_all_follows_pages(client: AsyncSmartAlex, mocked: aioresponses) -> None:
    first = f"{BASE_URL}/campaigns?page=1&per_page=2"
    second = f"{BASE_URL}/campaigns?page=2&per_page=2"
    items = [{**CAMPAIGN, "id": f"campaign_{n}"} for n in range(3)]
    mocked.get(first, payload={"data": items[:2], "meta": {"total": 3, "page": 1, "per_page": 2}})
    mocked.get(second, payload={"data": items[2:], "meta": {"total": 3, "page": 2, "per_page": 2}})

    ids = [campaign.id async for campaign in client.campaigns.iter_all(per_page=2)]

    assert ids == ["campaign_0", "campaign_1", "campaign_2"]
    assert len(calls(mocked, "GET", first)) == 1
    assert len(calls(mocked, "GET", second)) == 1


async def test_get_parses_every_field(client: AsyncSmartAlex, mocked: aioresponses) -> None:
    url = f"{BASE_URL}/campaigns/campaign_abc123"
    mocked.get(url, payload={"data": CAMPAIGN})

    campaign = await client.campaigns.get("campaign_abc123")

    assert len(calls(mocked, "GET", url)) == 1
    assert campaign.status is CampaignStatus.ACTIVE
    assert campaign.created_at == datetime(2026, 1, 15, 10, 30, tzinfo=timezone.utc)
    assert campaign.business_hours is not None
    assert campaign.business_hours.monday == DayHours(True, time(9, 0), time(17, 0))
    assert campaign.business_hours.saturday == DayHours(False)


async def test_get_keeps_unknown_status(client: AsyncSmartAlex, mocked: aioresponses) -> None:
    url = f"{BASE_URL}/campaigns/campaign_abc123"
    mocked.get(url, payload={"data": {**CAMPAIGN, "status": "archived"}})

    campaign = await client.campaigns.get("campaign_abc123")

    assert campaign.status == "archived"
    assert not isinstance(campaign.status, CampaignStatus)


async def test_get_keeps_unknown_field(client: AsyncSmartAlex, mocked: aioresponses) -> None:
    url = f"{BASE_URL}/campaigns/campaign_abc123"
    mocked.get(url, payload={"data": {**CAMPAIGN, "voicemail_policy": {"leave": True}}})

    campaign = await client.campaigns.get("campaign_abc123")

    assert campaign.extra == {"voicemail_policy": {"leave": True}}


async def test_get_rejects_empty_id(client: AsyncSmartAlex, mocked: aioresponses) -> None:
    with pytest.raises(InvalidParameterError, match="campaign_id must be a non-empty string"):
        await client.campaigns.get("")

    assert mocked.requests == {}


async def test_create_sends_given_fields(client: AsyncSmartAlex, mocked: aioresponses) -> None:
    url = f"{BASE_URL}/campaigns"
    mocked.post(url, status=201, payload={"data": {**CAMPAIGN, "status": "draft"}})
    hours = BusinessHours(monday=DayHours(True, time(10, 0), time(16, 0)))

    campaign = await client.campaigns.create(
        name="February Outreach",
        agent_id="agent_def456",
        timezone="America/New_York",
        business_hours=hours,
    )

    sent = calls(mocked, "POST", url)
    assert len(sent) == 1
    assert sent[0].kwargs["json"] == {
        "name": "February Outreach",
        "agent_id": "agent_def456",
        "timezone": "America/New_York",
        "business_hours": {"monday": {"enabled": True, "start": "10:00", "end": "16:00"}},
    }
    assert campaign.status is CampaignStatus.DRAFT


async def test_create_accepts_hours_dict(client: AsyncSmartAlex, mocked: aioresponses) -> None:
    url = f"{BASE_URL}/campaigns"
    mocked.post(url, status=201, payload={"data": CAMPAIGN})
    hours = {"friday": {"enabled": True, "start": "09:00", "end": "12:30"}}

    await client.campaigns.create(name="Fridays", business_hours=hours)

    sent = calls(mocked, "POST", url)
    assert sent[0].kwargs["json"]["business_hours"] == hours


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": ""}, "name must be a non-empty string"),
        ({"name": "x", "timezone": "Mars/Olympus"}, "'Mars/Olympus' is not a known IANA"),
        ({"name": "x", "agent_id": ""}, "agent_id must be a non-empty string id"),
        ({"name": "x", "business_hours": {"mondy": {"enabled": False}}}, "mondy"),
        (
            {"name": "x", "business_hours": {"monday": {"enabled": True, "start": "9:00"}}},
            r"business_hours\.monday\.start",
        ),
        (
            {
                "name": "x",
                "business_hours": {"monday": {"enabled": True, "start": "17:00", "end": "09:00"}},
            },
            "start time must be before its end time",
        ),
        (
            {"name": "x", "business_hours": {"monday": {"enabled": True, "start": "24:00"}}},
            "24:00",
        ),
    ],
)
async def test_create_validates_before_sending(
    client: AsyncSmartAlex, mocked: aioresponses, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidParameterError, match=message):
        await client.campaigns.create(**kwargs)  # type: ignore[arg-type]

    assert mocked.requests == {}


async def test_add_contacts_batches_of_100(client: AsyncSmartAlex, mocked: aioresponses) -> None:
    url = f"{BASE_URL}/campaigns/campaign_abc123/contacts"
    mocked.post(url, payload={"data": {}}, repeat=True)
    ids = [f"contact_{n}" for n in range(250)]

    result = await client.campaigns.add_contacts("campaign_abc123", ids, concurrency=1)

    sent = calls(mocked, "POST", url)
    assert len(sent) == 3
    assert [len(call.kwargs["json"]["contact_ids"]) for call in sent] == [100, 100, 50]
    assert result.added_ids == tuple(ids)
    assert result.ok


async def test_add_contacts_drops_duplicates(client: AsyncSmartAlex, mocked: aioresponses) -> None:
    url = f"{BASE_URL}/campaigns/campaign_abc123/contacts"
    mocked.post(url, body="", repeat=True)

    result = await client.campaigns.add_contacts("campaign_abc123", ["b", "a", "b", "c", "a"])

    sent = calls(mocked, "POST", url)
    assert len(sent) == 1
    assert sent[0].kwargs["json"] == {"contact_ids": ["b", "a", "c"]}
    assert result.duplicates_dropped == 2


async def test_add_contacts_reports_failed_batch(
    client: AsyncSmartAlex, mocked: aioresponses
) -> None:
    url = f"{BASE_URL}/campaigns/campaign_abc123/contacts"
    mocked.post(url, payload={"data": {}})
    mocked.post(url, status=400, payload=error_body("invalid_request", "Bad batch.", 400))
    mocked.post(url, payload={"data": {}})
    ids = [f"contact_{n}" for n in range(250)]

    result = await client.campaigns.add_contacts("campaign_abc123", ids, concurrency=1)

    assert len(calls(mocked, "POST", url)) == 3
    assert result.added_ids == tuple(ids[:100] + ids[200:])
    assert len(result.failed_batches) == 1
    assert result.failed_batches[0].contact_ids == tuple(ids[100:200])
    assert isinstance(result.failed_batches[0].error, BadRequestError)


@pytest.mark.parametrize(
    "ids",
    [[], "contact_1", ["ok", ""], ["ok", " \t"], ["ok", 7], ["ok", None], ["ok", ["nested"]]],
)
async def test_add_contacts_validates_ids(
    client: AsyncSmartAlex, mocked: aioresponses, ids: object
) -> None:
    with pytest.raises(InvalidParameterError, match="contact"):
        await client.campaigns.add_contacts("campaign_abc123", ids)  # type: ignore[arg-type]

    assert mocked.requests == {}


async def test_add_contacts_body_is_not_read(client: AsyncSmartAlex, mocked: aioresponses) -> None:
    url = f"{BASE_URL}/campaigns/campaign_abc123/contacts"
    mocked.post(url, payload=["unexpected", "shape"])

    result = await client.campaigns.add_contacts("campaign_abc123", ["contact_1"])

    assert result.added_ids == ("contact_1",)


async def test_start_returns_state(client: AsyncSmartAlex, mocked: aioresponses) -> None:
    url = f"{BASE_URL}/campaigns/campaign_abc123/start"
    data = {"id": "campaign_abc123", "status": "active", "started_at": "2026-04-28T10:00:00Z"}
    mocked.post(url, payload={"data": data})

    result = await client.campaigns.start("campaign_abc123")

    sent = calls(mocked, "POST", url)
    assert len(sent) == 1
    assert sent[0].kwargs["json"] is None
    assert result.status is CampaignStatus.ACTIVE
    assert result.started_at == datetime(2026, 4, 28, 10, 0, tzinfo=timezone.utc)


async def test_start_without_contacts(client: AsyncSmartAlex, mocked: aioresponses) -> None:
    url = f"{BASE_URL}/campaigns/campaign_abc123/start"
    body = error_body("no_contacts", "Campaign has no contacts to call.", 400)
    mocked.post(url, status=400, payload=body)

    with pytest.raises(NoContactsError) as caught:
        await client.campaigns.start("campaign_abc123")

    assert caught.value.code == "no_contacts"
    assert len(calls(mocked, "POST", url)) == 1


def test_create_body_is_json_serializable() -> None:
    hours = BusinessHours(sunday=DayHours(False))
    from smartalex_async._converters import unstructure_business_hours

    assert json.loads(json.dumps(unstructure_business_hours(hours))) == {
        "sunday": {"enabled": False}
    }
