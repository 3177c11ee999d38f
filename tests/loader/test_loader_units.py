"""Parts of the loader alone: row preparation, group commits, progress rate and ETA."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import anyio
import pytest

from smartalex_async import (
    ContactInput,
    InvalidParameterError,
    LoadPhase,
    LoadProgress,
    LoadReport,
)
from smartalex_async.loader import _progress
from smartalex_async.loader._commits import GroupCommitter
from smartalex_async.loader._journal import Journal, RowState
from smartalex_async.loader._pipeline import _LatestEvent
from smartalex_async.loader._progress import ProgressTracker
from smartalex_async.loader._rows import canonical_phone, prepare_row


def person(index: int) -> ContactInput:
    return ContactInput(first_name=f"Person{index}", phone=f"+1415{index:07d}")


@pytest.fixture
def journal() -> Iterator[Journal]:
    with Journal.open(None) as opened:
        yield opened


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+1 (415) 555-0100", "+14155550100"),
        ("+44 20/7946.0958", "+442079460958"),
        ("\t+4930123456 ", "+4930123456"),
        ("4155550100", None),
        ("+0415555010", None),
        ("+12345", None),
        ("+1234567890123456", None),
        ("+1 415 555 0100 x12", None),
        (None, None),
    ],
)
def test_canonical_phone(raw: str | None, expected: str | None) -> None:
    assert canonical_phone(raw) == expected


def test_prepare_row_hash_changes_with_values() -> None:
    first = prepare_row(ContactInput(first_name="Ada", phone="+14155550100"), 1)
    same = prepare_row(ContactInput(first_name="Ada", phone="+14155550100"), 1)
    other = prepare_row(ContactInput(first_name="Ada", phone="+14155550100", company="X"), 1)

    assert first.content_hash == same.content_hash
    assert first.content_hash != other.content_hash


def test_prepare_row_defaults() -> None:
    row = prepare_row(ContactInput(first_name="Ada", phone="+1 415 555 0100", tags=["a"]), 7)

    assert row.row_number == 7
    assert row.key == "7"
    assert row.values == {"first_name": "Ada", "phone": "+1 415 555 0100", "tags": "a"}
    assert row.fields is not None
    assert row.fields.phone == "+14155550100"


def test_prepare_row_rejects_wrong_types() -> None:
    with pytest.raises(InvalidParameterError, match="Input row 3: phone must be a string"):
        prepare_row(ContactInput(first_name="Ada", phone=14155550100), 3)  # type: ignore[arg-type]


def test_contact_input_rejects_string_tags() -> None:
    with pytest.raises(InvalidParameterError, match="tags must be a list of strings"):
        ContactInput(first_name="Ada", tags="vip")


async def test_group_commit_shares_commits(journal: Journal) -> None:
    journal.insert_rows([prepare_row(person(index), index + 1) for index in range(50)])
    committer = GroupCommitter(journal)
    commits = 0
    commit = journal.commit

    def counting_commit() -> None:
        nonlocal commits
        if journal.in_transaction:
            commits += 1
        commit()

    journal.commit = counting_commit  # type: ignore[method-assign]
    durable_after: list[int] = []

    async def begin(seq: int) -> None:
        journal.begin_create(seq, RowState.PENDING)
        written_before = commits
        await committer.durable()
        durable_after.append(commits - written_before)

    async with anyio.create_task_group() as group:
        group.start_soon(committer.run)
        async with anyio.create_task_group() as writers:
            for seq in range(1, 51):
                writers.start_soon(begin, seq)
        committer.close()

    assert journal.counts[RowState.CREATING] == 50
    assert 1 <= commits < 10
    assert min(durable_after) >= 1
    assert journal.on_write is None
    assert not journal.in_transaction


async def test_group_commit_idle_durable_returns(journal: Journal) -> None:
    committer = GroupCommitter(journal)

    with anyio.fail_after(1):
        await committer.durable()


def test_progress_rate_and_eta(journal: Journal, monkeypatch: pytest.MonkeyPatch) -> None:
    now = 1000.0
    monkeypatch.setattr(_progress.time, "monotonic", lambda: now)
    events: list[LoadProgress] = []
    tracker = ProgressTracker(journal, events.append, expected_rows=1000)

    tracker.tick()
    journal.insert_rows([prepare_row(person(index), index + 1) for index in range(200)])
    for seq in range(1, 101):
        journal.begin_create(seq, RowState.PENDING)
        journal.record_failed(seq, "server_error", "500")
    now += 10.0
    tracker.tick()

    first, second = events
    assert first.rate == 0.0
    assert first.eta_seconds is None
    assert second.phase is LoadPhase.LOADING
    assert second.rows_read == 200
    assert second.failed == 100
    assert second.pending == 100
    assert second.rate == pytest.approx(10.0)
    assert second.eta_seconds == pytest.approx(90.0)
    assert second.elapsed_seconds == pytest.approx(10.0)


def test_progress_ticks_throttled(journal: Journal, monkeypatch: pytest.MonkeyPatch) -> None:
    now = 50.0
    monkeypatch.setattr(_progress.time, "monotonic", lambda: now)
    events: list[LoadProgress] = []
    tracker = ProgressTracker(journal, events.append, expected_rows=None)

    tracker.tick()
    now += 0.1
    tracker.tick()
    now += 0.2
    tracker.tick()

    assert len(events) == 2
    assert events[-1].eta_seconds is None


async def test_latest_event_keeps_final_report(journal: Journal) -> None:
    """The last event reaches the consumer even when the load publishes it between two reads."""
    tracker = ProgressTracker(journal, None, expected_rows=None)
    channel = _LatestEvent()
    report = LoadReport(
        campaign_id="cmp_1",
        rows_read=0,
        created=0,
        added=0,
        skipped=0,
        failed=0,
        unknown=0,
        pending=0,
    )
    may_finish = asyncio.Event()

    async def load() -> LoadReport:
        channel.publish(tracker.snapshot(0.0))
        await may_finish.wait()
        channel.publish(tracker.snapshot(1.0, report))
        return report

    task = asyncio.get_running_loop().create_task(load())
    events = channel.events(task)
    first = await events.__anext__()
    # The load publishes its last event and ends before the consumer reads the next one.
    may_finish.set()
    await task
    received = [first] + [event async for event in events]

    assert [event.report for event in received] == [None, report]
