"""`campaigns.load_contacts` against the in-process emulator: outcomes, order, bounds."""

from __future__ import annotations

import asyncio
import csv
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import aiohttp
import pytest

from smartalex_async import (
    AsyncSmartAlex,
    CampaignNotFoundError,
    ContactInput,
    InvalidParameterError,
    LoadPhase,
    LoadProgress,
    RowOutcome,
)
from smartalex_async.emulator import Emulator, FaultConfig, run_emulator
from smartalex_async.loader._source import CHUNK_SIZE


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    async with run_emulator() as server:
        yield server


def people(count: int, *, start: int = 0) -> Iterator[ContactInput]:
    """Yield `count` valid rows with distinct phones, numbered from 1."""
    for index in range(start, start + count):
        yield ContactInput(
            first_name=f"Person{index}",
            last_name="Example",
            phone=f"+1415{index:07d}",
            row_number=index + 1,
        )


def client_tasks() -> list[asyncio.Task[Any]]:
    """Return the running tasks, leaving out the emulator's request handlers."""
    return [task for task in asyncio.all_tasks() if "RequestHandler" not in repr(task.get_coro())]


def campaign_for(emulator: Emulator) -> str:
    return str(emulator.state.create_campaign({"name": "Load test"})["id"])


def read_report(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


async def test_load_adds_every_row(emulator: Emulator, tmp_path: Path) -> None:
    campaign_id = campaign_for(emulator)

    async with AsyncSmartAlex(api_key=emulator.api_key, base_url=emulator.base_url) as client:
        report = await client.campaigns.load_contacts(
            campaign_id, people(450), journal=tmp_path / "journal.sqlite", concurrency=16
        )

    held = emulator.state.campaign_contacts(campaign_id)
    assert report.ok
    assert report.rows_read == 450
    assert report.added == 450
    assert report.created == 450
    assert report.created_this_run == 450
    assert len(held) == 450
    assert set(held) == set(emulator.state.contacts)
    assert report.journal_path == str(tmp_path / "journal.sqlite")


async def test_load_async_iterable_input(emulator: Emulator) -> None:
    campaign_id = campaign_for(emulator)

    async def rows() -> AsyncIterator[ContactInput]:
        for row in people(120):
            await asyncio.sleep(0)
            yield row

    async with AsyncSmartAlex(api_key=emulator.api_key, base_url=emulator.base_url) as client:
        report = await client.campaigns.load_contacts(campaign_id, rows())

    assert report.added == 120
    assert report.journal_path is None
    assert len(emulator.state.campaign_contacts(campaign_id)) == 120


async def test_load_skips_invalid_rows(emulator: Emulator, tmp_path: Path) -> None:
    campaign_id = campaign_for(emulator)
    rows = [
        ContactInput(first_name="Ada", phone="+1 (415) 555-0100", row_number=2),
        ContactInput(first_name="  ", phone="+14155550101", row_number=3),
        ContactInput(first_name="Bob", phone=None, row_number=4),
        ContactInput(first_name="Cy", phone="4155550102", row_number=5),
        ContactInput(first_name="Di", phone="+14155550100", row_number=6),
        ContactInput(first_name=None, row_number=7, skip_reason="invalid_phone"),
        ContactInput(first_name="Ed", phone="+14155550103", row_number=8),
    ]
    report_path = tmp_path / "report.csv"

    async with AsyncSmartAlex(api_key=emulator.api_key, base_url=emulator.base_url) as client:
        report = await client.campaigns.load_contacts(campaign_id, rows, report=report_path)

    lines = {line["row_number"]: line for line in read_report(report_path)}
    assert report.added == 2
    assert report.skipped == 5
    assert report.skipped_by_reason == {
        "duplicate_phone": 1,
        "invalid_phone": 2,
        "missing_first_name": 1,
        "missing_phone": 1,
    }
    assert lines["6"]["skip_reason"] == "duplicate_phone"
    assert lines["6"]["duplicate_of_row"] == "2"
    assert lines["3"]["skip_reason"] == "missing_first_name"
    assert lines["5"]["skip_reason"] == "invalid_phone"
    phones = sorted(contact["phone"] for contact in emulator.state.contacts.values())
    assert phones == ["+14155550100", "+14155550103"]


async def test_load_report_lists_every_row(emulator: Emulator, tmp_path: Path) -> None:
    campaign_id = campaign_for(emulator)
    rows = [
        ContactInput(
            first_name="Ada",
            phone="+14155550100",
            row_number=2,
            key="crm-1",
            values={"Name": "Ada", "Cell": "+1 415 555 0100", "outcome": "lead"},
        ),
        ContactInput(
            first_name="Ada",
            phone="+14155550100",
            row_number=3,
            values={"Name": "Ada again", "Cell": "+1 415 555 0100"},
        ),
    ]
    report_path = tmp_path / "report.csv"

    async with AsyncSmartAlex(api_key=emulator.api_key, base_url=emulator.base_url) as client:
        report = await client.campaigns.load_contacts(campaign_id, rows, report=report_path)

    lines = read_report(report_path)
    contact_id = emulator.state.campaign_contacts(campaign_id)[0]
    assert report.report_path == str(report_path)
    assert [line["row_number"] for line in lines] == ["2", "3"]
    assert lines[0]["key"] == "crm-1"
    assert lines[0]["outcome"] == "added"
    assert lines[0]["contact_id"] == contact_id
    assert lines[0]["batch"] == "1"
    assert lines[0]["Name"] == "Ada"
    assert lines[0]["Cell"] == "+1 415 555 0100"
    assert lines[0]["input_outcome"] == "lead"
    assert lines[1]["key"] == "3"
    assert lines[1]["outcome"] == "skipped"
    assert lines[1]["input_outcome"] == ""


async def test_load_progress_events(emulator: Emulator) -> None:
    campaign_id = campaign_for(emulator)
    events: list[LoadProgress] = []

    async with AsyncSmartAlex(api_key=emulator.api_key, base_url=emulator.base_url) as client:
        report = await client.campaigns.load_contacts(
            campaign_id, people(300), on_progress=events.append, expected_rows=300
        )

    final = events[-1]
    assert len(events) >= 2
    assert final.report == report
    assert final.phase is LoadPhase.FINISHED
    assert final.rows_read == 300
    assert final.added == 300
    assert final.created == 300
    assert final.pending == 0
    assert final.expected_rows == 300
    assert all(event.report is None for event in events[:-1])
    assert [event.rows_read for event in events] == sorted(event.rows_read for event in events)


async def test_iter_load_contacts_ends_with_report(emulator: Emulator) -> None:
    campaign_id = campaign_for(emulator)

    async with AsyncSmartAlex(api_key=emulator.api_key, base_url=emulator.base_url) as client:
        events = [
            event async for event in client.campaigns.iter_load_contacts(campaign_id, people(150))
        ]

    assert events[-1].report is not None
    assert events[-1].report.added == 150
    assert all(event.report is None for event in events[:-1])


async def test_iter_load_closed_early_resumes(emulator: Emulator, tmp_path: Path) -> None:
    campaign_id = campaign_for(emulator)
    journal = tmp_path / "journal.sqlite"
    emulator.state.faults = FaultConfig(latency_ms=5)

    async with AsyncSmartAlex(api_key=emulator.api_key, base_url=emulator.base_url) as client:
        events = client.campaigns.iter_load_contacts(campaign_id, people(600), journal=journal)
        async for event in events:
            if event.created >= 100:
                break
        await events.aclose()

        stopped_at = len(emulator.state.contacts)
        emulator.state.faults = FaultConfig()
        report = await client.campaigns.load_contacts(campaign_id, people(600), journal=journal)

    assert 100 <= stopped_at < 600
    assert report.added == 600
    assert len(emulator.state.contacts) == 600
    assert sorted(emulator.state.campaign_contacts(campaign_id)) == sorted(emulator.state.contacts)


async def test_load_adds_while_creating(emulator: Emulator) -> None:
    campaign_id = campaign_for(emulator)
    order: list[str] = []

    async def record(_session: Any, _context: SimpleNamespace, params: Any) -> None:
        path = params.url.path
        is_add = params.method == "POST" and path.startswith("/v1/campaigns/")
        order.append("add" if is_add else path)

    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(record)
    async with AsyncSmartAlex(
        api_key=emulator.api_key, base_url=emulator.base_url, trace_configs=[trace]
    ) as client:
        await client.campaigns.load_contacts(campaign_id, people(1000), concurrency=8)

    creates = [index for index, path in enumerate(order) if path == "/v1/contacts"]
    adds = [index for index, path in enumerate(order) if path == "add"]
    assert len(creates) == 1000
    assert len(adds) == 10
    assert adds[0] < creates[-1]


async def test_load_bounds_requests_in_flight(emulator: Emulator) -> None:
    campaign_id = campaign_for(emulator)
    emulator.state.faults = FaultConfig(latency_ms=2)
    in_flight = 0
    most_in_flight = 0

    async def started(_session: Any, _context: SimpleNamespace, params: Any) -> None:
        nonlocal in_flight, most_in_flight
        in_flight += 1
        most_in_flight = max(most_in_flight, in_flight)

    async def ended(_session: Any, _context: SimpleNamespace, params: Any) -> None:
        nonlocal in_flight
        in_flight -= 1

    most_tasks = 0

    def count_tasks(_event: LoadProgress) -> None:
        nonlocal most_tasks
        most_tasks = max(most_tasks, len(client_tasks()))

    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(started)
    trace.on_request_end.append(ended)
    async with AsyncSmartAlex(
        api_key=emulator.api_key, base_url=emulator.base_url, trace_configs=[trace]
    ) as client:
        before = len(client_tasks())
        await client.campaigns.load_contacts(
            campaign_id, people(1500), concurrency=4, on_progress=count_tasks
        )

    # Four create workers plus one add request at most.
    assert most_in_flight <= 5
    # A feeder, four workers, the adder, the committer, and the task of one add request.
    assert most_tasks - before <= 8


async def test_load_reads_input_lazily_off_loop(emulator: Emulator) -> None:
    campaign_id = campaign_for(emulator)
    loop_thread = threading.current_thread()
    reading_threads: set[threading.Thread] = set()
    pulled = 0
    pulled_at_first_create: list[int] = []

    def rows() -> Iterator[ContactInput]:
        nonlocal pulled
        for row in people(3000):
            reading_threads.add(threading.current_thread())
            pulled += 1
            yield row

    async def first_create(_session: Any, _context: SimpleNamespace, params: Any) -> None:
        if params.url.path == "/v1/contacts" and not pulled_at_first_create:
            pulled_at_first_create.append(pulled)

    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(first_create)
    async with AsyncSmartAlex(
        api_key=emulator.api_key, base_url=emulator.base_url, trace_configs=[trace]
    ) as client:
        report = await client.campaigns.load_contacts(campaign_id, rows())

    assert report.added == 3000
    assert loop_thread not in reading_threads
    assert pulled_at_first_create[0] <= 2 * CHUNK_SIZE


async def test_load_unknown_campaign_leaves_no_journal(emulator: Emulator, tmp_path: Path) -> None:
    journal = tmp_path / "journal.sqlite"

    async with AsyncSmartAlex(api_key=emulator.api_key, base_url=emulator.base_url) as client:
        with pytest.raises(CampaignNotFoundError):
            await client.campaigns.load_contacts("campaign_missing", people(3), journal=journal)

    assert not journal.exists()
    assert emulator.state.contacts == {}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"concurrency": 0}, "concurrency must be an integer of at least 1; got 0"),
        ({"expected_rows": -1}, "expected_rows must be an integer of 0 or more; got -1"),
        ({"contacts": "Ada"}, "contacts must be an iterable or async iterable of ContactInput"),
        ({"campaign_id": ""}, "campaign_id must be a non-empty string id"),
    ],
)
async def test_load_rejects_bad_arguments(
    emulator: Emulator, arguments: dict[str, Any], message: str
) -> None:
    call: dict[str, Any] = {"campaign_id": campaign_for(emulator), "contacts": people(1)}
    call.update(arguments)

    async with AsyncSmartAlex(api_key=emulator.api_key, base_url=emulator.base_url) as client:
        with pytest.raises(InvalidParameterError, match=message):
            await client.campaigns.load_contacts(**call)

    assert emulator.state.contacts == {}


async def test_load_bad_row_stops_cleanly(emulator: Emulator, tmp_path: Path) -> None:
    campaign_id = campaign_for(emulator)

    def rows() -> Iterator[Any]:
        yield from people(10)
        yield {"first_name": "Not a ContactInput"}

    async with AsyncSmartAlex(api_key=emulator.api_key, base_url=emulator.base_url) as client:
        with pytest.raises(InvalidParameterError, match="Input row 11 must be a ContactInput"):
            await client.campaigns.load_contacts(campaign_id, rows(), journal=tmp_path / "j")

    assert len(emulator.state.campaign_contacts(campaign_id)) == 0


async def test_load_closed_campaign_rejected(emulator: Emulator) -> None:
    campaign_id = campaign_for(emulator)
    emulator.state.campaigns[campaign_id]["status"] = "completed"

    async with AsyncSmartAlex(api_key=emulator.api_key, base_url=emulator.base_url) as client:
        with pytest.raises(InvalidParameterError, match="is completed"):
            await client.campaigns.load_contacts(campaign_id, people(2))

    assert emulator.state.contacts == {}


async def test_load_outcomes_enum_values() -> None:
    assert [outcome.value for outcome in RowOutcome] == [
        "added",
        "skipped",
        "failed",
        "unknown",
        "pending",
    ]


async def test_load_sends_optional_fields(emulator: Emulator) -> None:
    campaign_id = campaign_for(emulator)
    rows = [
        ContactInput(
            first_name=" Ada ",
            last_name="Lovelace",
            phone="+14155550100",
            email="ada@example.com",
            company="Engines",
            tags=["vip", "2026"],
        ),
        ContactInput(first_name="Bob", phone="+14155550101", last_name=" "),
    ]

    async with AsyncSmartAlex(api_key=emulator.api_key, base_url=emulator.base_url) as client:
        await client.campaigns.load_contacts(campaign_id, rows)

    stored = {contact["phone"]: contact for contact in emulator.state.contacts.values()}
    ada = stored["+14155550100"]
    assert (ada["first_name"], ada["last_name"]) == ("Ada", "Lovelace")
    assert (ada["email"], ada["company"]) == ("ada@example.com", "Engines")
    assert ada["tags"] == ["vip", "2026"]
    assert stored["+14155550101"]["last_name"] is None
    assert stored["+14155550101"]["tags"] == []
