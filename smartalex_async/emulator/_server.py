"""Running the emulator: an async context manager for tests and a blocking serve() for the CLI."""

from __future__ import annotations

import contextlib
import logging
import socket
from collections.abc import AsyncIterator, Iterable
from typing import Any

import attrs
from aiohttp import web

from ._app import create_app
from ._faults import FaultConfig
from ._state import DEFAULT_API_KEY, EmulatorState

logger = logging.getLogger(__name__)

# The same default port as aiohttp.web.run_app.
DEFAULT_SERVE_PORT = 8080


@attrs.frozen
class Emulator:
    """A running emulator.

    base_url ends in ``/v1``, for example ``http://127.0.0.1:54321/v1``. api_key is a key
    that the emulator accepts, and state is the store behind it.
    """

    base_url: str
    api_key: str
    state: EmulatorState


@contextlib.asynccontextmanager
async def run_emulator(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    state: EmulatorState | None = None,
    api_keys: Iterable[str] | None = None,
    faults: FaultConfig | None = None,
) -> AsyncIterator[Emulator]:
    """Serve the emulator on host and port until the ``async with`` block exits.

    Port 0 binds a free port, and the yielded base_url names the port actually bound. When
    api_keys is given it replaces the accepted keys of the state, and its first key in
    iteration order becomes Emulator.api_key. When faults is given it replaces the fault
    settings of the state, which tests can also change later through ``state.faults``.
    Access logging is off.
    """
    state = EmulatorState() if state is None else state
    api_key = _apply_api_keys(state, api_keys)
    if faults is not None:
        state.faults = faults

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
) -> None:
    """Serve the emulator on host and port until Ctrl-C, printing the base URL and API key.

    Port 0 binds a free port, and the printed URL names the port actually bound. faults
    sets fault injection and rate limits, and the default injects nothing.
    """
    state = EmulatorState() if faults is None else EmulatorState(faults=faults)
    api_key = _apply_api_keys(state, api_keys)

    # Binding before run_app lets the printed line show the real port, even for port 0.
    with _bind_socket(host, port) as sock:
        base_url = _base_url(sock.getsockname())
        print(
            f"SmartAlex emulator serving {base_url} with API key {api_key}; press Ctrl-C to stop.",
            flush=True,
        )
        if state.faults != FaultConfig():
            print(f"Fault injection and rate limits: {state.faults}", flush=True)

        web.run_app(create_app(state), sock=sock, print=None)


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
