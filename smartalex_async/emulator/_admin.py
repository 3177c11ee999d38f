"""Admin endpoints under ``/_emulator``, a prefix that the SDK never calls.

They need the same Bearer key as the API, but they get no rate limit and no injected faults
and are not counted in the stats, so test tooling can drive an emulator that injects faults.

- ``POST /_emulator/reset`` deletes every campaign, contact and call. API keys, settings,
  stats and the clock stay.
- ``GET /_emulator/state`` returns the data, the clock, the plan, the call interval and the
  stats as JSON.
- ``POST /_emulator/clock/advance`` with ``{"seconds": N}`` moves the simulated clock ahead
  by N seconds, runs the campaigns through that time and returns the new time, the status
  changes and the number of calls placed.
"""

from __future__ import annotations

import math
from collections import Counter

import attrs
from aiohttp import web

from ._errors import invalid_request
from ._state import EmulatorState
from ._traffic import EmulatorStats
from ._validation import JsonObject, describe_value, parse_json_object

ADMIN_PREFIX = "/_emulator"


@attrs.frozen
class AdminHandlers:
    """The admin request handlers of one emulator state."""

    state: EmulatorState

    def routes(self) -> list[web.RouteDef]:
        return [
            web.post(f"{ADMIN_PREFIX}/reset", self.reset),
            web.get(f"{ADMIN_PREFIX}/state", self.dump_state),
            web.post(f"{ADMIN_PREFIX}/clock/advance", self.advance_clock),
        ]

    async def reset(self, request: web.Request) -> web.Response:
        """POST /_emulator/reset: delete the data and return how much was deleted."""
        removed = {
            "campaigns_removed": len(self.state.campaigns),
            "contacts_removed": len(self.state.contacts),
        }
        self.state.reset()
        return web.json_response({"data": removed})

    async def dump_state(self, request: web.Request) -> web.Response:
        """GET /_emulator/state: the snapshot plus the plan, call interval and stats."""
        return web.json_response({"data": describe_state(self.state)})

    async def advance_clock(self, request: web.Request) -> web.Response:
        """POST /_emulator/clock/advance: advance the clock by the body's seconds."""
        body = parse_json_object(await request.read())
        seconds = _read_seconds(body)
        try:
            result = self.state.advance(seconds)
        except ValueError as error:
            raise invalid_request(str(error)) from None

        return web.json_response({"data": {"advanced_seconds": seconds, **result.to_json()}})


def describe_state(state: EmulatorState) -> JsonObject:
    """Return the JSON of GET /_emulator/state."""
    plan = state.plan
    return {
        **state.snapshot().to_json(),
        "plan": {
            "name": plan.name,
            "requests_per_minute": plan.requests_per_minute,
            "max_contacts": plan.max_contacts,
        },
        # The limit in effect, which --rate-limit or state.faults may set apart from the plan.
        "rate_limit_per_minute": state.faults.rate_limit_per_minute,
        "call_interval_seconds": state.call_interval_seconds,
        "stats": describe_stats(state.stats),
    }


def describe_stats(stats: EmulatorStats) -> JsonObject:
    """Return every counter of the stats as JSON, each Counter as an object."""
    described: JsonObject = {}
    for field in attrs.fields(EmulatorStats):
        value = getattr(stats, field.name)
        described[field.name] = dict(value) if isinstance(value, Counter) else value

    return described


def _read_seconds(body: JsonObject) -> float:
    if "seconds" not in body:
        raise invalid_request('seconds is required; send a JSON body such as {"seconds": 3600}.')

    seconds = body["seconds"]
    is_number = isinstance(seconds, (int, float)) and not isinstance(seconds, bool)
    if not is_number or not 0 <= seconds < math.inf:
        raise invalid_request(
            f"seconds must be a finite number of at least 0; got {describe_value(seconds)}. "
            "The simulated clock only moves forward."
        )

    return float(seconds)
