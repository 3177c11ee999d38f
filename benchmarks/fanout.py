"""Fan-out of contact adds: the SDK against raw aiohttp, httpx and requests, in one run.

Every variant adds the same contact ids to a fresh campaign, in batches of 100, on an
emulator running in a separate process (`smartalex emulator`), with 0 ms and 25 ms of server
latency and 16 and 64 requests in flight. Variants run interleaved, in a new order each round,
so that drift of the machine hits all of them alike. After every run the emulator's admin
state is read back to check that the campaign holds every id.

Run: python benchmarks/fanout.py [--ids N] [--rounds R] [--json FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import statistics
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import requests
from _emulator_process import EmulatorProcess, emulator_process

from smartalex_async import AsyncSmartAlex
from smartalex_sync import SmartAlex

BATCH = 100
LATENCIES_MS = (0, 25)
CONCURRENCIES = (16, 64)
Variant = Callable[[EmulatorProcess, str, list[str], int], float]


def batches(ids: list[str]) -> list[list[str]]:
    return [ids[start : start + BATCH] for start in range(0, len(ids), BATCH)]


def add_url(emulator: EmulatorProcess, campaign_id: str) -> str:
    return f"{emulator.base_url}/campaigns/{campaign_id}/contacts"


def auth(emulator: EmulatorProcess) -> dict[str, str]:
    return {"Authorization": f"Bearer {emulator.api_key}"}


def timed(run: Callable[[], Any]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def sdk_async(emulator: EmulatorProcess, campaign_id: str, ids: list[str], limit: int) -> float:
    async def run() -> float:
        async with AsyncSmartAlex(api_key=emulator.api_key, base_url=emulator.base_url) as client:
            await client.campaigns.list(per_page=1)  # Opens the session before the clock starts.
            started = time.perf_counter()
            result = await client.campaigns.add_contacts(campaign_id, ids, concurrency=limit)
            elapsed = time.perf_counter() - started
        assert result.ok, result.failed_batches[:1]
        return elapsed

    return asyncio.run(run())


def sdk_sync(emulator: EmulatorProcess, campaign_id: str, ids: list[str], limit: int) -> float:
    with SmartAlex(api_key=emulator.api_key, base_url=emulator.base_url) as client:
        client.campaigns.list(per_page=1)  # Starts the loop thread before the clock does.
        started = time.perf_counter()
        result = client.campaigns.add_contacts(campaign_id, ids, concurrency=limit)
        elapsed = time.perf_counter() - started
    assert result.ok, result.failed_batches[:1]
    return elapsed


def raw_aiohttp(emulator: EmulatorProcess, campaign_id: str, ids: list[str], limit: int) -> float:
    """The hand-written pattern: one task per batch, a semaphore around each request."""

    async def run() -> float:
        slots = asyncio.Semaphore(limit)
        url = add_url(emulator, campaign_id)
        async with aiohttp.ClientSession(headers=auth(emulator)) as session:

            async def add(batch: list[str]) -> None:
                async with slots, session.post(url, json={"contact_ids": batch}) as response:
                    await response.read()
                    response.raise_for_status()

            started = time.perf_counter()
            await asyncio.gather(*(add(batch) for batch in batches(ids)))
            return time.perf_counter() - started

    return asyncio.run(run())


def httpx_async(emulator: EmulatorProcess, campaign_id: str, ids: list[str], limit: int) -> float:
    async def run() -> float:
        slots = asyncio.Semaphore(limit)
        url = add_url(emulator, campaign_id)
        pool = httpx.Limits(max_connections=limit, max_keepalive_connections=limit)
        async with httpx.AsyncClient(headers=auth(emulator), limits=pool) as client:

            async def add(batch: list[str]) -> None:
                async with slots:
                    response = await client.post(url, json={"contact_ids": batch})
                    response.raise_for_status()

            started = time.perf_counter()
            await asyncio.gather(*(add(batch) for batch in batches(ids)))
            return time.perf_counter() - started

    return asyncio.run(run())


def requests_sequential(
    emulator: EmulatorProcess, campaign_id: str, ids: list[str], limit: int
) -> float:
    url = add_url(emulator, campaign_id)
    with requests.Session() as session:
        session.headers.update(auth(emulator))

        def run() -> None:
            for batch in batches(ids):
                session.post(url, json={"contact_ids": batch}).raise_for_status()

        return timed(run)


def requests_threads(
    emulator: EmulatorProcess, campaign_id: str, ids: list[str], limit: int
) -> float:
    url = add_url(emulator, campaign_id)
    local = threading.local()

    def add(batch: list[str]) -> None:
        if not hasattr(local, "session"):
            local.session = requests.Session()
            local.session.headers.update(auth(emulator))
        local.session.post(url, json={"contact_ids": batch}).raise_for_status()

    with ThreadPoolExecutor(max_workers=limit) as pool:
        return timed(lambda: list(pool.map(add, batches(ids))))


VARIANTS: dict[str, Variant] = {
    "sdk_async": sdk_async,
    "sdk_sync": sdk_sync,
    "raw_aiohttp": raw_aiohttp,
    "httpx_async": httpx_async,
    "requests_sequential": requests_sequential,
    "requests_threads": requests_threads,
}


def create_contacts(emulator: EmulatorProcess, count: int) -> list[str]:
    """Create the contacts the runs add, through the SDK, once per emulator."""

    async def run() -> list[str]:
        async with AsyncSmartAlex(api_key=emulator.api_key, base_url=emulator.base_url) as client:
            slots = asyncio.Semaphore(64)

            async def create(number: int) -> str:
                async with slots:
                    contact = await client.contacts.create(first_name=f"Bench {number}")
                    return contact.id

            return list(await asyncio.gather(*(create(n) for n in range(count))))

    return asyncio.run(run())


def new_campaign(emulator: EmulatorProcess, name: str) -> str:
    with SmartAlex(api_key=emulator.api_key, base_url=emulator.base_url) as client:
        return client.campaigns.create(name=name).id


def held_ids(emulator: EmulatorProcess, campaign_id: str) -> list[str]:
    """Read a campaign's contact ids through the emulator's admin endpoint."""
    origin = emulator.base_url.rsplit("/v1", 1)[0]
    response = requests.get(f"{origin}/_emulator/state", headers=auth(emulator), timeout=60)
    response.raise_for_status()
    return list(response.json()["data"]["campaign_contacts"][campaign_id])


def run_setting(
    emulator: EmulatorProcess, ids: list[str], limit: int, rounds: int, variants: list[str]
) -> dict[str, list[float]]:
    """Run every variant `rounds` times, interleaved, and return contacts per second."""
    rates: dict[str, list[float]] = {name: [] for name in variants}
    for round_number in range(rounds):
        order = random.Random(round_number).sample(variants, len(variants))
        for name in order:
            campaign_id = new_campaign(emulator, f"{name} round {round_number}")
            elapsed = VARIANTS[name](emulator, campaign_id, ids, limit)
            held = held_ids(emulator, campaign_id)
            if sorted(held) != sorted(ids):
                raise AssertionError(
                    f"{name}: the campaign contains {len(held)} of {len(ids)} ids."
                )
            rates[name].append(len(ids) / elapsed)
    return rates


def summarize(
    rates: dict[str, list[float]], ids: int, limit: int, latency_ms: int
) -> dict[str, Any]:
    baseline = statistics.median(rates["raw_aiohttp"])
    variants = {
        name: {
            "contacts_per_s_median": round(statistics.median(values), 1),
            "contacts_per_s_min": round(min(values), 1),
            "contacts_per_s_max": round(max(values), 1),
            "ratio_to_raw_aiohttp": round(statistics.median(values) / baseline, 3),
            "runs": len(values),
        }
        for name, values in rates.items()
    }
    result: dict[str, Any] = {"latency_ms": latency_ms, "concurrency": limit, "ids": ids}
    if latency_ms:
        # With every request taking the latency and `limit` in flight, at most
        # limit / latency batches complete per second.
        batch_count = math.ceil(ids / BATCH)
        limit_rate = limit / (latency_ms / 1000) * (ids / batch_count)
        result["theoretical_contacts_per_s"] = round(limit_rate, 1)
        for values in variants.values():
            values["ratio_to_theoretical"] = round(values["contacts_per_s_median"] / limit_rate, 3)
    result["variants"] = variants
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ids", type=int, default=20_000, help="Contact ids per run.")
    parser.add_argument("--rounds", type=int, default=3, help="Runs of each variant.")
    parser.add_argument("--json", type=Path, help="Write the results to this JSON file.")
    arguments = parser.parse_args()

    settings = []
    for latency_ms in LATENCIES_MS:
        with emulator_process("--latency-ms", str(latency_ms)) as emulator:
            ids = create_contacts(emulator, arguments.ids)
            for limit in CONCURRENCIES:
                rates = run_setting(emulator, ids, limit, arguments.rounds, list(VARIANTS))
                settings.append(summarize(rates, len(ids), limit, latency_ms))
                print(json.dumps(settings[-1], indent=2), flush=True)
    if arguments.json:
        arguments.json.write_text(json.dumps({"fanout": settings}, indent=2) + "\n")


if __name__ == "__main__":
    main()
