"""Retries, outcome-unknown errors, start reconciliation and rate-limit pauses, on mocks."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timezone
from email.utils import format_datetime

import aiohttp
import pytest
from aioresponses import aioresponses
from fakes import FakeClock
from support import API_KEY, BASE_URL, calls, error_body

from smartalex_async import (
    APIConnectionError,
    APITimeoutError,
    AsyncSmartAlex,
    CampaignStatus,
    OutcomeUnknownError,
    RateLimitError,
    ServerError,
)

CAMPAIGNS = f"{BASE_URL}/campaigns"
CAMPAIGN = f"{BASE_URL}/campaigns/campaign_1"
CONTACTS = f"{BASE_URL}/contacts"
START = f"{BASE_URL}/campaigns/campaign_1/start"
ADD = f"{BASE_URL}/campaigns/campaign_1/contacts"
CAMPAIGN_DATA = {"id": "campaign_1", "name": "N", "status": "draft"}
CONTACT_DATA = {"id": "contact_1", "first_name": "Ada"}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def retrying(clock: FakeClock) -> AsyncIterator[AsyncSmartAlex]:
    client = AsyncSmartAlex(api_key=API_KEY, base_url=BASE_URL, max_retries=3)
    client._transport.clock = clock
    client._transport.limiter.clock = clock
    async with client:
        yield client


async def test_get_retried_after_500(
    retrying: AsyncSmartAlex, mocked: aioresponses, clock: FakeClock
) -> None:
    mocked.get(CAMPAIGN, status=500, payload=error_body("server_error", "Oops.", 500))
    mocked.get(CAMPAIGN, payload={"data": CAMPAIGN_DATA})

    campaign = await retrying.campaigns.get("campaign_1")

    assert campaign.id == "campaign_1"
    assert len(calls(mocked, "GET", CAMPAIGN)) == 2
    assert len(clock.sleeps) == 1


async def test_get_gives_up_after_max_retries(
    retrying: AsyncSmartAlex, mocked: aioresponses, clock: FakeClock
) -> None:
    mocked.get(CAMPAIGN, status=503, payload=error_body("server_error", "Busy.", 503), repeat=True)

    with pytest.raises(ServerError):
        await retrying.campaigns.get("campaign_1")

    assert len(calls(mocked, "GET", CAMPAIGN)) == 4
    assert len(clock.sleeps) == 3
    assert clock.sleeps == sorted(clock.sleeps)


async def test_get_timeout_retried(retrying: AsyncSmartAlex, mocked: aioresponses) -> None:
    mocked.get(CAMPAIGN, exception=asyncio.TimeoutError())
    mocked.get(CAMPAIGN, payload={"data": CAMPAIGN_DATA})

    await retrying.campaigns.get("campaign_1")

    assert len(calls(mocked, "GET", CAMPAIGN)) == 2


async def test_create_500_not_retried(retrying: AsyncSmartAlex, mocked: aioresponses) -> None:
    mocked.post(CONTACTS, status=500, payload=error_body("server_error", "Oops.", 500))

    with pytest.raises(ServerError):
        await retrying.contacts.create(first_name="Ada")

    assert len(calls(mocked, "POST", CONTACTS)) == 1


@pytest.mark.parametrize(
    "failure",
    [
        {"exception": asyncio.TimeoutError()},
        {"exception": aiohttp.ServerDisconnectedError()},
        {"status": 502, "body": "Bad gateway"},
        {"status": 504, "body": "Gateway timeout"},
    ],
)
async def test_create_outcome_unknown(
    retrying: AsyncSmartAlex, mocked: aioresponses, failure: dict[str, object]
) -> None:
    mocked.post(CONTACTS, **failure)  # type: ignore[arg-type]

    with pytest.raises(OutcomeUnknownError) as caught:
        await retrying.contacts.create(first_name="Ada", phone="+14135550132")

    assert len(calls(mocked, "POST", CONTACTS)) == 1
    assert caught.value.method == "POST"
    assert caught.value.path == "/contacts"
    assert caught.value.json_body == {"first_name": "Ada", "phone": "+14135550132"}
    assert caught.value.__cause__ is not None
    assert "+14135550132" not in str(caught.value)


async def test_create_retried_when_not_sent(retrying: AsyncSmartAlex, mocked: aioresponses) -> None:
    mocked.post(CONTACTS, exception=aiohttp.ConnectionTimeoutError())
    mocked.post(CONTACTS, status=201, payload={"data": CONTACT_DATA})

    contact = await retrying.contacts.create(first_name="Ada")

    assert contact.id == "contact_1"
    assert len(calls(mocked, "POST", CONTACTS)) == 2


async def test_create_retried_after_429(
    retrying: AsyncSmartAlex, mocked: aioresponses, clock: FakeClock
) -> None:
    body = error_body("rate_limited", "Slow down.", 429)
    mocked.post(CAMPAIGNS, status=429, payload=body, headers={"Retry-After": "3"})
    mocked.post(CAMPAIGNS, status=201, payload={"data": CAMPAIGN_DATA})

    await retrying.campaigns.create(name="N")

    assert len(calls(mocked, "POST", CAMPAIGNS)) == 2
    assert 3.0 in clock.sleeps


async def test_retry_after_http_date(
    retrying: AsyncSmartAlex, mocked: aioresponses, clock: FakeClock
) -> None:
    moment = datetime.fromtimestamp(clock.now + 42, timezone.utc)
    headers = {"Retry-After": format_datetime(moment, usegmt=True)}
    mocked.get(
        CAMPAIGN, status=429, payload=error_body("rate_limited", "Wait.", 429), headers=headers
    )
    mocked.get(CAMPAIGN, payload={"data": CAMPAIGN_DATA})

    await retrying.campaigns.get("campaign_1")

    assert sum(clock.sleeps) == pytest.approx(42.0)
    assert len(calls(mocked, "GET", CAMPAIGN)) == 2


@pytest.mark.parametrize("header", ["-5", "tomorrow", "Wed, 99 Zzz 2026 25:61:61 GMT"])
async def test_bad_retry_after_uses_backoff(
    retrying: AsyncSmartAlex, mocked: aioresponses, clock: FakeClock, header: str
) -> None:
    body = error_body("server_error", "Busy.", 503)
    mocked.get(CAMPAIGN, status=503, payload=body, headers={"Retry-After": header})
    mocked.get(CAMPAIGN, payload={"data": CAMPAIGN_DATA})

    await retrying.campaigns.get("campaign_1")

    assert len(clock.sleeps) == 1
    assert 0.25 <= clock.sleeps[0] <= 0.5


async def test_429_pauses_other_requests(
    retrying: AsyncSmartAlex, mocked: aioresponses, clock: FakeClock
) -> None:
    body = error_body("rate_limited", "Slow down.", 429)
    mocked.get(CAMPAIGN, status=429, payload=body, headers={"Retry-After": "10"})
    mocked.get(CAMPAIGN, payload={"data": CAMPAIGN_DATA})
    mocked.get(CONTACTS, payload={"data": []})

    await retrying.campaigns.get("campaign_1")
    paused_at = clock.now
    clock.now -= 10  # As if the retry had gone out at once: the pause must still hold.
    await retrying.contacts.list()

    assert clock.now >= paused_at


async def test_rate_limit_exhausted_raises(retrying: AsyncSmartAlex, mocked: aioresponses) -> None:
    body = error_body("rate_limited", "Slow down.", 429)
    mocked.get(CAMPAIGN, status=429, payload=body, headers={"Retry-After": "1"}, repeat=True)

    with pytest.raises(RateLimitError) as caught:
        await retrying.campaigns.get("campaign_1")

    assert caught.value.retry_after == 1.0
    assert len(calls(mocked, "GET", CAMPAIGN)) == 4


async def test_add_contacts_retried(retrying: AsyncSmartAlex, mocked: aioresponses) -> None:
    mocked.post(ADD, exception=asyncio.TimeoutError())
    mocked.post(ADD, status=502, body="Bad gateway")
    mocked.post(ADD, payload={"data": {}})

    result = await retrying.campaigns.add_contacts("campaign_1", ["contact_1"])

    assert result.ok
    assert len(calls(mocked, "POST", ADD)) == 3


async def test_start_reconciled_when_applied(
    retrying: AsyncSmartAlex, mocked: aioresponses
) -> None:
    mocked.post(START, exception=aiohttp.ServerDisconnectedError())
    started = {**CAMPAIGN_DATA, "status": "active", "started_at": "2026-12-04T12:00:00Z"}
    mocked.get(CAMPAIGN, payload={"data": started})

    result = await retrying.campaigns.start("campaign_1")

    assert result.status is CampaignStatus.ACTIVE
    assert len(calls(mocked, "POST", START)) == 1
    assert len(calls(mocked, "GET", CAMPAIGN)) == 1


async def test_start_resent_when_not_applied(
    retrying: AsyncSmartAlex, mocked: aioresponses
) -> None:
    mocked.post(START, exception=asyncio.TimeoutError())
    mocked.get(CAMPAIGN, payload={"data": CAMPAIGN_DATA})
    mocked.post(START, payload={"data": {"id": "campaign_1", "status": "active"}})

    result = await retrying.campaigns.start("campaign_1")

    assert result.status is CampaignStatus.ACTIVE
    assert len(calls(mocked, "POST", START)) == 2
    assert len(calls(mocked, "GET", CAMPAIGN)) == 1


async def test_invalid_url_not_retried(retrying: AsyncSmartAlex, mocked: aioresponses) -> None:
    mocked.get(CAMPAIGN, exception=aiohttp.InvalidURL("bad"))

    with pytest.raises(APIConnectionError):
        await retrying.campaigns.get("campaign_1")

    assert len(calls(mocked, "GET", CAMPAIGN)) == 1


async def test_timeout_error_type(retrying: AsyncSmartAlex, mocked: aioresponses) -> None:
    mocked.get(CAMPAIGN, exception=asyncio.TimeoutError(), repeat=True)

    with pytest.raises(APITimeoutError, match="timed out"):
        await retrying.campaigns.get("campaign_1")
