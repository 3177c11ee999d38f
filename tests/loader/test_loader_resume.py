"""Resuming a load from its journal: crash states, reading back, and mismatched journals."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from smartalex_async import (
    AsyncSmartAlex,
    ContactInput,
    JournalError,
    JournalMismatchError,
)
from smartalex_async.emulator import Emulator, run_emulator
from smartalex_async.loader._journal import Journal, RowState
from smartalex_async.loader._rows import prepare_row


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    async with run_emulator() as server:
        yield server


def people(count: int) -> Iterator[ContactInput]:
    for index in range(count):
        yield ContactInput(first_name=f"Person{index}", phone=f"+1415{index:07d}")


def row(index: int) -> ContactInput:
    return ContactInput(first_name=f"Person{index}", phone=f"+1415{index:07d}")


def campaign_for(emulator: Emulator) -> str:
    return str(emulator.state.create_campaign({"name": "Resume test"})["id"])


def client_for(emulator: Emulator) -> AsyncSmartAlex:
    return AsyncSmartAlex(api_key=emulator.api_key, base_url=emulator.base_url)


def record_in_flight(journal_path: Path, first: int, last: int) -> None:
    """Record rows `first` to `last` (positions from 1) as sent, as a crash leaves them."""
    with Journal.open(journal_path) as journal:
        prepared = [prepare_row(row(seq - 1), seq) for seq in range(first, last + 1)]
        journal.insert_rows(prepared)
        for seq in range(first, last + 1):
            journal.begin_create(seq, RowState.PENDING)


def phones(emulator: Emulator) -> list[str]:
    return [str(contact["phone"]) for contact in emulator.state.contacts.values()]


async def test_resume_reads_back_interrupted_creates(emulator: Emulator, tmp_path: Path) -> None:
    campaign_id = campaign_for(emulator)
    journal = tmp_path / "journal.sqlite"
    async with client_for(emulator) as client:
        await client.campaigns.load_contacts(campaign_id, people(100), journal=journal)

    # Rows 101 to 130 were in flight at the crash; the server applied 101 to 115 only.
    record_in_flight(journal, 101, 130)
    for index in range(100, 115):
        emulator.state.create_contact(
            {"first_name": f"Person{index}", "phone": f"+1415{index:07d}"}
        )

    async with client_for(emulator) as client:
        report = await client.campaigns.load_contacts(campaign_id, people(200), journal=journal)

    assert report.ok
    assert report.added == 200
    assert report.reconciled == 15
    assert report.created_this_run == 85
    assert len(emulator.state.contacts) == 200
    assert len(set(phones(emulator))) == 200
    assert sorted(emulator.state.campaign_contacts(campaign_id)) == sorted(emulator.state.contacts)


async def test_resume_without_reconcile_lists_unknown(emulator: Emulator, tmp_path: Path) -> None:
    campaign_id = campaign_for(emulator)
    journal = tmp_path / "journal.sqlite"
    record_in_flight(journal, 1, 30)
    with Journal.open(journal) as opened:
        opened.bind(campaign_id, None)
    for index in range(15):
        emulator.state.create_contact(
            {"first_name": f"Person{index}", "phone": f"+1415{index:07d}"}
        )

    async with client_for(emulator) as client:
        report = await client.campaigns.load_contacts(
            campaign_id, people(100), journal=journal, reconcile=False
        )

    assert not report.ok
    assert report.unknown == 30
    assert report.added == 70
    assert report.unknown_row_numbers == tuple(range(1, 31))
    assert len(emulator.state.contacts) == 85
    assert len(set(phones(emulator))) == 85


async def test_resume_adds_created_rows(emulator: Emulator, tmp_path: Path) -> None:
    campaign_id = campaign_for(emulator)
    journal = tmp_path / "journal.sqlite"
    record_in_flight(journal, 1, 150)
    with Journal.open(journal) as opened:
        opened.bind(campaign_id, None)
        for seq in range(1, 151):
            index = seq - 1
            contact = emulator.state.create_contact(
                {"first_name": f"Person{index}", "phone": f"+1415{index:07d}"}
            )
            opened.record_created(seq, str(contact["id"]))
        # The first batch was recorded but its add never sent.
        opened.open_batch(list(range(1, 101)))

    async with client_for(emulator) as client:
        report = await client.campaigns.load_contacts(campaign_id, people(150), journal=journal)

    held = emulator.state.campaign_contacts(campaign_id)
    assert report.added == 150
    assert report.created_this_run == 0
    assert len(held) == 150
    assert len(set(held)) == 150
    assert len(emulator.state.contacts) == 150


async def test_resume_other_campaign_rejected(emulator: Emulator, tmp_path: Path) -> None:
    first, second = campaign_for(emulator), campaign_for(emulator)
    journal = tmp_path / "journal.sqlite"
    async with client_for(emulator) as client:
        await client.campaigns.load_contacts(first, people(5), journal=journal)

        with pytest.raises(JournalMismatchError) as caught:
            await client.campaigns.load_contacts(second, people(5), journal=journal)

    assert first in str(caught.value)
    assert second in str(caught.value)
    assert len(emulator.state.contacts) == 5


async def test_resume_other_fingerprint_rejected(emulator: Emulator, tmp_path: Path) -> None:
    campaign_id = campaign_for(emulator)
    journal = tmp_path / "journal.sqlite"
    async with client_for(emulator) as client:
        await client.campaigns.load_contacts(
            campaign_id, people(5), journal=journal, input_fingerprint="file-a"
        )

        with pytest.raises(JournalMismatchError, match="was written for another input"):
            await client.campaigns.load_contacts(
                campaign_id, people(5), journal=journal, input_fingerprint="file-b"
            )


async def test_resume_changed_row_rejected(emulator: Emulator, tmp_path: Path) -> None:
    campaign_id = campaign_for(emulator)
    journal = tmp_path / "journal.sqlite"
    changed = [*people(10)]
    changed[6] = ContactInput(first_name="Someone else", phone="+14150000006")

    async with client_for(emulator) as client:
        await client.campaigns.load_contacts(campaign_id, people(10), journal=journal)

        with pytest.raises(JournalMismatchError, match="Input row 7 differs"):
            await client.campaigns.load_contacts(campaign_id, changed, journal=journal)

    assert len(emulator.state.contacts) == 10


async def test_resume_shorter_input_rejected(emulator: Emulator, tmp_path: Path) -> None:
    campaign_id = campaign_for(emulator)
    journal = tmp_path / "journal.sqlite"
    async with client_for(emulator) as client:
        await client.campaigns.load_contacts(campaign_id, people(10), journal=journal)

        with pytest.raises(JournalMismatchError, match="The input has 8 rows"):
            await client.campaigns.load_contacts(campaign_id, people(8), journal=journal)


async def test_resume_longer_input_continues(emulator: Emulator, tmp_path: Path) -> None:
    campaign_id = campaign_for(emulator)
    journal = tmp_path / "journal.sqlite"
    async with client_for(emulator) as client:
        await client.campaigns.load_contacts(campaign_id, people(10), journal=journal)
        report = await client.campaigns.load_contacts(campaign_id, people(25), journal=journal)

    assert report.added == 25
    assert report.created_this_run == 15
    assert len(emulator.state.contacts) == 25


def test_journal_in_use_rejected(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"

    with Journal.open(path), pytest.raises(JournalError, match="is open in another process"):
        Journal.open(path)


def test_journal_not_sqlite_rejected(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    path.write_text("first_name,phone\nAda,+14155550100\n" * 100, encoding="utf-8")

    with pytest.raises(JournalError, match="is not a SmartAlex journal"):
        Journal.open(path)


def test_journal_other_schema_rejected(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    with Journal.open(path):
        pass
    with contextlib.closing(sqlite3.connect(path)) as connection, connection:
        connection.execute("UPDATE meta SET value = '99' WHERE name = 'schema_version'")

    with pytest.raises(JournalError, match="has schema version 99"):
        Journal.open(path)


def test_journal_uncommitted_writes_lost_as_suffix(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    journal = Journal.open(path)
    journal.on_write = lambda: None
    journal.insert_rows([prepare_row(row(0), 1), prepare_row(row(1), 2)])
    journal.commit()
    journal.begin_create(1, RowState.PENDING)
    journal.commit()
    journal.record_created(1, "contact_a")
    journal.begin_create(2, RowState.PENDING)

    # Closing the connection without committing is what a crash leaves on disk.
    journal._db.close()
    with Journal.open(path) as reopened:
        states = reopened.recorded_rows(1, 2)

    assert states[1].state is RowState.CREATING
    assert states[2].state is RowState.PENDING


def test_journal_temporary_deleted(tmp_path: Path) -> None:
    journal = Journal.open(None)
    path = journal.path

    journal.close()

    assert journal.temporary
    assert not path.exists()
    assert not path.parent.exists()
