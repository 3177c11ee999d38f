"""Running the emulator: an async context manager for tests and a blocking serve() for the CLI."""

from __future__ import annotations

import contextlib
import logging
import socket
import sys
from collections.abc import AsyncIterator, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs
from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from ._admin import ADMIN_PREFIX
from ._app import create_app
from ._clock import SimulatedClock, format_timestamp
from ._faults import FaultConfig
from ._plans import Plan, plan_named
from ._state import DEFAULT_API_KEY, EmulatorState

logger = logging.getLogger(__name__)

# The same default port as aiohttp.web.run_app.
DEFAULT_SERVE_PORT = 8080

# serve() writes one line per request to this logger, which prints to stderr.
REQUEST_LOGGER_NAME = "smartalex_async.emulator.requests"


@attrs.frozen
class Emulator:
    """A running emulator.

    base_url ends in ``/v1``, for example ``http://127.0.0.1:54321/v1``. api_key is a key
    that the emulator accepts, and state is the store behind it.
    """

    base_url: str
    api_key: str
    state: EmulatorState

    @property
    def admin_url(self) -> str:
        """The root of the admin endpoints, for example ``http://127.0.0.1:54321/_emulator``."""
        return self.base_url.removesuffix("/v1") + ADMIN_PREFIX


@contextlib.asynccontextmanager
async def run_emulator(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    state: EmulatorState | None = None,
    api_keys: Iterable[str] | None = None,
    faults: FaultConfig | None = None,
    plan: Plan | str | None = None,
) -> AsyncIterator[Emulator]:
    """Serve the emulator on host and port until the ``async with`` block exits.

    Port 0 binds a free port, and the yielded base_url names the port actually bound. When
    api_keys is given it replaces the accepted keys of the state, and its first key in
    iteration order becomes Emulator.api_key. When faults is given it replaces the fault
    settings of the state, which tests can also change later through ``state.faults``.
    plan, a Plan or a name such as "professional", sets the contact cap and the rate
    limit, unless faults sets a rate limit of its own. Access logging is off.
    """
    state = EmulatorState() if state is None else state
    api_key = _apply_api_keys(state, api_keys)
    _apply_limits(state, plan, faults)

    runner = web.AppRunner(create_app(state), access_log=None)
    await runner.setup()

    try:
        site = web.TCPSite(runner, host, port)
        await site.start()

        # runner.addresses lists the names of the sockets that the sites listen on.
        base_url = _base_url(runner.addresses[0])
        logger.info("SmartAlex emulator started on %s.", base_url)
        yield Emulator(base_url=base_url, api_key=api_key, state=state)
    finally:
        logger.info("Stopping the SmartAlex emulator on %s.", runner.addresses)
        await runner.cleanup()


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = DEFAULT_SERVE_PORT,
    api_keys: Iterable[str] | None = None,
    faults: FaultConfig | None = None,
    plan: Plan | str | None = None,
    state_file: str | Path | None = None,
    clock_start: datetime | None = None,
    call_interval_seconds: float | None = None,
    access_log: bool = True,
) -> None:
    """Serve the emulator on host and port until Ctrl-C, printing the base URL and API key.

    Port 0 binds a free port, and the printed URL names the port actually bound. faults
    sets fault injection and rate limits, and the default injects nothing. plan sets the
    contact cap and, unless faults has one, the rate limit. state_file is loaded at start
    when it exists and written at shutdown. clock_start starts the simulated clock at that
    instant, after any state file is loaded. Each request is logged to stderr as one line,
    unless access_log is False: under load tests, writing that line costs about a tenth of
    the emulator's time per request.
    """
    state = EmulatorState()
    api_key = _apply_api_keys(state, api_keys)
    _apply_limits(state, plan, faults)
    if call_interval_seconds is not None:
        state.call_interval_seconds = call_interval_seconds

    loaded = state_file is not None and state.load(state_file)
    if clock_start is not None:
        state.clock = SimulatedClock.starting_at(clock_start)

    # Binding before run_app lets the printed line show the real port, even for port 0.
    with _bind_socket(host, port) as sock:
        base_url = _base_url(sock.getsockname())
        # Scripts read this first line for the URL and key, so its wording stays fixed.
        print(
            f"SmartAlex emulator serving {base_url} with API key {api_key}; press Ctrl-C to stop.",
            flush=True,
        )
        _print_settings(state, base_url, state_file, loaded)

        try:
            web.run_app(
                create_app(state),
                sock=sock,
                print=None,
                access_log=_request_logger() if access_log else None,
                access_log_class=RequestLogger,
            )
        finally:
            if state_file is not None:
                state.save(state_file)
                print(f"Saved the emulator state to {state_file}.", flush=True)


class RequestLogger(AbstractAccessLogger):
    """Logs each request as method, path, status and milliseconds.

    The line never contains headers, the query string or bodies, so no API key or personal
    data reaches the log.
    """

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info(
            "%s %s %d %.1f ms", request.method, request.path, response.status, time * 1000
        )


def _request_logger() -> logging.Logger:
    request_log = logging.getLogger(REQUEST_LOGGER_NAME)
    if not request_log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        request_log.addHandler(handler)
        request_log.setLevel(logging.INFO)
        # The handler above prints each line, so a handler on the root logger must not.
        request_log.propagate = False

    return request_log


def _print_settings(
    state: EmulatorState, base_url: str, state_file: str | Path | None, loaded: bool
) -> None:
    # Scripts read the fault settings from the second line, so it comes first.
    if state.faults != FaultConfig():
        print(f"Fault injection and rate limits: {state.faults}", flush=True)

    if state.plan.max_contacts is not None or state.plan.requests_per_minute is not None:
        print(f"Plan: {state.plan.describe()}.", flush=True)

    admin_url = base_url.removesuffix("/v1") + ADMIN_PREFIX
    print(f"Admin endpoints: {admin_url}/reset, /state and /clock/advance.", flush=True)
    print(f"Simulated clock: {format_timestamp(state.clock())}.", flush=True)

    if state_file is not None and loaded:
        print(
            f"Loaded {state_file} (campaigns: {len(state.campaigns)}, contacts: "
            f"{len(state.contacts)}); the state is saved there at shutdown.",
            flush=True,
        )
    elif state_file is not None:
        print(f"{state_file} does not exist yet; the state is saved there at shutdown.", flush=True)


def _apply_limits(
    state: EmulatorState, plan: Plan | str | None, faults: FaultConfig | None
) -> None:
    """Set the plan, then the faults. Faults without a rate limit keep the plan's limit."""
    if plan is not None:
        state.plan = plan_named(plan) if isinstance(plan, str) else plan

    if faults is not None:
        if faults.rate_limit_per_minute is None:
            faults = attrs.evolve(faults, rate_limit_per_minute=state.plan.requests_per_minute)
        state.faults = faults


def _apply_api_keys(state: EmulatorState, api_keys: Iterable[str] | None) -> str:
    """Replace the accepted keys of state when api_keys is given, and return one accepted key.

    With api_keys the returned key is the first one in iteration order (arbitrary for a set).
    Without api_keys it is DEFAULT_API_KEY if the state accepts it, else the smallest key.
    """
    if isinstance(api_keys, str):
        raise TypeError("api_keys must be a collection of keys, not one string; wrap it in a list.")

    given_keys = None if api_keys is None else list(api_keys)
    if given_keys is not None:
        state.api_keys = set(given_keys)

    if not state.api_keys:
        raise ValueError("The emulator needs at least one API key; pass a non-empty api_keys.")

    if given_keys:
        return given_keys[0]

    return DEFAULT_API_KEY if DEFAULT_API_KEY in state.api_keys else min(state.api_keys)


def _bind_socket(host: str, port: int) -> socket.socket:
    family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    return socket.create_server((host, port), family=family)


def _base_url(address: Any) -> str:
    """Build the base URL from a socket name: (host, port) for IPv4, a 4-tuple for IPv6."""
    host, port = address[0], address[1]
    if ":" in host:
        host = f"[{host}]"

    return f"http://{host}:{port}/v1"
