"""Plans: the per-key rate limit and the stored-contact cap, in-process and from the CLI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from click.testing import CliRunner

import smartalex_async.emulator
from smartalex_async import AsyncSmartAlex, PermissionDeniedError
from smartalex_async.cli._commands import main
from smartalex_async.emulator import PLANS, Emulator, EmulatorState, FaultConfig, run_emulator
from smartalex_async.emulator._errors import ApiError

PROFESSIONAL = PLANS["professional"]


class SteppedClock:
    """A monotonic clock for the rate limit windows that moves only when a test advances it."""

    def __init__(self) -> None:
        self.now = 500.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def serve_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The keyword arguments of each serve() call, with serve() replaced by a recorder."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(smartalex_async.emulator, "serve", lambda **kwargs: calls.append(kwargs))
    return calls


@pytest.fixture
def window_clock() -> SteppedClock:
    return SteppedClock()


@pytest.fixture
async def professional(window_clock: SteppedClock) -> AsyncIterator[Emulator]:
    """An emulator on the Professional plan whose rate limit windows advance only by hand."""
    async with run_emulator(plan="professional") as emulator:
        emulator.state.monotonic = window_clock
        yield emulator


def fill_contacts(state: EmulatorState, count: int) -> None:
    for index in range(count):
        state.create_contact({"first_name": f"Contact {index}"})


@pytest.mark.parametrize(
    ("name", "rate", "cap"),
    [
        ("professional", 60, 1_000),
        ("dental", 300, 5_000),
        ("real-estate", 600, 50_000),
        ("unlimited", None, None),
    ],
)
def test_plan_limits(name: str, rate: int | None, cap: int | None) -> None:
    assert PLANS[name].requests_per_minute == rate
    assert PLANS[name].max_contacts == cap


def test_state_plan_sets_rate_limit() -> None:
    state = EmulatorState(plan=PROFESSIONAL)

    assert state.faults.rate_limit_per_minute == 60


def test_state_faults_rate_wins() -> None:
    state = EmulatorState(plan=PROFESSIONAL, faults=FaultConfig(rate_limit_per_minute=5))

    assert state.faults.rate_limit_per_minute == 5


def test_plan_setter_replaces_rate() -> None:
    state = EmulatorState(plan=PROFESSIONAL)

    state.plan = PLANS["unlimited"]

    assert state.faults.rate_limit_per_minute is None


async def test_run_emulator_faults_keep_plan_rate() -> None:
    async with run_emulator(plan="dental", faults=FaultConfig(latency_ms=1)) as emulator:
        faults = emulator.state.faults

    assert faults == FaultConfig(latency_ms=1, rate_limit_per_minute=300)


async def test_run_emulator_unknown_plan() -> None:
    with pytest.raises(ValueError, match="Unknown plan 'gold'; use one of: professional"):
        async with run_emulator(plan="gold"):
            pass


async def test_professional_limit_over_http(
    professional: Emulator, window_clock: SteppedClock
) -> None:
    headers = {"Authorization": f"Bearer {professional.api_key}"}
    statuses = []
    remaining = []
    async with aiohttp.ClientSession(headers=headers) as session:
        for _ in range(60):
            async with session.get(f"{professional.base_url}/campaigns") as response:
                statuses.append(response.status)
                remaining.append(response.headers["X-RateLimit-Remaining"])
                limit = response.headers["X-RateLimit-Limit"]

        async with session.get(f"{professional.base_url}/campaigns") as rejected:
            rejected_body = await rejected.json()

        window_clock.now += 60
        async with session.get(f"{professional.base_url}/campaigns") as after_window:
            after_window_status = after_window.status

    assert statuses == [200] * 60
    assert limit == "60"
    assert remaining == [str(count) for count in range(59, -1, -1)]
    assert rejected.status == 429
    assert rejected.headers["Retry-After"] == "60"
    assert rejected.headers["X-RateLimit-Remaining"] == "0"
    assert rejected_body["error"]["code"] == "rate_limited"
    assert "60 requests per minute" in rejected_body["error"]["message"]
    assert after_window_status == 200


async def test_contact_cap_over_http(professional: Emulator) -> None:
    fill_contacts(professional.state, 1_000)
    headers = {"Authorization": f"Bearer {professional.api_key}"}
    async with (
        aiohttp.ClientSession(headers=headers) as session,
        session.post(f"{professional.base_url}/contacts", json={"first_name": "Ada"}) as response,
    ):
        body = await response.json()

    assert response.status == 403
    assert body["error"]["code"] == "contact_limit_reached"
    assert body["error"]["status"] == 403
    assert "Professional plan stores at most 1,000 contacts" in body["error"]["message"]
    assert "POST /_emulator/reset" in body["error"]["message"]
    assert len(professional.state.contacts) == 1_000


async def test_contact_cap_sdk_error(professional: Emulator) -> None:
    fill_contacts(professional.state, 1_000)

    async with AsyncSmartAlex(
        api_key=professional.api_key, base_url=professional.base_url
    ) as client:
        with pytest.raises(PermissionDeniedError) as caught:
            await client.contacts.create(first_name="Ada")

    assert caught.value.code == "contact_limit_reached"


def test_contact_cap_in_state() -> None:
    state = EmulatorState(plan=PROFESSIONAL)
    fill_contacts(state, 1_000)

    with pytest.raises(ApiError) as caught:
        state.create_contact({"first_name": "Ada"})

    assert caught.value.code == "contact_limit_reached"
    assert caught.value.status == 403


def test_contact_cap_frees_after_reset() -> None:
    state = EmulatorState(plan=PROFESSIONAL)
    fill_contacts(state, 1_000)

    state.reset()
    state.create_contact({"first_name": "Ada"})

    assert len(state.contacts) == 1


def test_unlimited_has_no_cap() -> None:
    state = EmulatorState()

    fill_contacts(state, 1_001)

    assert len(state.contacts) == 1_001


def test_cli_plan_professional(serve_calls: list[dict[str, Any]]) -> None:
    result = CliRunner().invoke(main, ["emulator", "--plan", "professional"])

    assert result.exit_code == 0, result.output
    assert serve_calls[0]["plan"] == PROFESSIONAL
    assert serve_calls[0]["faults"] == FaultConfig(rate_limit_per_minute=60)


def test_cli_rate_limit_overrides_plan(serve_calls: list[dict[str, Any]]) -> None:
    arguments = ["emulator", "--plan", "dental", "--rate-limit", "10"]

    result = CliRunner().invoke(main, arguments)

    assert result.exit_code == 0, result.output
    assert serve_calls[0]["plan"] == PLANS["dental"]
    assert serve_calls[0]["faults"].rate_limit_per_minute == 10


def test_cli_default_plan_unlimited(serve_calls: list[dict[str, Any]]) -> None:
    result = CliRunner().invoke(main, ["emulator"])

    assert result.exit_code == 0, result.output
    assert serve_calls[0]["plan"] == PLANS["unlimited"]
    assert serve_calls[0]["state_file"] is None
    assert serve_calls[0]["clock_start"] is None
    assert serve_calls[0]["call_interval_seconds"] == 60.0


def test_cli_rejects_unknown_plan(serve_calls: list[dict[str, Any]]) -> None:
    result = CliRunner().invoke(main, ["emulator", "--plan", "gold"])

    assert result.exit_code == 2
    assert "real-estate" in result.output
    assert serve_calls == []


def test_cli_passes_lifecycle_options(serve_calls: list[dict[str, Any]], tmp_path: Path) -> None:
    state_file = tmp_path / "emulator.json"
    arguments = [
        "emulator",
        "--state",
        str(state_file),
        "--call-interval",
        "30",
        "--clock-start",
        "2026-03-09T08:55:00-05:00",
    ]

    result = CliRunner().invoke(main, arguments)

    assert result.exit_code == 0, result.output
    assert serve_calls[0]["state_file"] == state_file
    assert serve_calls[0]["call_interval_seconds"] == 30.0
    assert serve_calls[0]["clock_start"] == datetime(2026, 3, 9, 13, 55, tzinfo=timezone.utc)


def test_cli_clock_start_accepts_z(serve_calls: list[dict[str, Any]]) -> None:
    result = CliRunner().invoke(main, ["emulator", "--clock-start", "2026-03-09T13:55:00Z"])

    assert result.exit_code == 0, result.output
    assert serve_calls[0]["clock_start"] == datetime(2026, 3, 9, 13, 55, tzinfo=timezone.utc)


@pytest.mark.parametrize("value", ["2026-03-09T08:55:00", "next monday"])
def test_cli_rejects_bad_clock_start(serve_calls: list[dict[str, Any]], value: str) -> None:
    result = CliRunner().invoke(main, ["emulator", "--clock-start", value])

    assert result.exit_code == 2
    assert "ISO 8601 instant with an offset" in result.output
    assert serve_calls == []


def test_cli_rejects_zero_call_interval(serve_calls: list[dict[str, Any]]) -> None:
    result = CliRunner().invoke(main, ["emulator", "--call-interval", "0"])

    assert result.exit_code == 2
    assert serve_calls == []
