"""When to retry a failed request: one table, keyed by request kind and failure.

A request is SAFE to repeat when sending it twice has the effect of sending it once: every GET,
and adding contacts to a campaign (adding an id again changes nothing). Creating a campaign or
a contact, and starting a campaign, are UNSAFE: a replay may create a duplicate.

Every kind is retried when the request never left (the connection could not be made) and on
429 and 503, which mean the server did not process it. A SAFE request is also retried after a
read timeout, a dropped connection, or a 500, 502 or 504. For an UNSAFE request those leave the
outcome unknown, except a 500, which is the origin server's own answer and is raised as it is.
A 502 or 504 comes from a gateway and says nothing about whether the origin applied the request.
"""

from __future__ import annotations

import email.utils
import enum
import random
from datetime import datetime, timezone

__all__ = [
    "INITIAL_BACKOFF",
    "MAX_BACKOFF",
    "MAX_RETRY_AFTER",
    "Action",
    "Failure",
    "RequestKind",
    "backoff_delay",
    "decide",
    "parse_retry_after",
]

INITIAL_BACKOFF = 0.5
"""Seconds before the first retry, before jitter; each later retry doubles it."""

MAX_BACKOFF = 8.0
"""Largest computed backoff in seconds, before jitter."""

MAX_RETRY_AFTER = 60.0
"""Largest Retry-After delay in seconds that is honoured; a longer one is cut to this."""


_JITTER = random.Random()


class RequestKind(enum.Enum):
    """Whether a request may be sent again without changing its effect."""

    SAFE = "safe"
    UNSAFE = "unsafe"


class Failure(enum.Enum):
    """The kind of failure of one attempt."""

    NOT_SENT = "not sent"
    """The connection could not be made, so the server never saw the request."""
    CONNECTION_LOST = "connection lost"
    """The connection failed after the request may have reached the server."""
    READ_TIMEOUT = "read timeout"
    """The request was sent, and the response did not arrive in time."""
    TOO_MANY_REQUESTS = 429
    INTERNAL_SERVER_ERROR = 500
    BAD_GATEWAY = 502
    SERVICE_UNAVAILABLE = 503
    GATEWAY_TIMEOUT = 504

    @classmethod
    def from_status(cls, status: int) -> Failure | None:
        """Return the failure for a retryable status, or None for any other status."""
        try:
            return cls(status)
        except ValueError:
            return None


class Action(enum.Enum):
    """The decision after a failed attempt."""

    RETRY = "retry"
    RAISE = "raise"
    OUTCOME_UNKNOWN = "outcome unknown"
    """Raise OutcomeUnknownError: the request may or may not have taken effect."""


_ALWAYS_RETRIED = {Failure.NOT_SENT, Failure.TOO_MANY_REQUESTS, Failure.SERVICE_UNAVAILABLE}
_UNSAFE_ACTIONS = {
    Failure.CONNECTION_LOST: Action.OUTCOME_UNKNOWN,
    Failure.READ_TIMEOUT: Action.OUTCOME_UNKNOWN,
    Failure.INTERNAL_SERVER_ERROR: Action.RAISE,
    Failure.BAD_GATEWAY: Action.OUTCOME_UNKNOWN,
    Failure.GATEWAY_TIMEOUT: Action.OUTCOME_UNKNOWN,
}


def decide(kind: RequestKind, failure: Failure) -> Action:
    """Return what to do after `failure`, before counting attempts left."""
    if failure in _ALWAYS_RETRIED or kind is RequestKind.SAFE:
        return Action.RETRY
    return _UNSAFE_ACTIONS[failure]


def backoff_delay(retry: int, *, rng: random.Random | None = None) -> float:
    """Return the delay before retry number `retry` (1 for the first): exponential, jittered.

    The delay is drawn uniformly from the upper half of min(MAX_BACKOFF, INITIAL_BACKOFF *
    2 ** (retry - 1)), so concurrent clients spread out and no delay collapses to zero.
    """
    ceiling = min(MAX_BACKOFF, INITIAL_BACKOFF * 2.0 ** (retry - 1))
    return ceiling / 2 + (rng or _JITTER).uniform(0, ceiling / 2)


def parse_retry_after(value: str | None, *, now: float) -> float | None:
    """Return the Retry-After delay in seconds, capped at MAX_RETRY_AFTER.

    Accepts both forms of RFC 9110 section 10.2.3: delay-seconds and an HTTP date, taken
    relative to `now` (a POSIX timestamp). Returns None when the header is absent, negative,
    malformed or a date in the past, so that the caller falls back to its computed backoff.
    """
    if value is None:
        return None
    text = value.strip()
    seconds = _parse_delay_seconds(text)
    if seconds is None:
        seconds = _parse_http_date(text, now)
    if seconds is None or seconds < 0:
        return None
    return min(seconds, MAX_RETRY_AFTER)


def _parse_delay_seconds(text: str) -> float | None:
    try:
        seconds = float(text)
    except ValueError:
        return None
    return seconds if seconds == seconds and seconds != float("inf") else None


def _parse_http_date(text: str, now: float) -> float | None:
    # parsedate_to_datetime raises TypeError for some malformed input on Python 3.10, and
    # ValueError or IndexError for others, depending on the version.
    try:
        moment = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return (moment - datetime.fromtimestamp(now, timezone.utc)).total_seconds()
