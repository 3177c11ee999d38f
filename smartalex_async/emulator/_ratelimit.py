"""Per-key rate limits with a fixed 60-second window.

A key's window starts with its first request after the previous window ended, and admits
the limit's number of requests. Requests beyond it are rejected until the window ends and
do not count. All times come from the state's monotonic clock, in seconds.
"""

from __future__ import annotations

import math

import attrs

from ._errors import ApiError

WINDOW_SECONDS = 60.0


@attrs.frozen
class RateLimitStatus:
    """The outcome of one request under a key's rate limit.

    limit is the number of requests per window, remaining the number still admitted in
    the current window after this request, and reset_seconds the whole seconds until the
    window ends, rounded up. allowed is False when the request exceeds the limit.
    """

    limit: int
    remaining: int
    reset_seconds: int
    allowed: bool

    def headers(self) -> dict[str, str]:
        """Return the X-RateLimit-* headers that every response to a limited key carries.

        X-RateLimit-Reset is a delay in seconds, not an epoch timestamp.
        """
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_seconds),
        }

    def error(self) -> ApiError:
        """Return the 429 ``rate_limited`` error for a rejected request."""
        return ApiError(
            "rate_limited",
            f"The API key exceeded its limit of {self.limit} requests per minute; "
            f"retry after {self.reset_seconds} seconds.",
            headers={"Retry-After": str(self.reset_seconds), **self.headers()},
        )


@attrs.define
class _Window:
    start: float
    admitted: int = 0


@attrs.define
class RateLimiter:
    """The current window of each API key that has sent a request while a limit was set."""

    _windows: dict[str, _Window] = attrs.field(factory=dict, init=False)

    def admit(self, api_key: str, limit: int, now: float) -> RateLimitStatus:
        """Count one request of api_key at time now and return whether the limit admits it."""
        window = self._windows.get(api_key)
        if window is None or now - window.start >= WINDOW_SECONDS:
            window = _Window(start=now)
            self._windows[api_key] = window

        allowed = window.admitted < limit
        if allowed:
            window.admitted += 1

        # Elapsed time first, so a large clock value does not add rounding error to the delay.
        seconds_left = WINDOW_SECONDS - (now - window.start)
        # A test can lower the limit below the count already admitted in this window.
        return RateLimitStatus(
            limit=limit,
            remaining=max(limit - window.admitted, 0),
            reset_seconds=math.ceil(seconds_left),
            allowed=allowed,
        )
