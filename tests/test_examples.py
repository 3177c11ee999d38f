"""examples/: each script and web app runs against the emulator and changes its state.

The scripts run as child processes with SMARTALEX_API_KEY and SMARTALEX_BASE_URL set, as a
user would run them. The web apps are imported and driven through their framework's test
client, so that their startup and shutdown hooks run too.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import os
import shlex
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from smartalex_async import API_KEY_ENV_VAR, BASE_URL_ENV_VAR, AsyncSmartAlex
from smartalex_async.emulator import PLANS, Emulator, Plan

ASGIApp = Callable[[dict[str, Any], Any, Any], Awaitable[None]]

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

# Every file in examples/ and the test that runs it; a new example needs a test here.
TESTED_EXAMPLES = {
    "aiohttp_app.py": "test_aiohttp_app_creates_campaign",
    "fastapi_app.py": "test_fastapi_app_creates_campaign",
    "load_contacts.py": "test_load_contacts_script_resumes",
    "notebook.py": "test_notebook_script_in_running_loop",
    "sync_script.py": "test_sync_script_starts_campaign",
}


def load_example(name: str) -> ModuleType:
    """Import examples/<name> as a module without putting examples/ on sys.path."""
    spec = importlib.util.spec_from_file_location(f"example_{Path(name).stem}", EXAMPLES / name)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_example(
    name: str, emulator: Emulator, *arguments: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run examples/<name> in a child Python against `emulator`, warnings as errors."""
    environment = {
        **os.environ,
        API_KEY_ENV_VAR: emulator.api_key,
        BASE_URL_ENV_VAR: emulator.base_url,
    }
    return subprocess.run(
        [sys.executable, "-W", "error", str(EXAMPLES / name), *arguments],
        env=environment,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@contextlib.asynccontextmanager
async def asgi_lifespan(app: ASGIApp) -> AsyncIterator[ASGIApp]:
    """Run the ASGI lifespan protocol of `app` around the block, as an ASGI server does.

    httpx.ASGITransport sends only HTTP requests, so without this the application's startup
    and shutdown handlers would never run. Yields `app` wrapped so that every request scope
    carries a copy of the lifespan state, which is how `request.state` gets its values.
    """
    state: dict[str, Any] = {}
    to_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    from_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": state}
    lifespan = asyncio.create_task(app(scope, to_app.get, from_app.put))

    await to_app.put({"type": "lifespan.startup"})
    started = await from_app.get()
    assert started["type"] == "lifespan.startup.complete", started

    async def app_with_state(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await app({**scope, "state": dict(state)}, receive, send)

    try:
        yield app_with_state
    finally:
        await to_app.put({"type": "lifespan.shutdown"})
        stopped = await from_app.get()
        await lifespan
        assert stopped["type"] == "lifespan.shutdown.complete", stopped


@pytest.fixture
def emulator_environment(emulator_thread: Emulator, monkeypatch: pytest.MonkeyPatch) -> Emulator:
    """Point clients created without arguments at the background emulator."""
    monkeypatch.setenv(API_KEY_ENV_VAR, emulator_thread.api_key)
    monkeypatch.setenv(BASE_URL_ENV_VAR, emulator_thread.base_url)
    return emulator_thread


@pytest.fixture
def close_calls(monkeypatch: pytest.MonkeyPatch) -> list[AsyncSmartAlex]:
    """Record every AsyncSmartAlex.close() call, which still closes the client."""
    calls: list[AsyncSmartAlex] = []
    original_close = AsyncSmartAlex.close

    async def recording_close(self: AsyncSmartAlex) -> None:
        calls.append(self)
        await original_close(self)

    monkeypatch.setattr(AsyncSmartAlex, "close", recording_close)
    return calls


def test_every_example_is_tested() -> None:
    files = sorted(path.name for path in EXAMPLES.glob("*.py"))

    assert files == sorted(TESTED_EXAMPLES)
    for test_name in TESTED_EXAMPLES.values():
        assert test_name in globals()


async def test_aiohttp_app_creates_campaign(
    emulator_environment: Emulator, close_calls: list[AsyncSmartAlex]
) -> None:
    example = load_example("aiohttp_app.py")
    state = emulator_environment.state

    async with TestClient(TestServer(example.create_app())) as http:
        created = await http.post("/campaigns", json={"name": "Web", "agent_id": "agent_def456"})
        created_body: dict[str, Any] = await created.json()
        unknown_agent = await http.post("/campaigns", json={"name": "X", "agent_id": "agent_no"})
        unknown_agent_body = await unknown_agent.json()
        empty_name = await http.post("/campaigns", json={"name": ""})
        not_json = await http.post("/campaigns", data=b"name=Web")
        shared_clients = {id(http.app[example.SMARTALEX])}
        second = await http.post("/campaigns", json={"name": "Second"})
        shared_clients.add(id(http.app[example.SMARTALEX]))

    assert created.status == 201
    assert created_body["name"] == "Web"
    assert created_body["status"] == "draft"
    assert created_body["agent_id"] == "agent_def456"
    assert state.campaigns[created_body["id"]]["name"] == "Web"
    assert unknown_agent.status == 400
    assert "agent_not_found" in unknown_agent_body["error"]
    assert empty_name.status == 400
    assert not_json.status == 400
    assert second.status == 201
    assert len(state.campaigns) == 2
    assert len(shared_clients) == 1
    assert len(close_calls) == 1


async def test_fastapi_app_creates_campaign(
    emulator_environment: Emulator, close_calls: list[AsyncSmartAlex]
) -> None:
    import httpx

    example = load_example("fastapi_app.py")
    state = emulator_environment.state

    async with asgi_lifespan(example.app) as app_with_state:
        transport = httpx.ASGITransport(app=app_with_state)
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as http:
            created = await http.post(
                "/campaigns", json={"name": "Web", "agent_id": "agent_def456"}
            )
            unknown_agent = await http.post(
                "/campaigns", json={"name": "X", "agent_id": "agent_no"}
            )
            empty_name = await http.post("/campaigns", json={"name": ""})
            missing_name = await http.post("/campaigns", json={})
            second = await http.post("/campaigns", json={"name": "Second"})
        assert close_calls == []

    assert created.status_code == 201
    assert created.json()["name"] == "Web"
    assert created.json()["status"] == "draft"
    assert created.json()["agent_id"] == "agent_def456"
    assert state.campaigns[created.json()["id"]]["name"] == "Web"
    assert unknown_agent.status_code == 400
    assert "agent_not_found" in unknown_agent.json()["detail"]
    assert empty_name.status_code == 400
    assert missing_name.status_code == 422
    assert second.status_code == 201
    assert second.json()["agent_id"] is None
    assert len(state.campaigns) == 2
    assert len(close_calls) == 1


def test_sync_script_starts_campaign(emulator_thread: Emulator) -> None:
    completed = run_example("sync_script.py", emulator_thread)

    assert completed.returncode == 0, completed.stderr
    [campaign] = emulator_thread.state.campaigns.values()
    assert campaign["name"] == "Spring leads"
    assert campaign["status"] in ("active", "scheduled")
    assert len(emulator_thread.state.campaign_contacts(campaign["id"])) == 2
    assert f"Campaign {campaign['id']} is {campaign['status']} with 2 contacts." in (
        completed.stdout
    )


def test_notebook_script_in_running_loop(emulator_thread: Emulator) -> None:
    emulator_thread.state.create_campaign({"name": "Made earlier"})

    completed = run_example("notebook.py", emulator_thread)

    assert completed.returncode == 0, completed.stderr
    names = sorted(campaign["name"] for campaign in emulator_thread.state.campaigns.values())
    assert names == ["Made earlier", "Notebook campaign"]
    assert "Made earlier" in completed.stdout
    assert "Notebook campaign" in completed.stdout


def write_leads(path: Path, count: int) -> None:
    """Write a CSV of `count` valid leads, one without a phone and one duplicate phone."""
    lines = ["first_name,last_name,phone,email,company"]
    lines += [
        f"Lead{index},Example,+1415555{index:04d},lead{index}@example.com,ACME"
        for index in range(count)
    ]
    lines.append("No,Phone,,nophone@example.com,ACME")
    lines.append("Again,Example,+14155550000,again@example.com,ACME")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_load_contacts_script_resumes(emulator_thread: Emulator, tmp_path: Path) -> None:
    state = emulator_thread.state
    leads = tmp_path / "leads.csv"
    write_leads(leads, 60)
    # A plan that stores at most 25 contacts stops the first run part of the way through.
    state.plan = Plan(name="capped", title="Capped", requests_per_minute=None, max_contacts=25)

    first = run_example("load_contacts.py", emulator_thread, str(leads), cwd=tmp_path)

    [campaign_id] = state.campaigns
    assert first.returncode == 1, first.stderr
    assert "[stopped]" in first.stdout
    assert f"Campaign {campaign_id}: 25 added" in first.stdout
    resume_line = first.stdout.splitlines()[-1]
    assert resume_line.startswith("To continue this load, run: ")
    assert len(state.campaign_contacts(campaign_id)) == 25

    state.plan = PLANS["unlimited"]
    resume_command = shlex.split(resume_line.removeprefix("To continue this load, run: "))
    second = run_example(
        "load_contacts.py",
        emulator_thread,
        *resume_command[2:],
        "--report",
        "report.csv",
        cwd=tmp_path,
    )

    assert second.returncode == 0, second.stdout + second.stderr
    assert "[finished]" in second.stdout
    assert f"Campaign {campaign_id}: 60 added, 2 skipped (duplicate_phone 1, missing_phone 1)" in (
        second.stdout
    )
    assert "35 contacts created by this run" in second.stdout
    assert len(state.campaigns) == 1
    assert len(state.contacts) == 60
    assert len(state.campaign_contacts(campaign_id)) == 60
    phones = [contact["phone"] for contact in state.contacts.values()]
    assert len(set(phones)) == 60
    report_lines = (tmp_path / "report.csv").read_text(encoding="utf-8").splitlines()
    assert len(report_lines) == 1 + 62
