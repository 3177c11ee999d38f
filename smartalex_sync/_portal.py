"""The portal: a private thread that runs one event loop for one sync client.

Every sync method submits its coroutine to this loop and blocks until the coroutine finishes.
Keeping all of a client's async code on one loop keeps its aiohttp session on that loop, and
lets the sync client work in threads that already run an event loop of their own.

The portal also handles what a blocking wrapper around async code must survive:

- Ctrl-C: a KeyboardInterrupt in the waiting thread cancels the coroutine on the loop, so the
  request's connection is closed, and then reaches the caller.
- os.fork(): the child has no loop thread, because fork copies only the calling thread, so
  each portal drops the parent's thread and starts a new one on first use.
- Interpreter exit: a portal that was never closed runs its cleanup from a `weakref.finalize`
  callback, which also runs at exit, and stops its daemon thread.

This module is written by hand; `scripts/generate_sync.py` writes the rest of the package.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import enum
import os
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

# A caller waits in slices of this length, so that the main thread runs its signal handlers,
# and raises KeyboardInterrupt, within one slice even where a signal cannot interrupt a lock
# wait: on Windows before Python 3.14, and with POSIX thread libraries such as musl. Elsewhere
# the signal interrupts the wait at once.
_WAIT_SLICE_SECONDS = 0.1

# After an interrupt, the caller waits this long for the cancelled coroutine to finish, so that
# its connection is closed before KeyboardInterrupt propagates. A chosen bound: cancelling an
# aiohttp request takes milliseconds, and Ctrl-C must still feel immediate.
_CANCEL_GRACE_SECONDS = 0.5

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
        # Not asyncio.run: its loop.shutdown_default_executor() starts a thread to join the
        # executor, and at interpreter exit, when the finalizer of an unclosed portal stops
        # this loop, Python 3.12 raises RuntimeError for a new thread. With an executor of
        # its own (aiohttp resolves host names through it), the loop shuts it down here.
        loop = asyncio.new_event_loop()
        executor = concurrent.futures.ThreadPoolExecutor(
            thread_name_prefix=f"{THREAD_NAME}-executor"
        )
        loop.set_default_executor(executor)
        try:
            loop.run_until_complete(self._serve())
        finally:
            try:
                _cancel_leftovers(loop)
            finally:
                executor.shutdown(wait=True)
                loop.close()
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


def _cancel_leftovers(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel the tasks left on `loop` and close its async generators, as asyncio.run does.

    A stop in the middle of a call or an iteration thus leaves nothing pending.
    """
    tasks = asyncio.all_tasks(loop)
    for task in tasks:
        task.cancel()
    if tasks:
        # Each call's exception already reached its caller through its future.
        loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))

    loop.run_until_complete(loop.shutdown_asyncgens())


# ---------------------------------------------------------------------------------------------
# Fork

_live_runtimes: weakref.WeakSet[_Runtime] = weakref.WeakSet()

# A forked child keeps the parent's loop objects until it exits, so that they are never
# finalized there: their descriptors are shared with the parent, and BaseEventLoop.__del__
# warns about an unclosed loop. The child cannot close them either, because a loop still
# counts as running in the parent's thread, which does not exist in the child.
_inherited_loop_threads: list[_LoopThread] = []


def _forget_parent_threads() -> None:
    # os.register_at_fork runs this in the child, in the thread that called fork(), before
    # fork() returns there. No other thread exists in the child yet.
    for runtime in list(_live_runtimes):
        runtime.forget_parent_thread()


def _keep_until_exit(loop_thread: _LoopThread) -> None:
    _inherited_loop_threads.append(loop_thread)

    # Interpreter shutdown clears module globals, which frees the list. On CPython, one
    # reference that is never released keeps the loop alive through shutdown as well.
    with contextlib.suppress(ImportError, AttributeError):
        import ctypes

        ctypes.pythonapi.Py_IncRef(ctypes.py_object(loop_thread))


if hasattr(os, "register_at_fork"):
    # Not on Windows, which has no fork().
    os.register_at_fork(after_in_child=_forget_parent_threads)


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
        _live_runtimes.add(self)

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

    def wait(
        self, future: concurrent.futures.Future[T], coroutine: Coroutine[Any, Any, T]
    ) -> BaseException | None:
        """Wait for `future` and return its exception, or None when it has a result.

        An exception raised in the waiting thread, such as the KeyboardInterrupt of Ctrl-C,
        first cancels `coroutine` on the loop and then propagates. Raises CancelledError when
        the close of the portal cancelled the call.
        """
        try:
            return _wait_for_outcome(future)
        except BaseException:
            if not future.done():
                self._cancel(future, coroutine)
            raise

    def _cancel(
        self, future: concurrent.futures.Future[T], coroutine: Coroutine[Any, Any, T]
    ) -> None:
        """Cancel the task of `coroutine` and wait a short while for it to finish."""
        # run_coroutine_threadsafe links the two futures: cancelling this one schedules
        # Task.cancel() on the loop, and the task then closes what it opened, such as the
        # HTTP connection of its request.
        future.cancel()

        try:
            settled = self.submit(_finish_task_of(coroutine))
        except RuntimeError:
            # Another thread closed the portal, and its loop cancels every task on the way out.
            return

        try:
            settled.exception(_CANCEL_GRACE_SECONDS)
        except (concurrent.futures.TimeoutError, concurrent.futures.CancelledError):
            settled.cancel()

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

    def forget_parent_thread(self) -> None:
        """Reset the runtime in a forked child, where the parent's loop thread does not exist.

        The lock is replaced because another parent thread may have held it at the fork, and
        no thread of the child will ever release it.
        """
        if self._loop_thread is not None:
            _keep_until_exit(self._loop_thread)
        self._lock = threading.Lock()
        self._loop_thread = None


# ---------------------------------------------------------------------------------------------
# Waiting


def _wait_for_outcome(future: concurrent.futures.Future[T]) -> BaseException | None:
    """Return the exception of `future`, or None, once it is done. See _WAIT_SLICE_SECONDS."""
    while True:
        try:
            return future.exception(_WAIT_SLICE_SECONDS)
        except concurrent.futures.TimeoutError:
            continue


async def _finish_task_of(coroutine: Coroutine[Any, Any, object]) -> None:
    """Wait until the task that runs `coroutine` is done, if it has not finished yet."""
    for task in asyncio.all_tasks():
        if task.get_coro() is coroutine:
            await asyncio.wait([task])
            return


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
        A KeyboardInterrupt while waiting cancels the coroutine, waits up to
        _CANCEL_GRACE_SECONDS for it to finish, and then propagates.
        """
        if self._runtime.owns_current_thread():
            coroutine.close()
            raise RuntimeError(_LOOP_THREAD_MESSAGE)

        # NOTE: a KeyboardInterrupt that arrives inside submit(), after the coroutine was
        # scheduled, does not cancel it, so it runs to its end on the loop.
        future = self._runtime.submit(coroutine)
        error = self._runtime.wait(future, coroutine)
        if error is None:
            return future.result()

        # Raising here rather than through future.result() keeps the traceback short: it
        # shows the generated method and this one, then the frames of the coroutine.
        try:
            raise error
        finally:
            # Breaks the cycle from the error through its traceback to this frame.
            del error

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
