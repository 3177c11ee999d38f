"""Request counters and the admission decision for one request to a /v1 route."""

from __future__ import annotations

from collections import Counter

import attrs

from ._faults import Fault, FaultConfig
from ._ratelimit import RateLimitStatus


@attrs.define
class EmulatorStats:
    """Counters of the requests that an emulator received, for tests to read.

    requests maps a route such as ``POST /v1/contacts`` or ``GET /v1/contacts/{contact_id}``
    to the number of requests that matched it, including rejected ones. Unknown paths and
    wrong methods are not counted. faults maps a Fault value such as ``drop_after_apply`` to
    the number of times it was injected. rate_limited counts the requests that a per-key
    rate limit rejected, which are separate from injected ``rate_limited`` faults.
    stalls_disconnected counts the ``stall_after_headers`` responses that ended because the
    client closed the connection, not because the emulator shut down.
    Assign a new EmulatorStats to the state to start counting from zero.
    """

    requests: Counter[str] = attrs.field(factory=Counter)
    faults: Counter[str] = attrs.field(factory=Counter)
    rate_limited: int = 0
    stalls_disconnected: int = 0


@attrs.frozen
class Admission:
    """The decision for one authenticated request to a /v1 route, taken when it arrives.

    config is the FaultConfig in effect at arrival. fault is the injected fault or None.
    rate_limit is None when the config sets no rate limit.
    """

    config: FaultConfig
    fault: Fault | None
    rate_limit: RateLimitStatus | None

    def headers(self) -> dict[str, str]:
        """Return the X-RateLimit-* headers for the response, or no headers without a limit."""
        return {} if self.rate_limit is None else self.rate_limit.headers()
