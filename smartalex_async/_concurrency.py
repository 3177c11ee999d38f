"""Bounded fan-out of coroutines, shared by bulk operations."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

import anyio

__all__ = ["run_bounded"]

T = TypeVar("T")


async def run_bounded(
    jobs: Iterable[T], worker: Callable[[T], Awaitable[None]], *, limit: int
) -> None:
    """Await `worker(job)` for every job with at most `limit` running at once.

    A task is created only when a slot is free, so memory stays bounded however long `jobs`
    is, and `jobs` is consumed lazily. The worker must handle its own expected errors: any
    exception it raises cancels the rest and propagates (as an ExceptionGroup, per anyio).
    """
    slots = anyio.Semaphore(limit)

    async def run(job: T) -> None:
        try:
            await worker(job)
        finally:
            slots.release()

    async with anyio.create_task_group() as task_group:
        for job in jobs:
            await slots.acquire()
            task_group.start_soon(run, job)
