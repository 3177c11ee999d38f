"""Bounded fan-out of coroutines, shared by bulk operations."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

__all__ = ["run_bounded"]

T = TypeVar("T")


async def run_bounded(
    jobs: Iterable[T], worker: Callable[[T], Awaitable[None]], *, limit: int
) -> None:
    """Await `worker(job)` for every job with at most `limit` running at once.

    A task is created only when a slot is free, so memory stays bounded however long `jobs`
    is, and `jobs` is consumed lazily. The worker must handle its own expected errors: the
    first exception a worker raises cancels the others and is raised here as it is. When
    the caller is cancelled, every running worker is cancelled and awaited first.

    Plain asyncio rather than an anyio task group: on a fan-out of thousands of short
    requests, the task group's per-task bookkeeping was a tenth of the CPU time. For the
    same reason there is no asyncio.Semaphore: with one acquirer, a future that the next
    finished task resolves is enough, and its locked() check took 2% of the CPU time.
    """
    loop = asyncio.get_running_loop()
    running: set[asyncio.Future[None]] = set()
    errors: list[BaseException] = []
    slot_freed: asyncio.Future[None] | None = None

    def finished(task: asyncio.Future[None]) -> None:
        running.discard(task)
        if not task.cancelled() and task.exception() is not None:
            errors.append(task.exception())  # type: ignore[arg-type]
        if slot_freed is not None and not slot_freed.done():
            slot_freed.set_result(None)

    async def wait_until(done: Callable[[], bool]) -> None:
        nonlocal slot_freed
        while not done() and not errors:
            slot_freed = loop.create_future()
            await slot_freed

    try:
        for job in jobs:
            await wait_until(lambda: len(running) < limit)
            if errors:
                break
            task: asyncio.Future[None] = asyncio.ensure_future(worker(job))
            running.add(task)
            task.add_done_callback(finished)
        await wait_until(lambda: not running)
    finally:
        for pending in running:
            pending.cancel()
        if running:
            await asyncio.gather(*running, return_exceptions=True)
    if errors:
        raise errors[0]
