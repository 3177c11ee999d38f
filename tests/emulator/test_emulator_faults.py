"""Fault injection seen by a plain aiohttp client on 127.0.0.1: errors, drops, stalls, latency."""

from __future__ import annotations

import asyncio
import logging
import random
import re
import sys
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest

from smartalex_async.emulator import (
    SEEDED_AGENT_IDS,
    Emulator,
    EmulatorState,
    Fault,
    FaultConfig,
    run_emulator,
)

# The status each fault produces. A dropped request has no status, so it gets None.
STATUS_BY_FAULT: dict[Fault | None, int | None] = {
    None: 201,
    Fault.SERVER_ERROR: 500,
    Fault.UNAVAILABLE: 503,
    Fault.RATE_LIMITED: 429,
    Fault.DROP_AFTER_APPLY: None,
}


def auth_headers(emulator: Emulator) -> dict[str, str]:
    return {"Authorization": f"Bearer {emulator.api_key}"}


def error_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.levelno >= logging.ERROR]


@pytest.fixture
async def client() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def status_of(client: aiohttp.ClientSession, emulator: Emulator) -> int | None:
    """POST a contact and return the status, or None when the server dropped the request.

    aiohttp 3.13 resends an idempotent request such as GET once after a dropped connection,
    which would take a second fault draw, but it never resends a POST.
    """
    try:
        async with client.post(
            f"{emulator.base_url}/contacts",
            json={"first_name": "Ada"},
            headers=auth_headers(emulator),
        ) as response:
            await response.read()
            return response.status
    except aiohttp.ClientConnectionError:
        return None


async def test_server_error_envelope(client: aiohttp.ClientSession) -> None:
    async with (
        run_emulator(faults=FaultConfig(server_error_rate=1.0)) as emulator,
        client.get(f"{emulator.base_url}/campaigns", headers=auth_headers(emulator)) as response,
    ):
        body = await response.json()

    assert response.status == 500
    assert body["error"]["code"] == "server_error"
    assert body["error"]["status"] == 500
    assert "server_error_rate" in body["error"]["message"]
    assert "X-Request-Id" in response.headers
    assert "Retry-After" not in response.headers
    assert emulator.state.stats.faults == {"server_error": 1}


async def test_unavailable_retry_after(client: aiohttp.ClientSession) -> None:
    config = FaultConfig(unavailable_rate=1.0, retry_after_seconds=7)
    async with (
        run_emulator(faults=config) as emulator,
        client.get(f"{emulator.base_url}/contacts", headers=auth_headers(emulator)) as response,
    ):
        body = await response.json()

    assert response.status == 503
    assert response.headers["Retry-After"] == "7"
    assert body["error"]["code"] == "server_error"
    assert body["error"]["status"] == 503
    assert emulator.state.stats.faults == {"unavailable": 1}


async def test_injected_429_retry_after(client: aiohttp.ClientSession) -> None:
    async with (
        run_emulator(faults=FaultConfig(rate_limited_rate=1.0)) as emulator,
        client.get(f"{emulator.base_url}/contacts", headers=auth_headers(emulator)) as response,
    ):
        body = await response.json()

    assert response.status == 429
    assert response.headers["Retry-After"] == "1"
    assert body["error"]["code"] == "rate_limited"
    assert "X-RateLimit-Limit" not in response.headers
    assert emulator.state.stats.faults == {"rate_limited": 1}


async def test_retry_after_zero(client: aiohttp.ClientSession) -> None:
    config = FaultConfig(rate_limited_rate=1.0, retry_after_seconds=0)
    async with (
        run_emulator(faults=config) as emulator,
        client.get(f"{emulator.base_url}/contacts", headers=auth_headers(emulator)) as response,
    ):
        pass

    assert response.status == 429
    assert response.headers["Retry-After"] == "0"


async def test_error_fault_skips_handler(client: aiohttp.ClientSession) -> None:
    async with (
        run_emulator(faults=FaultConfig(server_error_rate=1.0)) as emulator,
        client.post(
            f"{emulator.base_url}/contacts",
            json={"first_name": "Ada"},
            headers=auth_headers(emulator),
        ) as response,
    ):
        pass

    assert response.status == 500
    assert emulator.state.contacts == {}


async def test_drop_stores_contact(
    client: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with run_emulator(faults=FaultConfig(drop_after_apply_rate=1.0)) as emulator:
        with pytest.raises(aiohttp.ClientConnectionError):
            await client.post(
                f"{emulator.base_url}/contacts",
                json={"first_name": "Ada"},
                headers=auth_headers(emulator),
            )

    stored = list(emulator.state.contacts.values())
    assert len(stored) == 1
    assert stored[0]["first_name"] == "Ada"
    assert emulator.state.stats.faults == {"drop_after_apply": 1}
    assert error_records(caplog) == []


async def test_drop_stores_campaign(client: aiohttp.ClientSession) -> None:
    body = {"name": "Spring renewals", "agent_id": SEEDED_AGENT_IDS[0]}
    async with run_emulator(faults=FaultConfig(drop_after_apply_rate=1.0)) as emulator:
        with pytest.raises(aiohttp.ClientConnectionError):
            await client.post(
                f"{emulator.base_url}/campaigns", json=body, headers=auth_headers(emulator)
            )

    stored = list(emulator.state.campaigns.values())
    assert len(stored) == 1
    assert stored[0]["name"] == "Spring renewals"


async def test_drop_get_resent_once(client: aiohttp.ClientSession) -> None:
    # aiohttp 3.13 resends a dropped GET once, so the emulator receives two requests.
    async with run_emulator(faults=FaultConfig(drop_after_apply_rate=1.0)) as emulator:
        with pytest.raises(aiohttp.ServerDisconnectedError):
            await client.get(f"{emulator.base_url}/campaigns", headers=auth_headers(emulator))

    assert emulator.state.stats.requests == {"GET /v1/campaigns": 2}
    assert emulator.state.stats.faults == {"drop_after_apply": 2}


async def test_stall_times_out_on_body(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    timeout = aiohttp.ClientTimeout(sock_read=0.3)
    async with (
        run_emulator(faults=FaultConfig(stall_after_headers_rate=1.0)) as emulator,
        aiohttp.ClientSession(headers=auth_headers(emulator), timeout=timeout) as session,
        session.post(f"{emulator.base_url}/contacts", json={"first_name": "Ada"}) as response,
    ):
        status = response.status
        content_length = response.content_length
        with pytest.raises(asyncio.TimeoutError):
            await response.read()

    assert status == 201
    assert content_length is not None
    assert content_length > 0
    assert "X-Request-Id" in response.headers
    assert len(emulator.state.contacts) == 1
    assert emulator.state.stats.faults == {"stall_after_headers": 1}
    assert error_records(caplog) == []


async def test_stall_allows_fast_shutdown() -> None:
    # aiohttp waits up to 60 seconds for running handlers at shutdown, unless they end.
    async with aiohttp.ClientSession() as session:
        async with run_emulator(faults=FaultConfig(stall_after_headers_rate=1.0)) as emulator:
            response = await session.get(
                f"{emulator.base_url}/campaigns", headers=auth_headers(emulator)
            )
            started = time.monotonic()

        shutdown_seconds = time.monotonic() - started
        response.close()

    assert response.status == 200
    assert shutdown_seconds < 10


async def test_latency_delays_requests(client: aiohttp.ClientSession) -> None:
    async with run_emulator(faults=FaultConfig(latency_ms=200)) as emulator:
        started = time.monotonic()
        status = await status_of(client, emulator)
        elapsed = time.monotonic() - started

    assert status == 201
    assert elapsed >= 0.15


async def test_same_seed_same_faults(client: aiohttp.ClientSession) -> None:
    config = FaultConfig(
        server_error_rate=0.2,
        unavailable_rate=0.2,
        rate_limited_rate=0.2,
        drop_after_apply_rate=0.1,
        retry_after_seconds=0,
        seed=1234,
    )
    runs = []
    for _ in range(2):
        async with run_emulator(faults=config) as emulator:
            runs.append([await status_of(client, emulator) for _ in range(40)])

    draws = random.Random(1234)
    expected = [STATUS_BY_FAULT[config.choose_fault(draws.random())] for _ in range(40)]
    assert runs[0] == expected
    assert runs[1] == expected
    assert len(set(expected)) == 5


async def test_new_config_restarts_seed(client: aiohttp.ClientSession) -> None:
    config = FaultConfig(server_error_rate=0.5, seed=99)
    async with run_emulator(faults=config) as emulator:
        first = [await status_of(client, emulator) for _ in range(20)]
        emulator.state.faults = FaultConfig(server_error_rate=0.5, seed=99)
        second = [await status_of(client, emulator) for _ in range(20)]

    assert first == second
    assert set(first) == {201, 500}


async def test_faults_after_bulk_setup(client: aiohttp.ClientSession) -> None:
    state = EmulatorState()
    for index in range(20_000):
        state.create_contact({"first_name": f"Contact {index}"})

    async with run_emulator(state=state) as emulator:
        url = f"{emulator.base_url}/contacts"
        async with client.get(url, headers=auth_headers(emulator)) as before:
            body = await before.json()

        emulator.state.faults = FaultConfig(server_error_rate=1.0)
        async with client.get(url, headers=auth_headers(emulator)) as after:
            pass

    assert before.status == 200
    assert body["meta"]["total"] == 20_000
    assert after.status == 500


async def test_faults_after_auth(client: aiohttp.ClientSession) -> None:
    async with (
        run_emulator(faults=FaultConfig(server_error_rate=1.0)) as emulator,
        client.get(f"{emulator.base_url}/contacts") as response,
    ):
        pass

    assert response.status == 401
    assert emulator.state.stats.faults == {}


async def test_unknown_route_no_fault(client: aiohttp.ClientSession) -> None:
    async with (
        run_emulator(faults=FaultConfig(server_error_rate=1.0)) as emulator,
        client.get(f"{emulator.base_url}/agents", headers=auth_headers(emulator)) as response,
    ):
        pass

    assert response.status == 404
    assert emulator.state.stats.faults == {}
    assert emulator.state.stats.requests == {}


async def test_stats_count_routes(client: aiohttp.ClientSession) -> None:
    async with run_emulator() as emulator:
        headers = auth_headers(emulator)
        for name in ("Ada", "Grace"):
            async with client.post(
                f"{emulator.base_url}/contacts", json={"first_name": name}, headers=headers
            ) as response:
                contact_id = (await response.json())["data"]["id"]

        async with client.get(f"{emulator.base_url}/contacts/{contact_id}", headers=headers):
            pass

        # A request without a key still reached the route, so it counts.
        async with client.get(f"{emulator.base_url}/contacts"):
            pass

    assert emulator.state.stats.requests == {
        "POST /v1/contacts": 2,
        "GET /v1/contacts/{contact_id}": 1,
        "GET /v1/contacts": 1,
    }
    assert emulator.state.stats.faults == {}


async def test_serve_applies_faults() -> None:
    # serve() blocks and installs signal handlers, so it runs in a child process.
    code = (
        "from smartalex_async.emulator import FaultConfig, serve; "
        "serve(port=0, api_keys=['sk_cli'], faults=FaultConfig(unavailable_rate=1.0))"
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, stdout=asyncio.subprocess.PIPE
    )
    try:
        assert process.stdout is not None
        first_line = (await asyncio.wait_for(process.stdout.readline(), timeout=30)).decode()
        second_line = (await asyncio.wait_for(process.stdout.readline(), timeout=30)).decode()
        match = re.search(r"(http://127\.0\.0\.1:\d+/v1)", first_line)
        assert match is not None

        headers = {"Authorization": "Bearer sk_cli"}
        async with (
            aiohttp.ClientSession(headers=headers) as client,
            client.get(f"{match.group(1)}/contacts") as response,
        ):
            status = response.status
    finally:
        process.terminate()
        await process.wait()

    assert "unavailable_rate=1.0" in second_line
    assert status == 503


def test_config_rejects_rate_above_one() -> None:
    with pytest.raises(ValueError, match=r"server_error_rate must be from 0\.0 to 1\.0"):
        FaultConfig(server_error_rate=1.5)


def test_config_rejects_negative_rate() -> None:
    with pytest.raises(ValueError, match="stall_after_headers_rate"):
        FaultConfig(stall_after_headers_rate=-0.1)


def test_config_rejects_nan_rate() -> None:
    with pytest.raises(ValueError, match="unavailable_rate"):
        FaultConfig(unavailable_rate=float("nan"))


def test_config_rejects_bool_rate() -> None:
    with pytest.raises(TypeError, match="drop_after_apply_rate"):
        FaultConfig(drop_after_apply_rate=True)


def test_config_rejects_sum_above_one() -> None:
    with pytest.raises(ValueError, match=r"add up to 1\.2"):
        FaultConfig(server_error_rate=0.6, rate_limited_rate=0.6)


def test_config_accepts_rounded_sum() -> None:
    config = FaultConfig(server_error_rate=0.1, unavailable_rate=0.2, rate_limited_rate=0.7)

    assert config.choose_fault(0.999) is Fault.RATE_LIMITED


def test_config_rejects_negative_latency() -> None:
    with pytest.raises(ValueError, match="latency_ms"):
        FaultConfig(latency_ms=-1)


def test_config_rejects_fractional_retry_after() -> None:
    with pytest.raises(TypeError, match="retry_after_seconds"):
        FaultConfig(retry_after_seconds=1.5)  # type: ignore[arg-type]


def test_config_rejects_zero_rate_limit() -> None:
    with pytest.raises(ValueError, match="pass None for no limit"):
        FaultConfig(rate_limit_per_minute=0)


def test_config_rejects_string_seed() -> None:
    with pytest.raises(TypeError, match="seed"):
        FaultConfig(seed="7")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("draw", "expected"),
    [
        (0.0, Fault.SERVER_ERROR),
        (0.09, Fault.SERVER_ERROR),
        (0.1, Fault.UNAVAILABLE),
        (0.35, Fault.RATE_LIMITED),
        (0.45, Fault.DROP_AFTER_APPLY),
        (0.55, Fault.STALL_AFTER_HEADERS),
        (0.65, None),
        (0.99, None),
    ],
)
def test_choose_fault_intervals(draw: float, expected: Fault | None) -> None:
    config = FaultConfig(
        server_error_rate=0.1,
        unavailable_rate=0.2,
        rate_limited_rate=0.1,
        drop_after_apply_rate=0.1,
        stall_after_headers_rate=0.1,
    )

    assert config.choose_fault(draw) is expected


def test_zero_rate_never_chosen() -> None:
    config = FaultConfig(unavailable_rate=1.0)

    assert config.choose_fault(0.0) is Fault.UNAVAILABLE
