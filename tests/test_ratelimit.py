"""The client-side rate limiter: pacing, header budgets and pauses, on a fake clock."""

from __future__ import annotations

import asyncio

import pytest
from fakes import FakeClock

from smartalex_async import RatePlan
from smartalex_async._ratelimit import RateLimiter, RateLimitState


async def send(limiter: RateLimiter, headers: dict[str, str] | None = None) -> None:
    await limiter.acquire()
    limiter.release(headers)


async def test_pacing_spaces_requests() -> None:
    clock = FakeClock()
    limiter = RateLimiter(requests_per_minute=RatePlan.PROFESSIONAL, clock=clock)
    start = clock.now

    for _ in range(5):
        await send(limiter)

    assert clock.now - start == pytest.approx(4.0)


async def test_pacing_shared_by_tasks() -> None:
    clock = FakeClock()
    limiter = RateLimiter(requests_per_minute=600, clock=clock)
    start = clock.now

    await asyncio.gather(*(send(limiter) for _ in range(11)))

    assert clock.now - start == pytest.approx(1.0)


async def test_no_wait_without_limits() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock)

    for _ in range(100):
        await send(limiter)

    assert clock.sleeps == []


async def test_spent_window_waits_for_reset() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock)
    spent = {"X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "12"}

    await send(limiter, spent)
    await send(limiter)

    assert clock.sleeps == [pytest.approx(12.0)]


async def test_in_flight_counts_against_budget() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock)
    two_left = {"X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "2", "X-RateLimit-Reset": "30"}
    await send(limiter, two_left)

    await limiter.acquire()
    await limiter.acquire()
    third = asyncio.ensure_future(limiter.acquire())
    await asyncio.sleep(0)

    assert clock.sleeps == [pytest.approx(30.0)]
    await third


async def test_epoch_reset_read_as_delay() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock)
    headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(clock.now) + 20)}

    await send(limiter, headers)

    assert limiter.state == RateLimitState(limit=None, remaining=0, reset_after=20.0)


async def test_pause_holds_every_request() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock)

    start = clock.now
    sent_at: list[float] = []

    async def send_and_record() -> None:
        await send(limiter)
        sent_at.append(clock.now)

    limiter.pause(5.0)
    await asyncio.gather(send_and_record(), send_and_record())

    assert len(sent_at) == 2
    assert min(sent_at) >= start + 5.0


@pytest.mark.parametrize("value", ["abc", "-1", ""])
async def test_malformed_headers_ignored(value: str) -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock)

    await send(limiter, {"X-RateLimit-Remaining": value})
    await send(limiter)

    assert clock.sleeps == []


async def test_first_request_goes_alone() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock)
    spent = {"X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "30"}

    await limiter.acquire()
    waiting = asyncio.ensure_future(limiter.acquire())
    await asyncio.sleep(0)
    assert not waiting.done()

    limiter.release(spent)
    await waiting

    assert clock.sleeps == [pytest.approx(30.0)]


async def test_failed_first_request_releases_others() -> None:
    limiter = RateLimiter(clock=FakeClock())

    await limiter.acquire()
    waiting = asyncio.ensure_future(limiter.acquire())
    await asyncio.sleep(0)
    limiter.release(None)
    await waiting

    assert waiting.done()
