"""100,000 generated rows into the in-process emulator: every one created once and added.

It took 154 s on a 2-core VM (about 650 rows per second), because the client and the emulator
share one event loop and one core. Set SMARTALEX_SKIP_SLOW=1 to skip it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from smartalex_async import AsyncSmartAlex, ContactInput
from smartalex_async.emulator import run_emulator

ROWS = 100_000

pytestmark = pytest.mark.skipif(
    os.environ.get("SMARTALEX_SKIP_SLOW") == "1", reason="SMARTALEX_SKIP_SLOW=1 skips slow tests"
)


def generated_rows() -> Iterator[ContactInput]:
    for index in range(ROWS):
        yield ContactInput(
            first_name=f"Person{index}",
            last_name="Example",
            phone=f"+1415{index:07d}",
            email=f"person{index}@example.com",
            row_number=index + 2,
        )


async def test_hundred_thousand_rows_load(tmp_path: Path) -> None:
    async with run_emulator() as emulator:
        campaign_id = str(emulator.state.create_campaign({"name": "Volume"})["id"])

        async with AsyncSmartAlex(api_key=emulator.api_key, base_url=emulator.base_url) as client:
            report = await client.campaigns.load_contacts(
                campaign_id,
                generated_rows(),
                journal=tmp_path / "journal.sqlite",
                concurrency=32,
                expected_rows=ROWS,
            )

        held = emulator.state.campaign_contacts(campaign_id)
        phones = {contact["phone"] for contact in emulator.state.contacts.values()}
        assert report.ok
        assert report.rows_read == ROWS
        assert report.added == ROWS
        assert len(emulator.state.contacts) == ROWS
        assert len(phones) == ROWS
        assert len(held) == ROWS
        assert set(held) == set(emulator.state.contacts)
        assert emulator.state.stats.requests["POST /v1/contacts"] == ROWS
        assert emulator.state.stats.requests["POST /v1/campaigns/{campaign_id}/contacts"] == 1000
