"""In-memory emulator of the SmartAlex REST API (``/v1``), built on aiohttp.web.

It serves campaigns and contacts with the vendor's envelopes, error codes, pagination and
Bearer authentication. State lives in memory, and ``state.save`` and ``state.load`` (the
``--state`` option of the command) keep it in a JSON file. The package depends only on the
standard library, aiohttp and attrs, and from the SDK only on ``smartalex_async._schedule``,
which uses the standard library alone.

The clock (``state.clock``) is a SimulatedClock that follows real time until
``state.advance(seconds)`` or ``POST /_emulator/clock/advance`` moves it ahead. Started
campaigns are active inside their business hours and scheduled outside them, and advancing
the clock opens their windows, places one call per contact per ``call_interval_seconds``
and completes them (``_lifecycle.py``). The admin endpoints under ``/_emulator`` reset and
dump the state (``_admin.py``). A Plan caps the stored contacts (403
``contact_limit_reached``) and sets the per-key rate limit. docs/emulator.md describes all
of it with examples.

Usage in a test::

    async with run_emulator() as emulator:
        headers = {"Authorization": f"Bearer {emulator.api_key}"}
        async with aiohttp.ClientSession(headers=headers) as session:
            await session.get(f"{emulator.base_url}/campaigns")

Errors use the generic codes invalid_request (400), unauthorized (401), forbidden (403),
not_found (404), rate_limited (429) and server_error (500). A wrong method on a known route
gets invalid_request with status 405. The vendor gives the campaign codes no statuses, so
the emulator chooses campaign_not_found and agent_not_found as 404 and no_contacts as 400,
and adds contact_limit_reached as 403. STATUS_BY_CODE maps each code to its status, and
``_errors.py`` gives the reasons.

FaultConfig injects errors, dropped connections, stalled bodies and latency into the /v1
routes after authentication, and sets a per-key rate limit. Pass it to run_emulator, or
assign it to ``state.faults`` at any time, for example after bulk setup::

    for index in range(20_000):
        emulator.state.create_contact({"first_name": f"Contact {index}"})
    emulator.state.faults = FaultConfig(server_error_rate=0.1, seed=7)

``state.create_contact`` and the other state operations skip HTTP, faults and rate limits.
``state.stats`` counts the requests per route and the injected faults, and
``state.monotonic`` is the clock of the rate limit windows, which tests can replace.
A limited key gets X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset on every
response. X-RateLimit-Reset and Retry-After are delays in whole seconds, not timestamps.
"""

from __future__ import annotations

from ._app import create_app
from ._clock import SimulatedClock, parse_clock_start
from ._errors import STATUS_BY_CODE
from ._faults import Fault, FaultConfig
from ._lifecycle import StatusChange
from ._persistence import Snapshot
from ._plans import PLANS, Plan
from ._server import Emulator, run_emulator, serve
from ._state import (
    DEFAULT_API_KEY,
    DEFAULT_CALL_INTERVAL_SECONDS,
    SEEDED_AGENT_IDS,
    SEEDED_PHONE_NUMBER_IDS,
    AdvanceResult,
    EmulatorState,
)
from ._thread import emulator_in_thread
from ._traffic import EmulatorStats

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_CALL_INTERVAL_SECONDS",
    "PLANS",
    "SEEDED_AGENT_IDS",
    "SEEDED_PHONE_NUMBER_IDS",
    "STATUS_BY_CODE",
    "AdvanceResult",
    "Emulator",
    "EmulatorState",
    "EmulatorStats",
    "Fault",
    "FaultConfig",
    "Plan",
    "SimulatedClock",
    "Snapshot",
    "StatusChange",
    "create_app",
    "emulator_in_thread",
    "parse_clock_start",
    "run_emulator",
    "serve",
]
