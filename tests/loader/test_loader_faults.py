"""Loads under injected faults and at the plan's contact cap: no duplicates, no lost rows."""

from __future__ import annotations

import collections
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from fakes import FakeClock

from smartalex_async import AsyncSmartAlex, ContactInput, LoadReport
from smartalex_async.emulator import PLANS, Emulator, FaultConfig, run_emulator
from smartalex_async.loader._journal import Journal, RowState

CHAOS = FaultConfig(
    server_error_rate=0.08,
    unavailable_rate=0.03,
    rate_limited_rate=0.05,
    drop_after_apply_rate=0.04,
    stall_after_headers_rate=0.01,
    retry_after_seconds=0,
    seed=20261205,
)


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    async with run_emulator() as server:
        yield server


def people(count: int) -> Iterator[ContactInput]:
    for index in range(count):
        yield ContactInput(first_name=f"Person{index}", phone=f"+1415{index:07d}")


def fast_client(emulator: Emulator) -> AsyncSmartAlex:
    """Return a client whose backoff sleeps take no real time and whose reads time out fast."""
    client = AsyncSmartAlex(
        api_key=emulator.api_key, base_url=emulator.base_url, timeout=2.0, max_retries=6
    )
    clock = FakeClock()
    client._transport.clock = clock
    client._transport.limiter.clock = clock
    return client


def phone_counts(emulator: Emulator) -> collections.Counter[str]:
    return collections.Counter(
        str(contact["phone"]) for contact in emulator.state.contacts.values()
    )


def journal_states(path: Path) -> collections.Counter[RowState]:
    with Journal.open(path) as journal:
        return collections.Counter(journal.counts)


def assert_accounted(report: LoadReport, total: int) -> None:
    settled = report.added + report.skipped + report.failed + report.unknown + report.pending
    assert report.rows_read == total
    assert settled == total


async def test_faults_never_duplicate(emulator: Emulator, tmp_path: Path) -> None:
    campaign_id = str(emulator.state.create_campaign({"name": "Chaos"})["id"])
    journal = tmp_path / "journal.sqlite"
    emulator.state.faults = CHAOS

    async with fast_client(emulator) as client:
        first = await client.campaigns.load_contacts(
            campaign_id, people(2000), journal=journal, concurrency=16
        )

    assert_accounted(first, 2000)
    assert first.pending == 0
    assert first.failed > 0
    assert emulator.state.stats.faults["drop_after_apply"] > 0
    assert max(phone_counts(emulator).values()) == 1
    assert len(emulator.state.contacts) == first.created
    assert journal_states(journal)[RowState.CREATING] == 0

    emulator.state.faults = FaultConfig()
    async with fast_client(emulator) as client:
        second = await client.campaigns.load_contacts(campaign_id, people(2000), journal=journal)

    held = emulator.state.campaign_contacts(campaign_id)
    assert second.ok
    assert second.added == 2000
    assert max(phone_counts(emulator).values()) == 1
    assert len(emulator.state.contacts) == 2000
    assert sorted(held) == sorted(emulator.state.contacts)


async def test_faults_without_reconcile_leave_unknown(emulator: Emulator, tmp_path: Path) -> None:
    campaign_id = str(emulator.state.create_campaign({"name": "Chaos"})["id"])
    emulator.state.faults = FaultConfig(drop_after_apply_rate=0.1, seed=7)

    async with fast_client(emulator) as client:
        report = await client.campaigns.load_contacts(
            campaign_id, people(500), reconcile=False, concurrency=8
        )

    assert_accounted(report, 500)
    assert report.unknown > 0
    assert report.unknown_row_numbers
    # Every unknown create was applied by the emulator before it dropped the connection,
    # and none was sent again.
    assert len(emulator.state.contacts) == report.created + report.unknown
    assert max(phone_counts(emulator).values()) == 1


async def test_plan_cap_stops_and_resumes(emulator: Emulator, tmp_path: Path) -> None:
    campaign_id = str(emulator.state.create_campaign({"name": "Capped"})["id"])
    journal = tmp_path / "journal.sqlite"
    emulator.state.plan = PLANS["professional"]
    # The plan's 60 requests per minute would make this test take half an hour, and the cap
    # on stored contacts is what it checks.
    emulator.state.faults = FaultConfig()

    async with fast_client(emulator) as client:
        capped = await client.campaigns.load_contacts(
            campaign_id, people(1500), journal=journal, concurrency=16
        )

    assert capped.stop_reason == "contact_limit_reached"
    assert not capped.ok
    assert capped.added == 1000
    assert capped.failed == 0
    assert capped.unknown == 0
    assert capped.rows_read < 1500
    assert capped.pending == capped.rows_read - 1000
    assert capped.message is not None
    assert "Raise the plan's contact cap or delete contacts" in capped.message
    assert str(journal) in capped.message
    assert len(emulator.state.campaign_contacts(campaign_id)) == 1000

    emulator.state.plan = PLANS["dental"]
    emulator.state.faults = FaultConfig()
    async with fast_client(emulator) as client:
        resumed = await client.campaigns.load_contacts(campaign_id, people(1500), journal=journal)

    assert resumed.ok
    assert resumed.added == 1500
    assert resumed.created_this_run == 500
    assert len(emulator.state.contacts) == 1500
    assert len(emulator.state.campaign_contacts(campaign_id)) == 1500
