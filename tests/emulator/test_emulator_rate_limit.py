"""Per-key rate limits: X-RateLimit-* headers, 429 beyond the limit, window resets, keys."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from smartalex_async.emulator import Emulator, EmulatorState, FaultConfig, run_emulator


class SteppedClock:
    """A monotonic clock for the emulator that moves only when a test advances it."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> SteppedClock:
    return SteppedClock()


@pytest.fixture
async def limited(clock: SteppedClock) -> AsyncIterator[Emulator]:
    """An emulator that admits 3 requests per minute for each of the keys sk_a and sk_b."""
    state = EmulatorState(api_keys={"sk_a", "sk_b"}, faults=FaultConfig(rate_limit_per_minute=3))
    state.monotonic = clock
    async with run_emulator(state=state) as emulator:
        yield emulator


@pytest.fixture
async def client() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def send(
    client: aiohttp.ClientSession, emulator: Emulator, api_key: str = "sk_a"
) -> aiohttp.ClientResponse:
    """POST a contact with api_key and return the response with its body read."""
    async with client.post(
        f"{emulator.base_url}/contacts",
        json={"first_name": "Ada"},
        headers={"Authorization": f"Bearer {api_key}"},
    ) as response:
        await response.read()

    return response


async def test_headers_on_each_response(limited: Emulator, client: aiohttp.ClientSession) -> None:
    responses = [await send(client, limited) for _ in range(3)]

    assert [response.status for response in responses] == [201, 201, 201]
    assert [response.headers["X-RateLimit-Limit"] for response in responses] == ["3"] * 3
    assert [response.headers["X-RateLimit-Remaining"] for response in responses] == [
        "2",
        "1",
        "0",
    ]
    assert [response.headers["X-RateLimit-Reset"] for response in responses] == ["60"] * 3


async def test_request_beyond_limit_429(limited: Emulator, client: aiohttp.ClientSession) -> None:
    for _ in range(3):
        await send(client, limited)

    response = await send(client, limited)
    body = await response.json()

    assert response.status == 429
    assert body["error"]["code"] == "rate_limited"
    assert "3 requests per minute" in body["error"]["message"]
    assert response.headers["Retry-After"] == "60"
    assert response.headers["X-RateLimit-Limit"] == "3"
    assert response.headers["X-RateLimit-Remaining"] == "0"
    assert response.headers["X-RateLimit-Reset"] == "60"
    assert "X-Request-Id" in response.headers


async def test_rejected_skips_handler(limited: Emulator, client: aiohttp.ClientSession) -> None:
    for _ in range(5):
        await send(client, limited)

    assert len(limited.state.contacts) == 3
    assert limited.state.stats.rate_limited == 2
    assert limited.state.stats.requests == {"POST /v1/contacts": 5}


async def test_reset_rounds_up(
    limited: Emulator, client: aiohttp.ClientSession, clock: SteppedClock
) -> None:
    for _ in range(3):
        await send(client, limited)

    clock.advance(10.5)
    response = await send(client, limited)

    assert response.status == 429
    assert response.headers["Retry-After"] == "50"
    assert response.headers["X-RateLimit-Reset"] == "50"


async def test_window_reset_admits(
    limited: Emulator, client: aiohttp.ClientSession, clock: SteppedClock
) -> None:
    for _ in range(4):
        await send(client, limited)

    clock.advance(59.9)
    just_before = await send(client, limited)
    clock.advance(0.1)
    after = await send(client, limited)

    assert just_before.status == 429
    assert just_before.headers["Retry-After"] == "1"
    assert after.status == 201
    assert after.headers["X-RateLimit-Remaining"] == "2"
    assert after.headers["X-RateLimit-Reset"] == "60"


async def test_window_starts_at_first_request(
    limited: Emulator, client: aiohttp.ClientSession, clock: SteppedClock
) -> None:
    await send(client, limited)
    clock.advance(30)
    second = await send(client, limited)
    clock.advance(30)
    third = await send(client, limited)

    assert second.headers["X-RateLimit-Reset"] == "30"
    assert second.headers["X-RateLimit-Remaining"] == "1"
    assert third.headers["X-RateLimit-Remaining"] == "2"
    assert third.headers["X-RateLimit-Reset"] == "60"


async def test_keys_limited_separately(limited: Emulator, client: aiohttp.ClientSession) -> None:
    for _ in range(4):
        await send(client, limited, "sk_a")

    other = await send(client, limited, "sk_b")

    assert other.status == 201
    assert other.headers["X-RateLimit-Remaining"] == "2"


async def test_headers_on_error_response(limited: Emulator, client: aiohttp.ClientSession) -> None:
    async with client.get(
        f"{limited.base_url}/contacts/contact_missing",
        headers={"Authorization": "Bearer sk_a"},
    ) as response:
        pass

    assert response.status == 404
    assert response.headers["X-RateLimit-Remaining"] == "2"


async def test_unauthorized_skips_limit(limited: Emulator, client: aiohttp.ClientSession) -> None:
    async with client.get(f"{limited.base_url}/contacts") as unauthorized:
        pass

    response = await send(client, limited)

    assert unauthorized.status == 401
    assert "X-RateLimit-Limit" not in unauthorized.headers
    assert response.headers["X-RateLimit-Remaining"] == "2"


async def test_no_limit_no_headers(client: aiohttp.ClientSession) -> None:
    async with run_emulator(api_keys=["sk_a"]) as emulator:
        responses = [await send(client, emulator) for _ in range(5)]

    assert [response.status for response in responses] == [201] * 5
    assert "X-RateLimit-Limit" not in responses[0].headers
    assert "X-RateLimit-Remaining" not in responses[0].headers
    assert "X-RateLimit-Reset" not in responses[0].headers


async def test_limit_set_after_setup(clock: SteppedClock, client: aiohttp.ClientSession) -> None:
    async with run_emulator(api_keys=["sk_a"]) as emulator:
        emulator.state.monotonic = clock
        unlimited = await send(client, emulator)
        emulator.state.faults = FaultConfig(rate_limit_per_minute=1)
        first = await send(client, emulator)
        second = await send(client, emulator)

    assert "X-RateLimit-Limit" not in unlimited.headers
    assert first.status == 201
    assert second.status == 429


async def test_limit_before_injected_fault(
    clock: SteppedClock, client: aiohttp.ClientSession
) -> None:
    config = FaultConfig(rate_limit_per_minute=1, server_error_rate=1.0)
    async with run_emulator(api_keys=["sk_a"], faults=config) as emulator:
        emulator.state.monotonic = clock
        first = await send(client, emulator)
        second = await send(client, emulator)

    assert first.status == 500
    assert first.headers["X-RateLimit-Remaining"] == "0"
    assert second.status == 429
    assert emulator.state.stats.faults == {"server_error": 1}
    assert emulator.state.stats.rate_limited == 1
