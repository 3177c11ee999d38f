"""The portal: a private thread that runs one event loop for one sync client.

Every sync method submits its coroutine to this loop and blocks until the coroutine finishes.
Keeping all of a client's async code on one loop keeps its aiohttp session on that loop, and
lets the sync client work in threads that already run an event loop of their own.

This module is written by hand; `scripts/generate_sync.py` writes the rest of the package.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import enum
import threading
import weakref
from collections.abc import AsyncIterator, Callable, Coroutine, Generator
from typing import Any, TypeVar

__all__ = ["THREAD_NAME", "Portal", "twin_repr"]

T = TypeVar("T")

THREAD_NAME = "smartalex-sync-portal"
"""Name of every portal thread, which identifies them in thread dumps."""

# NOTE: a chosen bound, so that a loop stuck in a request cannot delay interpreter exit for
# long. Closing an aiohttp session normally takes milliseconds.
_FINALIZE_TIMEOUT_SECONDS = 5.0

_CLOSED_MESSAGE = "The sync SmartAlex client is closed; create a new client to send requests."
_LOOP_THREAD_MESSAGE = (
    "A smartalex_sync method was called on its client's own event-loop thread, where waiting "
    "for the result would deadlock. Code running on that loop must use smartalex_async."
)


class _Done(enum.Enum):
    """Marks the end of an async iterator, because StopAsyncIteration cannot cross a Future."""

    DONE = enum.auto()


class _LoopThread:
    """A daemon thread running one event loop until `stop_after` is called.

    It holds no reference to the Portal, so that the Portal can be garbage-collected while the
    thread runs and its finalizer can stop the thread.
    """

    def __init__(self) -> None:
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self.thread = threading.Thread(target=self._run, name=THREAD_NAME, daemon=True)
        self.thread.start()
        self._ready.wait()
        if self._loop is None:
            raise RuntimeError("The smartalex_sync event-loop thread failed to start.")

    def _run(self) -> None:
        # asyncio.run cancels leftover tasks and closes async generators before closing the
        # loop, so a stop in the middle of an iteration leaves nothing pending.
        try:
            asyncio.run(self._serve())
        finally:
            self._ready.set()

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        self._ready.set()
        await self._stop.wait()

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        assert self._loop is not None, "set before __init__ returns"
        return self._loop

    def owns_current_thread(self) -> bool:
        return threading.get_ident() == self.thread.ident

    def submit(self, coroutine: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop)

    def stop_after(
        self, cleanup: Callable[[], Coroutine[Any, Any, T]] | None
    ) -> concurrent.futures.Future[T | None]:
        """Run `cleanup` on the loop, then end the loop even when the cleanup fails."""
        return self.submit(self._finish(cleanup))

    async def _finish(self, cleanup: Callable[[], Coroutine[Any, Any, T]] | None) -> T | None:
        assert self._stop is not None, "set before __init__ returns"
        try:
            return None if cleanup is None else await cleanup()
        finally:
            self._stop.set()


class _Runtime:
    """The lifecycle of one portal: not started, running, closed.

    Kept apart from Portal because the finalizer needs it and must not keep the Portal alive.
    """

    def __init__(self) -> None:
        # The lock orders submissions before the close: a coroutine submitted under it is
        # queued on the loop ahead of the stop, so its caller always gets a result or a
        # cancellation, never an endless wait.
        self._lock = threading.Lock()
        self._loop_thread: _LoopThread | None = None
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def thread(self) -> threading.Thread | None:
        return None if self._loop_thread is None else self._loop_thread.thread

    def owns_current_thread(self) -> bool:
        loop_thread = self._loop_thread
        return loop_thread is not None and loop_thread.owns_current_thread()

    def submit(self, coroutine: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Start the loop thread on first use and schedule `coroutine` on its loop."""
        with self._lock:
            if self._closed:
                coroutine.close()
                raise RuntimeError(_CLOSED_MESSAGE)

            if self._loop_thread is None:
                self._loop_thread = _LoopThread()
            return self._loop_thread.submit(coroutine)

    def shutdown(
        self, cleanup: Callable[[], Coroutine[Any, Any, T]] | None, timeout: float | None
    ) -> T | None:
        """Run `cleanup` on the loop, stop the loop and join its thread. Later calls do nothing.

        The cleanup is skipped when the loop never ran, because all async code runs on it.
        """
        with self._lock:
            if self._closed:
                return None
            self._closed = True
            loop_thread = self._loop_thread

        if loop_thread is None:
            return None

        future = loop_thread.stop_after(cleanup)
        if loop_thread.owns_current_thread():
            # Only a finalizer gets here, because Portal.close raises on this thread. The
            # loop ends once the cleanup finishes, and nothing may block the loop before that.
            return None
        try:
            return future.result(timeout)
        finally:
            loop_thread.thread.join(timeout)


def _wait(future: concurrent.futures.Future[T]) -> T:
    """Return the result of `future`, cancelling it if the wait is interrupted."""
    try:
        return future.result()
    finally:
        # On KeyboardInterrupt the coroutine would otherwise keep running on the loop.
        if not future.done():
            future.cancel()


async def _next_or_done(iterator: AsyncIterator[T]) -> T | _Done:
    try:
        return await iterator.__anext__()
    except StopAsyncIteration:
        return _Done.DONE


class Portal:
    """Runs the coroutines of one sync client on a private event-loop thread.

    The daemon thread and its loop start on the first call. After `close()`, every call
    raises RuntimeError. A portal that is garbage-collected, or still open at interpreter exit,
    runs the `cleanup` given here and stops its thread, so an unclosed client neither hangs
    exit nor leaves an unclosed aiohttp session behind.
    """

    def __init__(self, cleanup: Callable[[], Coroutine[Any, Any, object]] | None = None) -> None:
        self._runtime = _Runtime()
        # The finalizer is tied to the portal rather than to the client, because resource
        # objects and open iterators keep using the portal after the client object is dropped.
        self._finalizer = weakref.finalize(
            self, self._runtime.shutdown, cleanup, _FINALIZE_TIMEOUT_SECONDS
        )

    @property
    def thread(self) -> threading.Thread | None:
        """The event-loop thread, or None before the first call."""
        return self._runtime.thread

    @property
    def closed(self) -> bool:
        """True once `close()` was called."""
        return self._runtime.closed

    def call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run `coroutine` on the portal's loop and return its result or raise its exception.

        The exception is the original object, so its type, message and `__cause__` are kept.
        Raises RuntimeError when the portal is closed or when called on the loop's own thread.
        """
        if self._runtime.owns_current_thread():
            coroutine.close()
            raise RuntimeError(_LOOP_THREAD_MESSAGE)

        return _wait(self._runtime.submit(coroutine))

    def iterate(self, iterator: AsyncIterator[T]) -> Generator[T, None, None]:
        """Yield the items of `iterator`, pulling each one through the loop when it is needed.

        Closing the returned generator early, or dropping it, closes `iterator` on the loop.
        """
        exhausted = False
        try:
            while True:
                item = self.call(_next_or_done(iterator))
                if isinstance(item, _Done):
                    exhausted = True
                    return
                yield item
        finally:
            if not exhausted:
                self._close_iterator(iterator)

    def _close_iterator(self, iterator: AsyncIterator[T]) -> None:
        close = getattr(iterator, "aclose", None)
        if close is None or self._runtime.closed:
            # A closed portal's loop already closed its async generators on the way out.
            return

        if self._runtime.owns_current_thread():
            # Only garbage collection closes the iterator on this thread, and blocking here
            # would deadlock. asyncio's async-generator finalizer closes it instead.
            return

        try:
            self.call(close())
        except RuntimeError:
            # The portal was closed by another thread in between; its loop closed the
            # generator while shutting down.
            if not self._runtime.closed:
                raise

    def close(self, cleanup: Callable[[], Coroutine[Any, Any, T]] | None = None) -> T | None:
        """Run `cleanup` on the loop, then stop the loop and join its thread.

        Returns the cleanup's result. A second call does nothing and returns None, and so does
        a call when the loop never started, since nothing can be open then. Calls in flight on
        other threads are cancelled once the cleanup finishes.
        """
        if self._runtime.owns_current_thread():
            raise RuntimeError(_LOOP_THREAD_MESSAGE)

        self._finalizer.detach()
        return self._runtime.shutdown(cleanup, None)


def twin_repr(sync_object: object, async_object: object) -> str:
    """Return the repr of `async_object` with the sync class name in place of the async one.

    The async repr decides what is shown, so whatever it hides, such as the API key, stays
    hidden.
    """
    text = repr(async_object)
    async_name = type(async_object).__name__
    sync_name = type(sync_object).__name__
    if text.startswith(async_name + "("):
        return sync_name + text[len(async_name) :]
    return f"{sync_name}({text})"
