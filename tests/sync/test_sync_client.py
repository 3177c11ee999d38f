"""The sync client against the real emulator on 127.0.0.1, end to end."""

from __future__ import annotations

import asyncio
import gc
import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Generator
from concurrent.futures import ThreadPoolExecutor
from typing import cast

import pytest

from smartalex_async.emulator import Emulator
from smartalex_sync import (
    Campaign,
    CampaignNotFoundError,
    CampaignStatus,
    Contact,
    InvalidParameterError,
    NotFoundError,
    Page,
    SmartAlex,
)
from smartalex_sync._portal import THREAD_NAME

AGENT_ID = "agent_def456"
SUBPROCESS_TIMEOUT_SECONDS = 60.0


def portal_threads() -> set[threading.Thread]:
    return {thread for thread in threading.enumerate() if thread.name == THREAD_NAME}


def create_contacts(client: SmartAlex, count: int) -> list[str]:
    return [
        client.contacts.create(first_name=f"Person {n}", phone=f"+120255501{n:02d}").id
        for n in range(count)
    ]


def test_flow_end_to_end(sync_client: SmartAlex, emulator: Emulator) -> None:
    contact_ids = create_contacts(sync_client, 3)
    campaign = sync_client.campaigns.create(name="January Outreach", agent_id=AGENT_ID)

    added = sync_client.campaigns.add_contacts(campaign.id, contact_ids)
    started = sync_client.campaigns.start(campaign.id)
    page = sync_client.campaigns.list()
    every = list(sync_client.campaigns.iter_all())
    fetched = sync_client.campaigns.get(campaign.id)

    assert campaign.status is CampaignStatus.DRAFT
    assert added.added_ids == tuple(contact_ids)
    assert added.failed_batches == ()
    assert started.status is CampaignStatus.ACTIVE
    assert [item.id for item in page] == [campaign.id]
    assert [item.id for item in every] == [campaign.id]
    assert fetched.started_at is not None
    assert emulator.state.campaign_contacts(campaign.id) == contact_ids


def test_contacts_round_trip(sync_client: SmartAlex) -> None:
    created = sync_client.contacts.create(first_name="Ada", email="ada@example.com")

    fetched = sync_client.contacts.get(created.id)
    listed = sync_client.contacts.list()

    assert fetched == created
    assert isinstance(fetched, Contact)
    assert [contact.id for contact in listed] == [created.id]


def test_iter_all_crosses_pages(sync_client: SmartAlex) -> None:
    contact_ids = create_contacts(sync_client, 5)

    listed = [contact.id for contact in sync_client.contacts.iter_all(per_page=2)]

    assert sorted(listed) == sorted(contact_ids)


def test_iter_all_stops_early(sync_client: SmartAlex) -> None:
    create_contacts(sync_client, 5)
    # The method promises an Iterator; the object is a generator, so it can be closed early.
    iterator = cast("Generator[Contact, None, None]", sync_client.contacts.iter_all(per_page=2))

    first = next(iterator)
    iterator.close()

    assert isinstance(first, Contact)
    assert list(iterator) == []


def test_unknown_campaign_raises(sync_client: SmartAlex) -> None:
    with pytest.raises(CampaignNotFoundError) as caught:
        sync_client.campaigns.get("campaign_missing")

    assert isinstance(caught.value, NotFoundError)
    assert "campaign_missing" in str(caught.value)


def test_invalid_argument_raises(sync_client: SmartAlex) -> None:
    with pytest.raises(InvalidParameterError, match="campaign_id"):
        sync_client.campaigns.get("")


def test_call_inside_running_loop(sync_client: SmartAlex) -> None:
    async def main() -> Page[Campaign]:
        # A blocking call inside a coroutine is what a notebook cell does.
        return sync_client.campaigns.list()

    page = asyncio.run(main())

    assert isinstance(page, Page)


def test_call_from_loop_thread_raises(sync_client: SmartAlex) -> None:
    async def call_back_in() -> Page[Campaign]:
        return sync_client.campaigns.list()

    with pytest.raises(RuntimeError, match="deadlock"):
        sync_client._portal.call(call_back_in())


def test_close_twice(emulator: Emulator) -> None:
    client = SmartAlex(api_key=emulator.api_key, base_url=emulator.base_url)
    client.campaigns.list()

    client.close()
    client.close()

    with pytest.raises(RuntimeError, match="closed"):
        client.campaigns.list()


def test_with_block_stops_thread(emulator: Emulator) -> None:
    before = portal_threads()

    with SmartAlex(api_key=emulator.api_key, base_url=emulator.base_url) as client:
        client.campaigns.list()
        inside = portal_threads() - before

    assert len(inside) == 1
    assert portal_threads() - before == set()


def test_with_block_stops_on_error(emulator: Emulator) -> None:
    before = portal_threads()

    with (
        pytest.raises(CampaignNotFoundError),
        SmartAlex(api_key=emulator.api_key, base_url=emulator.base_url) as client,
    ):
        client.campaigns.get("campaign_missing")

    assert portal_threads() - before == set()


def test_dropped_client_stops_thread(emulator: Emulator) -> None:
    before = portal_threads()
    client = SmartAlex(api_key=emulator.api_key, base_url=emulator.base_url)
    client.campaigns.list()
    (thread,) = portal_threads() - before

    del client
    gc.collect()
    thread.join(10)

    assert not thread.is_alive()


def test_resource_outlives_client(emulator: Emulator) -> None:
    # The resource shares the client's portal, so dropping the client must not close it.
    campaigns = SmartAlex(api_key=emulator.api_key, base_url=emulator.base_url).campaigns
    gc.collect()

    page = campaigns.list()

    assert isinstance(page, Page)
    del campaigns
    gc.collect()


def test_many_threads_one_client(sync_client: SmartAlex) -> None:
    campaign = sync_client.campaigns.create(name="Shared", agent_id=AGENT_ID)

    def fetch_twenty(_: int) -> list[str]:
        return [sync_client.campaigns.get(campaign.id).id for _ in range(20)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = [item for batch in pool.map(fetch_twenty, range(8)) for item in batch]

    assert len(results) == 160
    assert set(results) == {campaign.id}


def test_repr_hides_key(emulator: Emulator) -> None:
    client = SmartAlex(api_key=emulator.api_key, base_url=emulator.base_url)

    text = repr(client)

    assert text.startswith("SmartAlex(base_url=")
    assert emulator.api_key not in text
    assert emulator.api_key not in repr(client.campaigns)
    client.close()


UNCLOSED_SCRIPT = textwrap.dedent(
    """
    from smartalex_sync import SmartAlex

    client = SmartAlex()
    print(len(client.campaigns.list().items))
    """
)


def test_unclosed_client_exits_cleanly(emulator: Emulator) -> None:
    environment = {
        **os.environ,
        "SMARTALEX_API_KEY": emulator.api_key,
        "SMARTALEX_BASE_URL": emulator.base_url,
    }

    result = subprocess.run(
        [sys.executable, "-W", "error", "-X", "dev", "-c", UNCLOSED_SCRIPT],
        env=environment,
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT_SECONDS,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout == "0\n"
    assert result.stderr == ""
