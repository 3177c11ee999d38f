"""Achieved request rate against a per-key limit: the SDK's pacing against a naive retry loop.

The emulator runs in a child process with a 600 requests-per-minute limit per key (the Real
Estate plan). Each variant uses its own key, so each has its own window, and sends
`contacts.list` requests from 16 concurrent tasks for the whole duration:

- sdk: AsyncSmartAlex with requests_per_minute=RatePlan.REAL_ESTATE;
- naive: plain aiohttp that sends as fast as it can and, on a 429, sleeps Retry-After seconds.

Reported per variant: successful requests per minute divided by the plan's limit, and the
number of 429 responses. Run: python benchmarks/rate_limit.py [--duration SECONDS] [--json F]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import aiohttp
from _emulator_process import emulator_process

from smartalex_async import AsyncSmartAlex, RatePlan

PLAN = RatePlan.REAL_ESTATE
CONCURRENCY = 16


class Tally:
    """Counts of one variant's run."""

    def __init__(self) -> None:
        self.succeeded = 0
        self.too_many_requests = 0


async def run_workers(call: Any, duration: float, tally: Tally) -> None:
    deadline = time.monotonic() + duration

    async def worker() -> None:
        while time.monotonic() < deadline:
            await call()
            if time.monotonic() <= deadline:
                tally.succeeded += 1

    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))


async def run_sdk(base_url: str, api_key: str, duration: float) -> Tally:
    tally = Tally()

    async def count_429(
        _session: aiohttp.ClientSession, _context: SimpleNamespace, params: Any
    ) -> None:
        if params.response.status == 429:
            tally.too_many_requests += 1

    trace = aiohttp.TraceConfig()
    trace.on_request_end.append(count_429)
    async with AsyncSmartAlex(
        api_key=api_key, base_url=base_url, requests_per_minute=PLAN, trace_configs=[trace]
    ) as client:
        await run_workers(lambda: client.contacts.list(per_page=1), duration, tally)
    return tally


async def run_naive(base_url: str, api_key: str, duration: float) -> Tally:
    tally = Tally()
    headers = {"Authorization": f"Bearer {api_key}"}
    async with aiohttp.ClientSession(headers=headers) as session:

        async def call() -> None:
            while True:
                async with session.get(f"{base_url}/contacts", params={"per_page": 1}) as response:
                    await response.read()
                    if response.status != 429:
                        return
                    tally.too_many_requests += 1
                    await asyncio.sleep(float(response.headers.get("Retry-After", "1")))

        await run_workers(call, duration, tally)
    return tally


def summarize(tally: Tally, duration: float) -> dict[str, float | int]:
    per_minute = tally.succeeded / duration * 60
    return {
        "requests": tally.succeeded,
        "requests_per_minute": round(per_minute, 1),
        "ratio_to_plan": round(per_minute / PLAN, 3),
        "responses_429": tally.too_many_requests,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--duration",
        type=float,
        default=120.0,
        help="Seconds per variant; a multiple of the 60 s window compares fairly.",
    )
    parser.add_argument(
        "--variants",
        default="sdk,naive",
        help="Comma-separated variants to run: sdk, naive (default both).",
    )
    parser.add_argument("--json", type=Path, help="Write the results to this JSON file.")
    arguments = parser.parse_args()
    runners = {"sdk": run_sdk, "naive": run_naive}
    chosen = [name.strip() for name in arguments.variants.split(",") if name.strip()]

    options = ("--rate-limit", str(int(PLAN)), "--api-key", "sdk", "--api-key", "naive")
    with emulator_process(*options) as emulator:
        results = {
            name: summarize(
                asyncio.run(runners[name](emulator.base_url, name, arguments.duration)),
                arguments.duration,
            )
            for name in chosen
        }
    report = {"plan_requests_per_minute": int(PLAN), "duration_s": arguments.duration, **results}
    print(json.dumps(report, indent=2))
    if arguments.json:
        arguments.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
