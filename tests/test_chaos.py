"""The transport against the emulator with injected faults and per-key rate limits."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator

import aiohttp
import pytest
from fakes import FakeClock

from smartalex_async import (
    APITimeoutError,
    AsyncSmartAlex,
    OutcomeUnknownError,
    ServerError,
    SmartAlexError,
)
from smartalex_async.emulator import Emulator, FaultConfig, run_emulator

CHAOS = FaultConfig(
    server_error_rate=0.10,
    rate_limited_rate=0.05,
    drop_after_apply_rate=0.02,
    retry_after_seconds=0,
    seed=20261204,
)


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    async with run_emulator() as server:
        yield server


def fast_client(emulator: Emulator, clock: FakeClock, **options: object) -> AsyncSmartAlex:
    """Return a client whose backoff sleeps take no real time."""
    client = AsyncSmartAlex(
        api_key=emulator.api_key,
        base_url=emulator.base_url,
        **options,  # type: ignore[arg-type]
    )
    client._transport.clock = clock
    client._transport.limiter.clock = clock
    return client


async def test_add_contacts_survives_chaos(emulator: Emulator) -> None:
    contact_ids = [
        emulator.state.create_contact({"first_name": f"Person {n}"})["id"] for n in range(20_000)
    ]
    campaign_id = emulator.state.create_campaign({"name": "Chaos"})["id"]
    emulator.state.faults = CHAOS

    async with fast_client(emulator, FakeClock(), max_retries=8) as client:
        result = await client.campaigns.add_contacts(campaign_id, contact_ids, concurrency=16)

    held = emulator.state.campaign_contacts(campaign_id)
    assert result.failed_batches == ()
    assert result.added_ids == tuple(contact_ids)
    assert len(held) == 20_000
    assert set(held) == set(contact_ids)
    assert emulator.state.stats.faults["drop_after_apply"] > 0
    assert emulator.state.stats.faults["server_error"] > 0
    assert emulator.state.stats.faults["rate_limited"] > 0


async def test_creates_never_duplicate(emulator: Emulator) -> None:
    emulator.state.faults = CHAOS
    created: list[str] = []
    unknown: list[str] = []
    rejected: list[str] = []
    slots = asyncio.Semaphore(16)

    async def create(client: AsyncSmartAlex, name: str) -> None:
        async with slots:
            try:
                await client.contacts.create(first_name=name)
            except OutcomeUnknownError:
                unknown.append(name)
            except ServerError:
                rejected.append(name)
            else:
                created.append(name)

    names = [f"Person {n}" for n in range(1_000)]
    async with fast_client(emulator, FakeClock(), max_retries=8) as client:
        await asyncio.gather(*(create(client, name) for name in names))

    stored = [contact["first_name"] for contact in emulator.state.contacts.values()]
    assert len(stored) == len(set(stored))
    assert len(created) + len(unknown) + len(rejected) == len(names)
    assert set(created) <= set(stored)
    assert set(stored) - set(created) == set(unknown)
    assert not set(rejected) & set(stored)
    assert len(unknown) == emulator.state.stats.faults["drop_after_apply"]
    assert len(unknown) > 0


async def test_stall_times_out_every_attempt(
    emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    emulator.state.faults = FaultConfig(stall_after_headers_rate=1.0)
    caplog.set_level(logging.DEBUG, logger="smartalex.http")
    timeout = aiohttp.ClientTimeout(total=None, sock_read=0.3)

    async with fast_client(emulator, FakeClock(), max_retries=2, timeout=timeout) as client:
        with pytest.raises(APITimeoutError):
            await client.campaigns.list()

    attempts = [
        float(match[1])
        for record in caplog.records
        if (match := re.search(r"-> failed \(attempt \d, (\d+\.\d) ms", record.getMessage()))
    ]
    assert emulator.state.stats.requests["GET /v1/campaigns"] == 3
    assert len(attempts) == 3
    # Loose bounds: each attempt waits about the 300 ms read limit, never the 60 s default.
    assert all(250 <= elapsed_ms < 5_000 for elapsed_ms in attempts)


async def test_stalled_create_is_unknown(emulator: Emulator) -> None:
    emulator.state.faults = FaultConfig(stall_after_headers_rate=1.0)

    async with fast_client(
        emulator, FakeClock(), timeout=aiohttp.ClientTimeout(sock_read=0.3)
    ) as client:
        with pytest.raises(OutcomeUnknownError) as caught:
            await client.contacts.create(first_name="Ada")

    assert isinstance(caught.value.__cause__, APITimeoutError)
    assert emulator.state.stats.requests["POST /v1/contacts"] == 1


async def test_header_budget_avoids_429(emulator: Emulator) -> None:
    clock = FakeClock()
    emulator.state.monotonic = clock.monotonic
    emulator.state.faults = FaultConfig(rate_limit_per_minute=100)
    slots = asyncio.Semaphore(8)

    async def list_campaigns(client: AsyncSmartAlex) -> None:
        async with slots:
            await client.campaigns.list()

    async with fast_client(emulator, clock, max_retries=0) as client:
        await asyncio.gather(*(list_campaigns(client) for _ in range(250)))
        state = client.rate_limit

    assert emulator.state.stats.rate_limited == 0
    assert emulator.state.stats.requests["GET /v1/campaigns"] == 250
    assert clock.now - FakeClock().now >= 120
    assert state is not None
    assert state.limit == 100


async def test_6000_per_minute_no_429(emulator: Emulator) -> None:
    emulator.state.faults = FaultConfig(rate_limit_per_minute=6_000)
    clock = FakeClock()
    slots = asyncio.Semaphore(16)

    async def list_contacts(client: AsyncSmartAlex) -> None:
        async with slots:
            await client.contacts.list()

    async with fast_client(emulator, clock) as client:
        await asyncio.gather(*(list_contacts(client) for _ in range(300)))
        state = client.rate_limit

    assert emulator.state.stats.requests["GET /v1/contacts"] == 300
    assert emulator.state.stats.rate_limited == 0
    # Far below the limit, the limiter must not hold anything back either.
    assert clock.sleeps == []
    assert state is not None
    assert state.remaining == 5_700


async def test_burst_on_new_client_no_429(emulator: Emulator) -> None:
    # The emulator shares the test's loop, so it needs real time to answer the first window.
    clock = FakeClock(settle=0.5)
    emulator.state.monotonic = clock.monotonic
    emulator.state.faults = FaultConfig(rate_limit_per_minute=120)

    async with fast_client(emulator, clock, max_retries=0) as client:
        await asyncio.gather(*(client.campaigns.list() for _ in range(150)))

    assert emulator.state.stats.rate_limited == 0
    assert emulator.state.stats.requests["GET /v1/campaigns"] == 150


def test_errors_are_smartalex_errors() -> None:
    assert issubclass(OutcomeUnknownError, SmartAlexError)
