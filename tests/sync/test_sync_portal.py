"""The portal on its own: calls, iteration, closing and finalization, without HTTP."""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
import threading
from collections.abc import AsyncIterator, Iterator

import pytest

from smartalex_sync._portal import THREAD_NAME, Portal, twin_repr

JOIN_TIMEOUT_SECONDS = 10.0


async def double(value: int) -> int:
    await asyncio.sleep(0)
    return value * 2


async def fail_with_cause() -> None:
    try:
        raise KeyError("inner")
    except KeyError as exc:
        raise ValueError("outer") from exc


class Countdown:
    """An async generator of `start - 1` down to 0 that records how far it got."""

    def __init__(self, start: int) -> None:
        self.start = start
        self.produced = 0
        self.closed = False

    async def run(self) -> AsyncIterator[int]:
        try:
            for value in reversed(range(self.start)):
                self.produced += 1
                yield value
        finally:
            self.closed = True


@pytest.fixture
def portal() -> Iterator[Portal]:
    opened = Portal()
    yield opened
    opened.close()


def test_call_returns_result(portal: Portal) -> None:
    assert portal.call(double(21)) == 42


def test_call_runs_on_named_thread(portal: Portal) -> None:
    async def thread_name() -> str:
        return threading.current_thread().name

    assert portal.call(thread_name()) == THREAD_NAME


def test_thread_starts_lazily(portal: Portal) -> None:
    assert portal.thread is None

    portal.call(double(1))

    assert portal.thread is not None


def test_call_keeps_exception(portal: Portal) -> None:
    with pytest.raises(ValueError, match="outer") as caught:
        portal.call(fail_with_cause())

    assert isinstance(caught.value.__cause__, KeyError)
    assert caught.value.__cause__.args == ("inner",)


def test_call_on_loop_thread_raises(portal: Portal) -> None:
    async def reenter() -> int:
        return portal.call(double(1))

    with pytest.raises(RuntimeError, match="deadlock"):
        portal.call(reenter())


def test_close_on_loop_thread_raises(portal: Portal) -> None:
    async def close_inside() -> None:
        portal.close()

    with pytest.raises(RuntimeError, match="deadlock"):
        portal.call(close_inside())

    assert not portal.closed


def test_call_after_close_raises() -> None:
    portal = Portal()
    portal.call(double(1))
    portal.close()

    with pytest.raises(RuntimeError, match="closed"):
        portal.call(double(1))


def test_close_twice() -> None:
    portal = Portal()
    portal.call(double(1))

    portal.close()
    portal.close()

    assert portal.closed


def test_close_runs_cleanup_then_stops() -> None:
    portal = Portal()
    portal.call(double(1))
    thread = portal.thread
    assert thread is not None

    result = portal.close(lambda: double(5))

    assert result == 10
    assert not thread.is_alive()


def test_close_stops_after_failed_cleanup() -> None:
    portal = Portal()
    portal.call(double(1))
    thread = portal.thread
    assert thread is not None

    with pytest.raises(ValueError, match="outer"):
        portal.close(fail_with_cause)

    assert not thread.is_alive()


def test_close_unstarted_skips_cleanup() -> None:
    calls: list[str] = []

    async def cleanup() -> None:
        calls.append("cleanup")

    portal = Portal()
    portal.close(cleanup)

    assert calls == []
    assert portal.thread is None


def test_close_cancels_call_in_flight() -> None:
    portal = Portal()
    started = threading.Event()
    outcome: list[BaseException] = []

    async def wait_forever() -> None:
        started.set()
        await asyncio.Event().wait()

    def caller() -> None:
        try:
            portal.call(wait_forever())
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=caller)
    worker.start()
    assert started.wait(JOIN_TIMEOUT_SECONDS)
    portal.close()
    worker.join(JOIN_TIMEOUT_SECONDS)

    assert not worker.is_alive()
    assert len(outcome) == 1
    assert isinstance(outcome[0], concurrent.futures.CancelledError)


def test_iterate_yields_all(portal: Portal) -> None:
    assert list(portal.iterate(Countdown(3).run())) == [2, 1, 0]


def test_iterate_is_lazy(portal: Portal) -> None:
    countdown = Countdown(5)
    iterator = portal.iterate(countdown.run())

    first = next(iterator)

    assert first == 4
    assert countdown.produced == 1
    iterator.close()


def test_iterate_close_closes_source(portal: Portal) -> None:
    countdown = Countdown(5)
    iterator = portal.iterate(countdown.run())
    next(iterator)

    iterator.close()

    assert countdown.closed


def test_iterate_collect_closes_source(portal: Portal) -> None:
    countdown = Countdown(5)
    iterator = portal.iterate(countdown.run())
    next(iterator)

    del iterator
    gc.collect()

    assert countdown.closed


def test_iterate_after_close_raises() -> None:
    portal = Portal()
    countdown = Countdown(3)
    iterator = portal.iterate(countdown.run())
    portal.close()

    with pytest.raises(RuntimeError, match="closed"):
        next(iterator)


def test_close_mid_iteration_closes_source() -> None:
    portal = Portal()
    countdown = Countdown(5)
    iterator = portal.iterate(countdown.run())
    next(iterator)

    portal.close()
    iterator.close()

    assert countdown.closed


def test_finalizer_stops_dropped_portal() -> None:
    cleaned = threading.Event()

    async def cleanup() -> None:
        cleaned.set()

    portal = Portal(cleanup=cleanup)
    portal.call(double(1))
    thread = portal.thread
    assert thread is not None

    del portal
    gc.collect()
    thread.join(JOIN_TIMEOUT_SECONDS)

    assert cleaned.is_set()
    assert not thread.is_alive()


def test_many_threads_share_portal(portal: Portal) -> None:
    results: list[int] = []
    lock = threading.Lock()

    def worker(offset: int) -> None:
        for value in range(20):
            doubled = portal.call(double(offset + value))
            with lock:
                results.append(doubled)

    threads = [threading.Thread(target=worker, args=(100 * n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT_SECONDS)

    expected = sorted(2 * (100 * n + value) for n in range(8) for value in range(20))
    assert sorted(results) == expected


class AsyncThing:
    def __repr__(self) -> str:
        return "AsyncThing(base_url='http://127.0.0.1', api_key='<hidden>')"


class Thing:
    pass


class Opaque:
    pass


def test_twin_repr_renames_class() -> None:
    assert (
        twin_repr(Thing(), AsyncThing()) == "Thing(base_url='http://127.0.0.1', api_key='<hidden>')"
    )


def test_twin_repr_wraps_other_repr() -> None:
    text = twin_repr(Thing(), Opaque())

    assert text.startswith("Thing(<")
