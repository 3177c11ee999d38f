"""run_bounded: bounded, lazy fan-out that raises the first worker error."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from smartalex_async._concurrency import run_bounded


async def test_runs_every_job_within_limit() -> None:
    active = 0
    peak = 0
    done: list[int] = []

    async def worker(job: int) -> None:
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        await asyncio.sleep(0)
        active -= 1
        done.append(job)

    await run_bounded(range(100), worker, limit=7)

    assert sorted(done) == list(range(100))
    assert peak == 7


async def test_consumes_jobs_lazily() -> None:
    pulled = 0
    release = asyncio.Event()

    def jobs() -> Iterator[int]:
        nonlocal pulled
        for job in range(1_000_000):
            pulled += 1
            yield job

    async def worker(_job: int) -> None:
        await release.wait()

    task = asyncio.ensure_future(run_bounded(jobs(), worker, limit=4))
    await asyncio.sleep(0.01)

    assert pulled == 5  # Four running, and the fifth waiting for a slot.
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_first_error_cancels_rest() -> None:
    cancelled: list[int] = []

    async def worker(job: int) -> None:
        if job == 3:
            raise ValueError("job 3 failed")
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            cancelled.append(job)
            raise

    with pytest.raises(ValueError, match="job 3 failed"):
        await run_bounded(range(10), worker, limit=5)

    assert sorted(cancelled) == [0, 1, 2, 4]


async def test_cancel_stops_workers() -> None:
    cancelled = 0

    async def worker(_job: int) -> None:
        nonlocal cancelled
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            cancelled += 1
            raise

    task = asyncio.ensure_future(run_bounded(range(10), worker, limit=3))
    await asyncio.sleep(0.01)
    task.cancel()

    with pytest.raises(asyncio.CancelledError):
        await task
    assert cancelled == 3
