"""serve() in a child process: startup output, the request log and the state file.

serve() blocks and installs signal handlers, so each test runs it with ``python -c`` and
stops it with SIGTERM, which aiohttp turns into a graceful shutdown.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

SECRET_KEY = "sk_standalone_secret"


class ServerProcess:
    """A child process running serve(), with its startup lines and base URL."""

    def __init__(self, process: asyncio.subprocess.Process, lines: list[str]) -> None:
        self.process = process
        self.lines = lines
        match = re.search(r"serving (http://127\.0\.0\.1:\d+/v1) with API key", lines[0])
        assert match is not None, lines
        self.base_url = match.group(1)

    async def stop(self) -> tuple[str, str]:
        """Stop the process with SIGTERM and return the rest of its stdout and its stderr."""
        self.process.terminate()
        stdout, stderr = await asyncio.wait_for(self.process.communicate(), timeout=30)
        return stdout.decode(), stderr.decode()


async def start_server(arguments: str, startup_lines: int) -> ServerProcess:
    """Run serve(port=0, api_keys=[SECRET_KEY], <arguments>) and read its startup lines."""
    code = (
        "from smartalex_async.emulator import serve; "
        f"serve(port=0, api_keys=[{SECRET_KEY!r}], {arguments})"
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        code,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    lines = []
    try:
        for _ in range(startup_lines):
            line = await asyncio.wait_for(process.stdout.readline(), timeout=30)
            lines.append(line.decode())
    except BaseException:
        process.kill()
        await process.wait()
        raise

    return ServerProcess(process, lines)


@pytest.fixture
async def client() -> AsyncIterator[aiohttp.ClientSession]:
    headers = {"Authorization": f"Bearer {SECRET_KEY}"}
    async with aiohttp.ClientSession(headers=headers) as session:
        yield session


async def test_serve_logs_requests(client: aiohttp.ClientSession) -> None:
    server = await start_server("", startup_lines=3)
    try:
        body = {"first_name": "Private Person", "email": "private@example.com"}
        async with client.post(f"{server.base_url}/contacts", json=body) as response:
            created_status = response.status
        async with client.get(f"{server.base_url}/contacts/contact_missing?page=2") as response:
            missing_status = response.status
    finally:
        _, stderr = await server.stop()

    log_lines = stderr.splitlines()
    assert (created_status, missing_status) == (201, 404)
    assert re.search(r"POST /v1/contacts 201 \d+\.\d ms$", log_lines[0])
    assert re.search(r"GET /v1/contacts/contact_missing 404 \d+\.\d ms$", log_lines[1])
    assert len(log_lines) == 2
    assert SECRET_KEY not in stderr
    assert "Private Person" not in stderr
    assert "page=2" not in stderr


async def test_serve_without_access_log(client: aiohttp.ClientSession) -> None:
    server = await start_server("access_log=False", startup_lines=3)
    try:
        body = {"first_name": "Private Person"}
        async with client.post(f"{server.base_url}/contacts", json=body) as response:
            status = response.status
    finally:
        _, stderr = await server.stop()

    assert status == 201
    assert stderr == ""


async def test_serve_prints_settings() -> None:
    server = await start_server("plan='professional'", startup_lines=5)
    await server.stop()

    assert SECRET_KEY in server.lines[0]
    assert "rate_limit_per_minute=60" in server.lines[1]
    assert "Professional plan: 60 requests per minute per API key" in server.lines[2]
    assert "at most 1,000 stored contacts" in server.lines[2]
    assert "/_emulator/reset" in server.lines[3]
    assert server.lines[4].startswith("Simulated clock: ")


async def test_serve_state_file_round_trip(client: aiohttp.ClientSession, tmp_path: Path) -> None:
    state_file = tmp_path / "emulator.json"
    arguments = f"state_file={str(state_file)!r}"

    first = await start_server(arguments, startup_lines=4)
    try:
        async with client.post(
            f"{first.base_url}/contacts", json={"first_name": "Ada"}
        ) as response:
            contact_id = (await response.json())["data"]["id"]
        advance_url = first.base_url.removesuffix("/v1") + "/_emulator/clock/advance"
        async with client.post(advance_url, json={"seconds": 3600}) as response:
            await response.read()
    finally:
        first_stdout, _ = await first.stop()

    saved = json.loads(state_file.read_text(encoding="utf-8"))
    second = await start_server(arguments, startup_lines=4)
    try:
        async with client.get(f"{second.base_url}/contacts/{contact_id}") as response:
            reloaded_status = response.status
    finally:
        await second.stop()

    assert "does not exist yet" in first.lines[3]
    assert f"Saved the emulator state to {state_file}." in first_stdout
    assert [contact["id"] for contact in saved["contacts"]] == [contact_id]
    assert saved["clock"]["offset_seconds"] == 3600.0
    assert f"Loaded {state_file} (campaigns: 0, contacts: 1)" in second.lines[3]
    assert reloaded_status == 200


async def test_serve_rejects_bad_state_file(tmp_path: Path) -> None:
    state_file = tmp_path / "emulator.json"
    state_file.write_text("not json", encoding="utf-8")
    code = (
        f"from smartalex_async.emulator import serve; serve(port=0, state_file={str(state_file)!r})"
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)

    assert process.returncode != 0
    assert "it is not valid JSON" in stderr.decode()
    assert state_file.read_text(encoding="utf-8") == "not json"
