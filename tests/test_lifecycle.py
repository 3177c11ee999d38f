"""Session lifecycle: lazy creation, new event loops, cancellation, and no leaked resources."""

from __future__ import annotations

import asyncio
import gc
import warnings
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from smartalex_async import APIResponseError, AsyncSmartAlex
from smartalex_async.emulator import Emulator


def collect_resource_warnings() -> list[warnings.WarningMessage]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gc.collect()
    return [w for w in caught if issubclass(w.category, ResourceWarning)]


def test_two_asyncio_runs(emulator_thread: Emulator) -> None:
    client = AsyncSmartAlex(api_key=emulator_thread.api_key, base_url=emulator_thread.base_url)

    first = asyncio.run(client.campaigns.list())
    second = asyncio.run(client.contacts.list())
    asyncio.run(client.close())

    assert first.items == ()
    assert second.items == ()
    assert collect_resource_warnings() == []


def test_unused_client_needs_no_close() -> None:
    AsyncSmartAlex(api_key="sk_test", base_url="http://127.0.0.1:9/v1")

    assert collect_resource_warnings() == []


@pytest.fixture
async def odd_server() -> AsyncIterator[str]:
    """Serve endpoints that misbehave: one that never answers and one that sends bad JSON."""
    never = asyncio.Event()

    async def hang(_request: web.Request) -> web.Response:
        await never.wait()
        raise AssertionError("unreachable")

    async def bad_json(_request: web.Request) -> web.Response:
        return web.Response(text="{not json", content_type="application/json")

    app = web.Application()
    app.router.add_get("/v1/campaigns/hang", hang)
    app.router.add_get("/v1/campaigns/bad", bad_json)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    yield f"http://{host}:{port}/v1"
    await runner.cleanup()


async def test_cancel_mid_request(odd_server: str) -> None:
    client = AsyncSmartAlex(api_key="sk_test", base_url=odd_server)
    task = asyncio.ensure_future(client.campaigns.get("hang"))
    await asyncio.sleep(0.2)

    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await client.close()

    assert collect_resource_warnings() == []


async def test_invalid_json_body(odd_server: str) -> None:
    async with AsyncSmartAlex(api_key="sk_test", base_url=odd_server) as client:
        with pytest.raises(APIResponseError, match="'data'"):
            await client.campaigns.get("bad")

    assert collect_resource_warnings() == []


async def test_connection_refused_leaks_nothing() -> None:
    async with AsyncSmartAlex(
        api_key="sk_test", base_url="http://127.0.0.1:9/v1", max_retries=0
    ) as client:
        with pytest.raises(Exception, match=r"could not connect to 127\.0\.0\.1:9"):
            await client.campaigns.list()

    assert collect_resource_warnings() == []
