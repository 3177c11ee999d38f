"""The retry table, the backoff schedule and Retry-After parsing."""

from __future__ import annotations

import random
from datetime import datetime, timezone
from email.utils import format_datetime

import pytest

from smartalex_async._retry import (
    INITIAL_BACKOFF,
    MAX_BACKOFF,
    MAX_RETRY_AFTER,
    Action,
    Failure,
    RequestKind,
    backoff_delay,
    decide,
    parse_retry_after,
)

SAFE, UNSAFE = RequestKind.SAFE, RequestKind.UNSAFE
RETRY, RAISE, UNKNOWN = Action.RETRY, Action.RAISE, Action.OUTCOME_UNKNOWN

# Every pair of request kind and failure, written out so that a change to the table shows here.
DECISIONS = [
    (SAFE, Failure.NOT_SENT, RETRY),
    (SAFE, Failure.CONNECTION_LOST, RETRY),
    (SAFE, Failure.READ_TIMEOUT, RETRY),
    (SAFE, Failure.TOO_MANY_REQUESTS, RETRY),
    (SAFE, Failure.INTERNAL_SERVER_ERROR, RETRY),
    (SAFE, Failure.BAD_GATEWAY, RETRY),
    (SAFE, Failure.SERVICE_UNAVAILABLE, RETRY),
    (SAFE, Failure.GATEWAY_TIMEOUT, RETRY),
    (UNSAFE, Failure.NOT_SENT, RETRY),
    (UNSAFE, Failure.CONNECTION_LOST, UNKNOWN),
    (UNSAFE, Failure.READ_TIMEOUT, UNKNOWN),
    (UNSAFE, Failure.TOO_MANY_REQUESTS, RETRY),
    (UNSAFE, Failure.INTERNAL_SERVER_ERROR, RAISE),
    (UNSAFE, Failure.BAD_GATEWAY, UNKNOWN),
    (UNSAFE, Failure.SERVICE_UNAVAILABLE, RETRY),
    (UNSAFE, Failure.GATEWAY_TIMEOUT, UNKNOWN),
]


def test_table_covers_every_pair() -> None:
    pairs = {(kind, failure) for kind, failure, _ in DECISIONS}

    assert pairs == {(kind, failure) for kind in RequestKind for failure in Failure}


@pytest.mark.parametrize(("kind", "failure", "action"), DECISIONS)
def test_decide(kind: RequestKind, failure: Failure, action: Action) -> None:
    assert decide(kind, failure) is action


@pytest.mark.parametrize("status", [400, 401, 404, 409, 501])
def test_other_statuses_not_retryable(status: int) -> None:
    assert Failure.from_status(status) is None


@pytest.mark.parametrize("retry", range(1, 10))
def test_backoff_within_bounds(retry: int) -> None:
    ceiling = min(MAX_BACKOFF, INITIAL_BACKOFF * 2 ** (retry - 1))

    delays = [backoff_delay(retry, rng=random.Random(seed)) for seed in range(50)]

    assert min(delays) >= ceiling / 2
    assert max(delays) <= ceiling
    assert len(set(delays)) > 1


NOW = datetime(2026, 12, 4, 12, 0, 0, tzinfo=timezone.utc).timestamp()


def http_date(seconds_from_now: float) -> str:
    moment = datetime.fromtimestamp(NOW + seconds_from_now, timezone.utc)
    return format_datetime(moment, usegmt=True)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("7", 7.0),
        ("0", 0.0),
        (" 2.5 ", 2.5),
        ("-3", None),
        ("soon", None),
        ("", None),
        ("nan", None),
        ("inf", None),
        ("1e400", None),
        (http_date(30), 30.0),
        (http_date(-30), None),
        (http_date(3600), MAX_RETRY_AFTER),
        ("600", MAX_RETRY_AFTER),
        ("Wed, 32 Foo 2026 99:99:99 GMT", None),
        ("Wed, 21 Oct", None),
        ("Mon, 01 Jan 10000 00:00:00 GMT", None),
    ],
)
def test_parse_retry_after(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header, now=NOW) == expected
