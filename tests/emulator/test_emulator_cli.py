"""`smartalex emulator` options reach serve() as a FaultConfig. serve() is replaced, not run."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner

import smartalex_async.emulator
from smartalex_async.cli._commands import main
from smartalex_async.emulator import FaultConfig


@pytest.fixture
def serve_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The keyword arguments of each serve() call, with serve() replaced by a recorder."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(smartalex_async.emulator, "serve", lambda **kwargs: calls.append(kwargs))
    return calls


def test_cli_passes_fault_options(serve_calls: list[dict[str, Any]]) -> None:
    arguments = [
        "emulator",
        "--port",
        "0",
        "--latency-ms",
        "25",
        "--server-error-rate",
        "0.1",
        "--unavailable-rate",
        "0.05",
        "--rate-limited-rate",
        "0.02",
        "--drop-rate",
        "0.03",
        "--stall-rate",
        "0.04",
        "--retry-after",
        "0",
        "--rate-limit",
        "120",
        "--seed",
        "7",
    ]

    result = CliRunner().invoke(main, arguments)

    assert result.exit_code == 0, result.output
    assert len(serve_calls) == 1
    assert serve_calls[0]["port"] == 0
    assert serve_calls[0]["faults"] == FaultConfig(
        server_error_rate=0.1,
        unavailable_rate=0.05,
        rate_limited_rate=0.02,
        drop_after_apply_rate=0.03,
        stall_after_headers_rate=0.04,
        latency_ms=25,
        retry_after_seconds=0,
        rate_limit_per_minute=120,
        seed=7,
    )


def test_cli_defaults_no_faults(serve_calls: list[dict[str, Any]]) -> None:
    result = CliRunner().invoke(main, ["emulator"])

    assert result.exit_code == 0, result.output
    assert serve_calls[0]["faults"] == FaultConfig()
    assert serve_calls[0]["access_log"] is True


def test_cli_turns_off_access_log(serve_calls: list[dict[str, Any]]) -> None:
    result = CliRunner().invoke(main, ["emulator", "--no-access-log"])

    assert result.exit_code == 0, result.output
    assert serve_calls[0]["access_log"] is False


def test_cli_rejects_rate_sum(serve_calls: list[dict[str, Any]]) -> None:
    arguments = ["emulator", "--server-error-rate", "0.7", "--drop-rate", "0.5"]

    result = CliRunner().invoke(main, arguments)

    assert result.exit_code == 2
    assert "add up to 1.2" in result.output
    assert serve_calls == []


def test_cli_rejects_rate_above_one(serve_calls: list[dict[str, Any]]) -> None:
    result = CliRunner().invoke(main, ["emulator", "--stall-rate", "1.5"])

    assert result.exit_code == 2
    assert "--stall-rate" in result.output
    assert serve_calls == []


def test_cli_rejects_zero_rate_limit(serve_calls: list[dict[str, Any]]) -> None:
    result = CliRunner().invoke(main, ["emulator", "--rate-limit", "0"])

    assert result.exit_code == 2
    assert serve_calls == []


def test_cli_help_gives_units() -> None:
    result = CliRunner().invoke(main, ["emulator", "--help"])

    assert result.exit_code == 0
    assert "milliseconds" in result.output
    assert "requests per minute" in result.output
