"""Calls through the sync facade from a running event loop, from many threads, and failing.

Each test talks to the emulator on 127.0.0.1, served from a background thread of this process.
"""

from __future__ import annotations

import asyncio
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import smartalex_sync
from smartalex_async import AsyncSmartAlex
from smartalex_async.emulator import Emulator, FaultConfig
from smartalex_sync import (
    APIConnectionError,
    Campaign,
    CampaignNotFoundError,
    OutcomeUnknownError,
    Page,
    ServerError,
    SmartAlex,
)

AGENT_ID = "agent_def456"
MISSING_ID = "campaign_missing"

THREAD_COUNT = 16
CALLS_PER_THREAD = 50
BARRIER_TIMEOUT_SECONDS = 30.0

SYNC_PACKAGE_DIR = Path(smartalex_sync.__file__).resolve().parent
MAX_FACADE_FRAMES = 3


def facade_frames(error: BaseException) -> list[traceback.FrameSummary]:
    """Return the frames of `error`'s traceback that belong to files of smartalex_sync."""
    frames = traceback.extract_tb(error.__traceback__)
    return [
        frame for frame in frames if Path(frame.filename).resolve().is_relative_to(SYNC_PACKAGE_DIR)
    ]


def future_frames(error: BaseException) -> list[traceback.FrameSummary]:
    """Return the frames of `error`'s traceback that belong to concurrent.futures."""
    frames = traceback.extract_tb(error.__traceback__)
    return [frame for frame in frames if "concurrent" in Path(frame.filename).parts]


def async_error(emulator: Emulator, campaign_id: str) -> BaseException:
    """Return the exception that the async client raises for `campaigns.get(campaign_id)`."""

    async def fetch() -> BaseException:
        async with AsyncSmartAlex(api_key=emulator.api_key, base_url=emulator.base_url) as client:
            try:
                await client.campaigns.get(campaign_id)
            except Exception as exc:
                return exc
        raise AssertionError(f"campaigns.get({campaign_id!r}) returned instead of raising.")

    return asyncio.run(fetch())


def test_client_created_inside_loop(emulator: Emulator) -> None:
    async def main() -> Page[Campaign]:
        # A notebook cell does this: it builds and uses a sync client inside a running loop.
        client = SmartAlex(api_key=emulator.api_key, base_url=emulator.base_url)
        try:
            return client.campaigns.list()
        finally:
            client.close()

    page = asyncio.run(main())

    assert isinstance(page, Page)
    assert page.items == ()


def test_threads_share_one_client(sync_client: SmartAlex, emulator: Emulator) -> None:
    barrier = threading.Barrier(THREAD_COUNT)

    def create_and_read(index: int) -> tuple[Campaign, list[Campaign]]:
        # All threads start together, so that their calls overlap on the client's loop.
        barrier.wait(BARRIER_TIMEOUT_SECONDS)
        created = sync_client.campaigns.create(name=f"Thread {index}", agent_id=AGENT_ID)
        fetched = [sync_client.campaigns.get(created.id) for _ in range(CALLS_PER_THREAD - 1)]
        return created, fetched

    with ThreadPoolExecutor(max_workers=THREAD_COUNT) as pool:
        outcomes = list(pool.map(create_and_read, range(THREAD_COUNT)))

    created_ids = {created.id for created, _ in outcomes}
    assert len(created_ids) == THREAD_COUNT
    for index, (created, fetched) in enumerate(outcomes):
        assert created.name == f"Thread {index}"
        assert len(fetched) == CALLS_PER_THREAD - 1
        assert {campaign.id for campaign in fetched} == {created.id}
        assert {campaign.name for campaign in fetched} == {created.name}

    requests = emulator.state.stats.requests
    assert requests["POST /v1/campaigns"] == THREAD_COUNT
    assert requests["GET /v1/campaigns/{campaign_id}"] == THREAD_COUNT * (CALLS_PER_THREAD - 1)


def test_error_keeps_type_and_message(sync_client: SmartAlex, emulator: Emulator) -> None:
    expected = async_error(emulator, MISSING_ID)

    with pytest.raises(CampaignNotFoundError) as caught:
        sync_client.campaigns.get(MISSING_ID)

    assert type(caught.value) is type(expected)
    assert caught.value.args == expected.args
    assert MISSING_ID in str(caught.value)
    assert caught.value.__cause__ is None


def test_error_keeps_cause(emulator: Emulator) -> None:
    # A dropped connection after a create hides whether the campaign exists, so the SDK raises
    # OutcomeUnknownError caused by the connection error, itself caused by aiohttp's error.
    emulator.state.faults = FaultConfig(drop_after_apply_rate=1.0)

    with (
        SmartAlex(api_key=emulator.api_key, base_url=emulator.base_url) as client,
        pytest.raises(OutcomeUnknownError, match="may or may not have taken effect") as caught,
    ):
        client.campaigns.create(name="Dropped", agent_id=AGENT_ID)

    cause = caught.value.__cause__
    assert isinstance(cause, APIConnectionError)
    assert cause.__cause__ is not None
    assert "POST /campaigns" in str(cause)


def test_traceback_of_call(sync_client: SmartAlex) -> None:
    with pytest.raises(CampaignNotFoundError) as caught:
        sync_client.campaigns.get(MISSING_ID)

    frames = facade_frames(caught.value)
    assert len(frames) <= MAX_FACADE_FRAMES, traceback.format_list(frames)
    assert [frame.name for frame in frames] == ["get", "call"]
    assert future_frames(caught.value) == []


def test_traceback_of_iteration(emulator: Emulator) -> None:
    emulator.state.faults = FaultConfig(server_error_rate=1.0)
    client = SmartAlex(api_key=emulator.api_key, base_url=emulator.base_url, max_retries=0)

    with pytest.raises(ServerError) as caught:
        list(client.campaigns.iter_all())
    client.close()

    frames = facade_frames(caught.value)
    assert len(frames) <= MAX_FACADE_FRAMES, traceback.format_list(frames)
    assert future_frames(caught.value) == []


def test_traceback_with_cause(emulator: Emulator) -> None:
    emulator.state.faults = FaultConfig(drop_after_apply_rate=1.0)
    client = SmartAlex(api_key=emulator.api_key, base_url=emulator.base_url)

    with pytest.raises(OutcomeUnknownError) as caught:
        client.campaigns.create(name="Dropped", agent_id=AGENT_ID)
    client.close()

    frames = facade_frames(caught.value)
    assert len(frames) <= MAX_FACADE_FRAMES, traceback.format_list(frames)
    assert future_frames(caught.value) == []
    assert caught.value.__cause__ is not None
    assert facade_frames(caught.value.__cause__) == []
