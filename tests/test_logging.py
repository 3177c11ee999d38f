"""Log records of the `smartalex` logger tree, against the emulator."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterator
from types import SimpleNamespace

import aiohttp
import pytest
from aioresponses import aioresponses
from fakes import FakeClock
from support import API_KEY, BASE_URL, error_body

from smartalex_async import AsyncSmartAlex
from smartalex_async._logging import configure_from_environment
from smartalex_async.emulator import Emulator, run_emulator


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    async with run_emulator() as server:
        yield server


async def test_debug_record_per_request(
    emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="smartalex")

    async with AsyncSmartAlex(api_key=emulator.api_key, base_url=emulator.base_url) as client:
        await client.contacts.list(per_page=5)

    records = [r for r in caplog.records if r.name == "smartalex.http"]
    assert len(records) == 1
    assert records[0].levelno == logging.DEBUG
    assert re.fullmatch(
        r"GET /contacts -> 200 \(attempt 1, \d+\.\d ms, request req_[0-9a-f]+\)",
        records[0].getMessage(),
    )


async def test_debug_record_uses_path_template(
    emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="smartalex")

    async with AsyncSmartAlex(api_key=emulator.api_key, base_url=emulator.base_url) as client:
        with pytest.raises(Exception, match="campaign"):
            await client.campaigns.get("campaign_secret_id")

    messages = [r.getMessage() for r in caplog.records if r.name == "smartalex.http"]
    assert messages[0].startswith("GET /campaigns/{campaign_id} -> 404")
    assert "campaign_secret_id" not in messages[0]


async def test_info_record_per_retry(
    mocked: aioresponses, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"{BASE_URL}/contacts"
    mocked.get(url, status=503, payload=error_body("server_error", "Busy.", 503))
    mocked.get(url, payload={"data": []})
    caplog.set_level(logging.INFO, logger="smartalex")
    client = AsyncSmartAlex(api_key=API_KEY, base_url=BASE_URL, max_retries=1)
    client._transport.clock = FakeClock()

    async with client:
        await client.contacts.list()

    records = [r for r in caplog.records if r.levelno == logging.INFO]
    assert len(records) == 1
    assert re.match(
        r"Retrying GET /contacts in \d+\.\d\d s \(attempt 1 of 2", records[0].getMessage()
    )


@pytest.fixture
def smartalex_logger() -> Iterator[logging.Logger]:
    logger = logging.getLogger("smartalex")
    handlers, level = list(logger.handlers), logger.level
    yield logger
    logger.handlers[:] = handlers
    logger.setLevel(level)


@pytest.mark.parametrize(("value", "level"), [("debug", logging.DEBUG), ("INFO", logging.INFO)])
def test_env_var_enables_logging(
    monkeypatch: pytest.MonkeyPatch, smartalex_logger: logging.Logger, value: str, level: int
) -> None:
    smartalex_logger.handlers.clear()
    monkeypatch.setenv("SMARTALEX_LOG", value)

    configure_from_environment()

    assert smartalex_logger.level == level
    assert len(smartalex_logger.handlers) == 1


def test_env_var_unset_adds_nothing(
    monkeypatch: pytest.MonkeyPatch, smartalex_logger: logging.Logger
) -> None:
    smartalex_logger.handlers.clear()
    monkeypatch.delenv("SMARTALEX_LOG", raising=False)

    configure_from_environment()

    assert smartalex_logger.handlers == []


async def test_trace_config_sees_user_agent(emulator: Emulator) -> None:
    seen: list[str] = []

    async def on_request_start(
        _session: aiohttp.ClientSession,
        _context: SimpleNamespace,
        params: aiohttp.TraceRequestStartParams,
    ) -> None:
        seen.append(params.headers.get("User-Agent", ""))

    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(on_request_start)
    async with AsyncSmartAlex(
        api_key=emulator.api_key, base_url=emulator.base_url, trace_configs=[trace]
    ) as client:
        await client.campaigns.list()

    assert len(seen) == 1
    assert re.fullmatch(r"smartalex-python/\S+ aiohttp/\S+ python/\S+", seen[0])
