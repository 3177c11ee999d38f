"""Bearer authentication of the emulator."""

from __future__ import annotations

import aiohttp
import pytest

from smartalex_async.emulator import DEFAULT_API_KEY, Emulator, EmulatorState, run_emulator


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="missing-header"),
        pytest.param({"Authorization": "Bearer sk_test_wrong"}, id="unknown-key"),
        pytest.param({"Authorization": f"Basic {DEFAULT_API_KEY}"}, id="basic-scheme"),
        pytest.param({"Authorization": "Bearer"}, id="no-key"),
        pytest.param({"Authorization": DEFAULT_API_KEY}, id="no-scheme"),
    ],
)
async def test_auth_rejects(emulator: Emulator, headers: dict[str, str]) -> None:
    async with (
        aiohttp.ClientSession(headers=headers) as client,
        client.get(f"{emulator.base_url}/campaigns") as response,
    ):
        body = await response.json()

    assert response.status == 401
    assert body["error"]["code"] == "unauthorized"
    assert body["error"]["status"] == 401
    assert "Authorization" in body["error"]["message"]


async def test_auth_message_hides_key(emulator: Emulator) -> None:
    headers = {"Authorization": "Bearer sk_secret_value"}
    async with (
        aiohttp.ClientSession(headers=headers) as client,
        client.get(f"{emulator.base_url}/contacts") as response,
    ):
        text = await response.text()

    assert response.status == 401
    assert "sk_secret_value" not in text


async def test_auth_checked_before_routing(emulator: Emulator) -> None:
    async with (
        aiohttp.ClientSession() as client,
        client.get(f"{emulator.base_url}/no-such-route") as response,
    ):
        body = await response.json()

    assert response.status == 401
    assert body["error"]["code"] == "unauthorized"


async def test_auth_accepts_lowercase_scheme(emulator: Emulator) -> None:
    headers = {"Authorization": f"bearer {emulator.api_key}"}
    async with (
        aiohttp.ClientSession(headers=headers) as client,
        client.get(f"{emulator.base_url}/campaigns") as response,
    ):
        pass

    assert response.status == 200


async def test_auth_custom_keys() -> None:
    async with run_emulator(api_keys=["sk_first", "sk_second"]) as running:
        statuses = {}
        for key in ("sk_first", "sk_second", DEFAULT_API_KEY):
            headers = {"Authorization": f"Bearer {key}"}
            async with (
                aiohttp.ClientSession(headers=headers) as client,
                client.get(f"{running.base_url}/campaigns") as response,
            ):
                statuses[key] = response.status

    assert running.api_key == "sk_first"
    assert statuses["sk_first"] == 200
    assert statuses["sk_second"] == 200
    assert statuses[DEFAULT_API_KEY] == 401


async def test_auth_key_added_to_state(emulator: Emulator) -> None:
    emulator.state.api_keys.add("sk_added_later")
    headers = {"Authorization": "Bearer sk_added_later"}
    async with (
        aiohttp.ClientSession(headers=headers) as client,
        client.get(f"{emulator.base_url}/contacts") as response,
    ):
        pass

    assert response.status == 200


async def test_auth_state_keys_default_to_sk_test() -> None:
    state = EmulatorState()

    assert state.api_keys == {"sk_test_emulator"}
