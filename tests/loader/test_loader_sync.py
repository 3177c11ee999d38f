"""The generated sync facade of the loader: `SmartAlex().campaigns.load_contacts`."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

from smartalex_async import ContactInput, LoadProgress
from smartalex_async.emulator import Emulator
from smartalex_sync import SmartAlex


def people(count: int) -> Iterator[ContactInput]:
    for index in range(count):
        yield ContactInput(first_name=f"Person{index}", phone=f"+1415{index:07d}")


def test_sync_load_contacts(emulator_thread: Emulator, tmp_path: Path) -> None:
    campaign_id = str(emulator_thread.state.create_campaign({"name": "Sync"})["id"])
    events: list[LoadProgress] = []
    callback_threads: set[threading.Thread] = set()

    def on_progress(event: LoadProgress) -> None:
        callback_threads.add(threading.current_thread())
        events.append(event)

    with SmartAlex(api_key=emulator_thread.api_key, base_url=emulator_thread.base_url) as client:
        report = client.campaigns.load_contacts(
            campaign_id, people(250), journal=tmp_path / "journal.sqlite", on_progress=on_progress
        )

    assert report.added == 250
    assert events[-1].report == report
    assert threading.current_thread() not in callback_threads
    assert len(emulator_thread.state.campaign_contacts(campaign_id)) == 250


def test_sync_iter_load_contacts(emulator_thread: Emulator) -> None:
    campaign_id = str(emulator_thread.state.create_campaign({"name": "Sync"})["id"])

    with SmartAlex(api_key=emulator_thread.api_key, base_url=emulator_thread.base_url) as client:
        events = list(client.campaigns.iter_load_contacts(campaign_id, people(120)))

    assert events[-1].report is not None
    assert events[-1].report.added == 120
    assert len(emulator_thread.state.campaign_contacts(campaign_id)) == 120
