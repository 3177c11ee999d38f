"""The HTTP layer: one aiohttp session per client, retries, rate limiting and error mapping.

This is the one place that turns aiohttp exceptions and error responses into SDK errors.
The retry decisions themselves live in `_retry`, the pacing in `_ratelimit`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import os
import platform
import time
import weakref
from collections.abc import AsyncGenerator, Mapping, Sequence
from typing import Any
from urllib.parse import quote

import aiohttp
import attrs

from ._clock import Clock
from ._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    OutcomeUnknownError,
    SmartAlexError,
    error_from_response,
)
from ._ratelimit import RateLimiter, RateLimitState
from ._retry import Action, Failure, RequestKind, backoff_delay, decide, parse_retry_after
from ._types import Timeout
from ._version import __version__

__all__ = ["DEFAULT_MAX_RETRIES", "DEFAULT_TIMEOUT", "Transport", "as_client_timeout"]

logger = logging.getLogger("smartalex.http")

DEFAULT_TIMEOUT = aiohttp.ClientTimeout(total=60, connect=10, sock_read=30)
"""Seconds: 60 for a whole attempt, 10 to connect, 30 between two reads of the response."""

DEFAULT_MAX_RETRIES = 4
"""Retries after the first attempt, so at most five attempts per request."""

USER_AGENT = (
    f"smartalex-python/{__version__} aiohttp/{aiohttp.__version__} "
    f"python/{platform.python_version()}"
)


def as_client_timeout(timeout: Timeout) -> aiohttp.ClientTimeout | None:
    """Turn seconds into a ClientTimeout for the whole attempt; pass others through."""
    if timeout is None or isinstance(timeout, aiohttp.ClientTimeout):
        return timeout
    return aiohttp.ClientTimeout(total=timeout)


# Not frozen: a frozen attrs class sets each field through object.__setattr__, which is
# slower, and this object is built once per request.
@attrs.define
class _Call:
    """One logical request, which may take several attempts."""

    method: str
    path_template: str
    path: str
    json_body: Any
    params: Mapping[str, Any] | None
    kind: RequestKind
    timeout: aiohttp.ClientTimeout | None
    decode_success: bool


class _RetryLater(Exception):
    """An attempt failed in a way the retry table allows retrying."""

    def __init__(self, error: SmartAlexError, delay: float | None) -> None:
        super().__init__(str(error))
        self.error = error
        self.delay = delay


def _classify_exception(exc: BaseException) -> Failure | None:
    """Return the failure an aiohttp exception stands for, or None when it is not retryable."""
    if isinstance(exc, (aiohttp.ClientSSLError, aiohttp.InvalidURL)):
        return None
    if isinstance(exc, (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)):
        return Failure.NOT_SENT
    if isinstance(exc, asyncio.TimeoutError):
        return Failure.READ_TIMEOUT
    return Failure.CONNECTION_LOST


class Transport:
    """Sends the requests of one client and decodes the API's JSON envelopes.

    The aiohttp session is created on first use inside the running event loop, and again when
    the client is used from another loop, because a session is bound to the loop it was
    created in. A client is meant to be used from one event loop at a time.
    """

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str,
        timeout: aiohttp.ClientTimeout,
        max_retries: int = DEFAULT_MAX_RETRIES,
        requests_per_minute: float | None = None,
        trace_configs: Sequence[aiohttp.TraceConfig] = (),
    ) -> None:
        self._headers = {
            "Authorization": f"Bearer {api_key}",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        }
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout
        self._trace_configs = list(trace_configs)
        self.max_retries = max_retries
        self.clock = Clock()
        self.limiter = RateLimiter(requests_per_minute=requests_per_minute, clock=self.clock)
        self._session: aiohttp.ClientSession | None = None
        self._session_loop: asyncio.AbstractEventLoop | None = None
        self._session_closer: AsyncGenerator[None, None] | None = None
        _live_transports.add(self)

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def rate_limit(self) -> RateLimitState | None:
        return self.limiter.state

    async def _get_session(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is not None and self._session_loop is not loop:
            # The session belongs to an earlier loop. When that loop ended through
            # asyncio.run, its shutdown already closed the session (see _close_at_loop_end).
            self._session = None
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                headers=self._headers,
                timeout=self._timeout,
                trace_configs=self._trace_configs or None,
            )
            self._session_loop = loop
            self._session_closer = _close_at_loop_end(self._session)
            await self._session_closer.__anext__()
        return self._session

    async def request(
        self,
        method: str,
        path_template: str,
        *,
        path_params: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        kind: RequestKind | None = None,
        timeout: Timeout = None,
        decode_success: bool = True,
    ) -> Any:
        """Send a request, retrying as the retry table allows; return the decoded JSON body.

        `path_template` names the endpoint in logs (`/campaigns/{campaign_id}`); the values
        of `path_params` are percent-encoded into it. `kind` defaults to SAFE for GET and
        UNSAFE otherwise. Returns None for an empty body, and for any success body when
        `decode_success` is False; error bodies are always decoded.
        """
        path = path_template.format_map(
            {name: _quote_segment(value) for name, value in (path_params or {}).items()}
        )
        call = _Call(
            method=method,
            path_template=path_template,
            path=path,
            json_body=json_body,
            params=params,
            kind=kind or (RequestKind.SAFE if method == "GET" else RequestKind.UNSAFE),
            timeout=as_client_timeout(timeout),
            decode_success=decode_success,
        )
        attempts = self.max_retries + 1
        for attempt in range(1, attempts + 1):
            try:
                return await self._attempt(call, attempt)
            except _RetryLater as retry:
                if attempt == attempts:
                    raise retry.error from retry.error.__cause__
                delay = retry.delay if retry.delay is not None else backoff_delay(attempt)
                logger.info(
                    "Retrying %s %s in %.2f s (attempt %d of %d failed: %s).",
                    method,
                    path_template,
                    delay,
                    attempt,
                    attempts,
                    retry.error,
                )
                await self.clock.sleep(delay)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _attempt(self, call: _Call, attempt: int) -> Any:
        session = await self._get_session()
        await self.limiter.acquire()
        # Elapsed time in logs is real time, even when tests replace the clock.
        started = time.perf_counter()
        headers: Mapping[str, str] | None = None
        try:
            status, headers, raw = await self._send(session, call)
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            self._log_attempt(call, attempt, "failed", started, None)
            failure = self._connection_failure(call, exc)
            raise failure from failure.__cause__
        finally:
            self.limiter.release(headers)

        request_id = headers.get("X-Request-Id")
        self._log_attempt(call, attempt, status, started, request_id)
        if status < 300:
            return _decode_body(raw) if call.decode_success else None
        body = _decode_body(raw)
        failure = self._status_failure(call, status, headers, body, request_id)
        raise failure from failure.__cause__

    async def _send(
        self, session: aiohttp.ClientSession, call: _Call
    ) -> tuple[int, Mapping[str, str], bytes]:
        options: dict[str, Any] = {"json": call.json_body, "params": call.params}
        if call.timeout is not None:
            options["timeout"] = call.timeout
        url = self._base_url + call.path
        async with session.request(call.method, url, allow_redirects=False, **options) as response:
            return response.status, response.headers, await response.read()

    def _log_attempt(
        self, call: _Call, attempt: int, status: int | str, started: float, request_id: str | None
    ) -> None:
        if not logger.isEnabledFor(logging.DEBUG):
            return
        elapsed_ms = (time.perf_counter() - started) * 1000
        logger.debug(
            "%s %s -> %s (attempt %d, %.1f ms, request %s)",
            call.method,
            call.path_template,
            status,
            attempt,
            elapsed_ms,
            request_id,
        )

    def _connection_failure(self, call: _Call, exc: BaseException) -> BaseException:
        """Return the exception to raise for an attempt that got no response."""
        description = f"{call.method} {call.path}"
        if isinstance(exc, asyncio.TimeoutError):
            error: SmartAlexError = APITimeoutError(
                f"{description} timed out.", method=call.method, url=self._base_url + call.path
            )
        elif isinstance(exc, aiohttp.ClientConnectorError):
            error = APIConnectionError(
                f"{description} failed: could not connect to {exc.host}:{exc.port} "
                f"({exc.os_error.strerror or exc.os_error}). Check base_url and that the "
                "server is running.",
                method=call.method,
                url=self._base_url + call.path,
            )
        else:
            error = APIConnectionError(
                f"{description} failed before a response arrived: {exc!r}",
                method=call.method,
                url=self._base_url + call.path,
            )
        error.__cause__ = exc
        failure = _classify_exception(exc)
        if failure is None:
            return error
        return self._settle(call, failure, error, None)

    def _status_failure(
        self,
        call: _Call,
        status: int,
        headers: Mapping[str, str],
        body: Any,
        request_id: str | None,
    ) -> BaseException:
        """Return the exception to raise for an error status."""
        if 300 <= status < 400:
            return APIStatusError(
                f"The server redirected to {headers.get('Location')!r}; API calls do not "
                "follow redirects, so that the API key never reaches another origin. "
                "Check base_url.",
                status=status,
                request_id=request_id,
                body=body,
            )
        retry_after = parse_retry_after(headers.get("Retry-After"), now=self.clock.time())
        error = error_from_response(status, body, request_id=request_id, retry_after=retry_after)
        failure = Failure.from_status(status)
        if failure is None:
            return error
        if failure is Failure.TOO_MANY_REQUESTS:
            self.limiter.pause(retry_after if retry_after is not None else backoff_delay(1))
        return self._settle(call, failure, error, retry_after)

    def _settle(
        self, call: _Call, failure: Failure, error: SmartAlexError, delay: float | None
    ) -> BaseException:
        action = decide(call.kind, failure)
        if action is Action.RETRY:
            return _RetryLater(error, delay)
        if action is Action.RAISE:
            return error
        unknown = OutcomeUnknownError(
            f"{call.method} {call.path} may or may not have taken effect ({failure.name}). "
            "It was not sent again, because a replay could create a duplicate; check "
            "whether it took effect before sending it again.",
            method=call.method,
            path=call.path,
            json_body=call.json_body,
        )
        unknown.__cause__ = error
        return unknown

    async def close(self) -> None:
        """Close the session. Safe to call more than once."""
        closer, self._session_closer = self._session_closer, None
        self._session = None
        self._session_loop = None
        if closer is not None:
            await closer.aclose()

    def forget_session_after_fork(self) -> None:
        """Forget the session inherited from the parent process, without closing it.

        Runs in a forked child. The child's next request opens a new session on its own loop.
        """
        if self._session is not None:
            _keep_until_exit((self._session, self._session_closer))
        self._session = None
        self._session_loop = None
        self._session_closer = None
        self.limiter.forget_in_flight()


# ---------------------------------------------------------------------------------------------
# Fork

# A forked child inherits each session with its pooled sockets, which are the parent's open
# connections, registered in the epoll instance that parent and child share (Linux). Closing
# the session in the child unregisters those sockets from that instance, and the parent's
# next request on one of them then waits until it times out. Dropping the session is no
# better: ClientSession.__del__ and BaseConnector.__del__ warn, the connector's __del__ closes
# its sockets in the same way, and asyncio's async-generator finalizer queues the closer's
# aclose() on the parent's loop, which wakes that loop through the self-pipe it shares with
# the child. So the child keeps every inherited session and closer until it exits.
_inherited_sessions: list[object] = []

_live_transports: weakref.WeakSet[Transport] = weakref.WeakSet()


def _forget_sessions_after_fork() -> None:
    # os.register_at_fork runs this in the child, in the thread that called fork(), before
    # fork() returns there.
    for transport in list(_live_transports):
        transport.forget_session_after_fork()


def _keep_until_exit(objects: object) -> None:
    """Keep `objects` referenced until the process ends, interpreter shutdown included."""
    _inherited_sessions.append(objects)

    # Interpreter shutdown clears module globals, which frees this list. On CPython, one
    # reference that is never released keeps the objects alive through shutdown as well.
    with contextlib.suppress(ImportError, AttributeError):
        import ctypes

        ctypes.pythonapi.Py_IncRef(ctypes.py_object(objects))


if hasattr(os, "register_at_fork"):
    # Not on Windows, which has no fork().
    os.register_at_fork(after_in_child=_forget_sessions_after_fork)


async def _close_at_loop_end(session: aiohttp.ClientSession) -> AsyncGenerator[None, None]:
    """Close `session` when this generator is closed, explicitly or by its loop's shutdown.

    asyncio.run (and any loop runner that calls `loop.shutdown_asyncgens()`) closes every
    suspended async generator of the loop before closing the loop. Parking one here lets a
    client whose user never called close() release its sockets while their loop still runs,
    so that using the client again from a new loop leaks nothing.
    """
    try:
        yield
    finally:
        await session.close()


@functools.lru_cache(maxsize=256)
def _quote_segment(value: str) -> str:
    """Percent-encode `value` as one path segment; cached, since a bulk add repeats its id."""
    return quote(value, safe="")


def _decode_body(raw: bytes) -> Any:
    """Decode a JSON body; an empty body is None and a non-JSON body is kept as text."""
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", errors="replace")
