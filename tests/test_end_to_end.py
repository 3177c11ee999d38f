"""The async client against the real emulator on 127.0.0.1, end to end."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timezone

import pytest

from smartalex_async import (
    AgentNotFoundError,
    AsyncSmartAlex,
    AuthenticationError,
    CampaignNotFoundError,
    CampaignStatus,
    NoContactsError,
    NotFoundError,
)
from smartalex_async.emulator import Emulator, SimulatedClock, run_emulator


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    async with run_emulator() as server:
        yield server


@pytest.fixture
async def live_client(emulator: Emulator) -> AsyncIterator[AsyncSmartAlex]:
    async with AsyncSmartAlex(api_key=emulator.api_key, base_url=emulator.base_url) as client:
        yield client


async def create_contacts(client: AsyncSmartAlex, count: int) -> list[str]:
    ids = []
    for number in range(count):
        contact = await client.contacts.create(
            first_name=f"Person {number}", phone=f"+1202555{number % 100:02d}{number // 100:02d}"
        )
        ids.append(contact.id)
    return ids


async def test_flow_creates_and_starts(live_client: AsyncSmartAlex, emulator: Emulator) -> None:
    # Monday 10:00 in New York, inside the campaign's window, so the start makes it active.
    emulator.state.clock = SimulatedClock.frozen_at(datetime(2026, 3, 16, 14, tzinfo=timezone.utc))
    contact_ids = await create_contacts(live_client, 3)
    campaign = await live_client.campaigns.create(
        name="January Outreach",
        agent_id="agent_def456",
        timezone="America/New_York",
        business_hours={"monday": {"enabled": True, "start": "09:00", "end": "17:00"}},
    )

    added = await live_client.campaigns.add_contacts(campaign.id, contact_ids)
    started = await live_client.campaigns.start(campaign.id)
    fetched = await live_client.campaigns.get(campaign.id)

    assert campaign.status is CampaignStatus.DRAFT
    assert added.added_ids == tuple(contact_ids)
    assert started.status is CampaignStatus.ACTIVE
    assert fetched.started_at is not None
    assert emulator.state.campaign_contacts(campaign.id) == contact_ids


async def test_iter_all_reads_every_page(live_client: AsyncSmartAlex) -> None:
    contact_ids = await create_contacts(live_client, 25)

    seen = [contact.id async for contact in live_client.contacts.iter_all(per_page=10)]

    assert seen == contact_ids


async def test_add_contacts_one_batch_rejected(
    live_client: AsyncSmartAlex, emulator: Emulator
) -> None:
    contact_ids = await create_contacts(live_client, 249)
    ids = [*contact_ids[:150], "contact_does_not_exist", *contact_ids[150:]]
    campaign = await live_client.campaigns.create(name="Partly rejected")

    result = await live_client.campaigns.add_contacts(campaign.id, ids, concurrency=3)

    assert result.added_ids == tuple(ids[:100] + ids[200:])
    assert len(result.failed_batches) == 1
    assert result.failed_batches[0].contact_ids == tuple(ids[100:200])
    assert isinstance(result.failed_batches[0].error, NotFoundError)
    assert "contact_does_not_exist" in str(result.failed_batches[0].error)
    assert emulator.state.campaign_contacts(campaign.id) == ids[:100] + ids[200:]


async def test_start_without_contacts(live_client: AsyncSmartAlex) -> None:
    campaign = await live_client.campaigns.create(name="Empty")

    with pytest.raises(NoContactsError):
        await live_client.campaigns.start(campaign.id)


async def test_unknown_campaign(live_client: AsyncSmartAlex) -> None:
    with pytest.raises(CampaignNotFoundError):
        await live_client.campaigns.get("campaign_missing")


async def test_unknown_agent(live_client: AsyncSmartAlex) -> None:
    with pytest.raises(AgentNotFoundError):
        await live_client.campaigns.create(name="No agent", agent_id="agent_missing")


async def test_wrong_key(emulator: Emulator) -> None:
    async with AsyncSmartAlex(api_key="sk_wrong", base_url=emulator.base_url) as client:
        with pytest.raises(AuthenticationError):
            await client.campaigns.list()


async def test_start_outside_hours_schedules(
    live_client: AsyncSmartAlex, emulator: Emulator
) -> None:
    # Sunday noon in New York: the Monday-only window is closed.
    emulator.state.clock = SimulatedClock.frozen_at(datetime(2026, 3, 15, 16, tzinfo=timezone.utc))
    contact_ids = await create_contacts(live_client, 1)
    campaign = await live_client.campaigns.create(
        name="Weekdays",
        timezone="America/New_York",
        business_hours={"monday": {"enabled": True, "start": "09:00", "end": "17:00"}},
    )
    await live_client.campaigns.add_contacts(campaign.id, contact_ids)

    started = await live_client.campaigns.start(campaign.id)
    fetched = await live_client.campaigns.get(campaign.id)

    assert started.status is CampaignStatus.SCHEDULED
    assert fetched.next_opening(datetime(2026, 3, 15, 16, tzinfo=timezone.utc)) == datetime(
        2026, 3, 16, 13, tzinfo=timezone.utc
    )
