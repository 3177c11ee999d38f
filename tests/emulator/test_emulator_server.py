"""run_emulator and serve: binding, base URLs, API keys and shutdown."""

from __future__ import annotations

import asyncio
import re
import socket
import sys

import aiohttp
import pytest

from smartalex_async.emulator import DEFAULT_API_KEY, EmulatorState, run_emulator


def ipv6_loopback_available() -> bool:
    if not socket.has_ipv6:
        return False

    try:
        with socket.create_server(("::1", 0), family=socket.AF_INET6):
            return True
    except OSError:
        return False


async def test_run_base_url() -> None:
    async with run_emulator() as running:
        match = re.fullmatch(r"http://127\.0\.0\.1:(\d+)/v1", running.base_url)

    assert match is not None
    assert int(match.group(1)) > 0
    assert running.api_key == DEFAULT_API_KEY


async def test_run_uses_given_state() -> None:
    state = EmulatorState()
    async with run_emulator(state=state) as running:
        headers = {"Authorization": f"Bearer {running.api_key}"}
        async with (
            aiohttp.ClientSession(headers=headers) as client,
            client.post(f"{running.base_url}/contacts", json={"first_name": "Ada"}) as response,
        ):
            body = await response.json()

    assert running.state is state
    assert list(state.contacts) == [body["data"]["id"]]


async def test_run_state_keys_without_default() -> None:
    state = EmulatorState(api_keys={"sk_b", "sk_a"})
    async with run_emulator(state=state) as running:
        pass

    assert running.api_key == "sk_a"


async def test_run_keys_from_set() -> None:
    async with run_emulator(api_keys={"sk_only"}) as running:
        pass

    assert running.api_key == "sk_only"
    assert running.state.api_keys == {"sk_only"}


async def test_run_closes_port() -> None:
    async with run_emulator() as running:
        url = f"{running.base_url}/campaigns"

    async with aiohttp.ClientSession() as client:
        with pytest.raises(aiohttp.ClientConnectionError):
            await client.get(url)


async def test_run_rejects_string_keys() -> None:
    with pytest.raises(TypeError, match="wrap it in a list"):
        async with run_emulator(api_keys="sk_single"):
            pass


async def test_run_rejects_empty_keys() -> None:
    with pytest.raises(ValueError, match="at least one API key"):
        async with run_emulator(api_keys=[]):
            pass


@pytest.mark.skipif(not ipv6_loopback_available(), reason="IPv6 loopback ::1 is not available")
async def test_run_ipv6_loopback() -> None:
    async with run_emulator(host="::1") as running:
        headers = {"Authorization": f"Bearer {running.api_key}"}
        async with (
            aiohttp.ClientSession(headers=headers) as client,
            client.get(f"{running.base_url}/campaigns") as response,
        ):
            status = response.status

    assert running.base_url.startswith("http://[::1]:")
    assert status == 200


async def test_serve_prints_url() -> None:
    # serve() blocks and installs signal handlers, so it runs in a child process.
    code = "from smartalex_async.emulator import serve; serve(port=0, api_keys=['sk_cli'])"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, stdout=asyncio.subprocess.PIPE
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), timeout=30)).decode()
        match = re.search(r"(http://127\.0\.0\.1:\d+/v1)", line)
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

    assert "sk_cli" in line
    assert status == 200
