"""Per-call cost of the sync facade against the async client it wraps.

Both clients send `campaigns.get(id)` for the same campaign, one call after another, to an
emulator that runs in a separate process (`smartalex emulator --port 0`), so that the server
does not compete with the clients for this process's GIL:

- facade: `SmartAlex.campaigns.get(id)`, which waits for the call on the client's loop thread;
- async: `await AsyncSmartAlex.campaigns.get(id)` on a loop in the calling thread;
- loop thread: the same awaited call on a plain loop in another thread, sent there with
  `asyncio.run_coroutine_threadsafe`: what the facade's design costs with none of the
  facade's own code;
- handoff: `asyncio.run_coroutine_threadsafe` of a coroutine that returns at once, to a loop
  in another thread: the thread round trip that every call through a loop thread pays, with
  no SDK code in it.

After a warm-up of each, the rounds alternate between the two, and the order inside a round
flips every round, so that drift in the machine's load affects all alike. Reported: the median
of all per-call times of each variant in microseconds, the median of each round, and the
ratios of the medians: facade/async, and facade/loop thread.

Run: python benchmarks/facade_overhead.py [--rounds N] [--calls N] [--warmup N] [--json FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import aiohttp
from _emulator_process import EmulatorProcess, emulator_process

from smartalex_async import AsyncSmartAlex
from smartalex_sync import SmartAlex

AGENT_ID = "agent_def456"


# ---------------------------------------------------------------------------------------------
# Measurement


def time_facade(client: SmartAlex, campaign_id: str, calls: int) -> list[float]:
    """Return the duration of each of `calls` sequential calls, in microseconds."""
    durations: list[float] = []
    for _ in range(calls):
        started = time.perf_counter()
        client.campaigns.get(campaign_id)
        durations.append((time.perf_counter() - started) * 1e6)
    return durations


def time_handoff(loop: asyncio.AbstractEventLoop, calls: int) -> list[float]:
    """Return the duration of each of `calls` round trips to `loop`'s thread, in microseconds."""

    async def nothing() -> None:
        return None

    durations: list[float] = []
    for _ in range(calls):
        started = time.perf_counter()
        asyncio.run_coroutine_threadsafe(nothing(), loop).result()
        durations.append((time.perf_counter() - started) * 1e6)
    return durations


async def time_async(client: AsyncSmartAlex, campaign_id: str, calls: int) -> list[float]:
    """Return the duration of each of `calls` sequential awaited calls, in microseconds."""
    durations: list[float] = []
    for _ in range(calls):
        started = time.perf_counter()
        await client.campaigns.get(campaign_id)
        durations.append((time.perf_counter() - started) * 1e6)
    return durations


def time_loop_thread(
    client: AsyncSmartAlex, loop: asyncio.AbstractEventLoop, campaign_id: str, calls: int
) -> list[float]:
    """Return the duration of each of `calls` awaited calls sent to `loop`'s thread."""
    durations: list[float] = []
    for _ in range(calls):
        started = time.perf_counter()
        asyncio.run_coroutine_threadsafe(client.campaigns.get(campaign_id), loop).result()
        durations.append((time.perf_counter() - started) * 1e6)
    return durations


def measure(server: EmulatorProcess, rounds: int, calls: int, warmup: int) -> dict[str, Any]:
    """Create a campaign, then time each variant fetching it."""
    facade = SmartAlex(api_key=server.api_key, base_url=server.base_url)
    loop = asyncio.new_event_loop()
    native = AsyncSmartAlex(api_key=server.api_key, base_url=server.base_url)
    other_loop = asyncio.new_event_loop()
    other_thread = threading.Thread(target=other_loop.run_forever, daemon=True)
    other_thread.start()
    # Created on the loop that uses it, as aiohttp expects of a session.
    threaded = asyncio.run_coroutine_threadsafe(new_client(server), other_loop).result()
    try:
        campaign_id = facade.campaigns.create(name="Benchmark", agent_id=AGENT_ID).id

        def facade_round(count: int) -> list[float]:
            return time_facade(facade, campaign_id, count)

        def async_round(count: int) -> list[float]:
            # The same loop every round, so the async client keeps its session and connection.
            return loop.run_until_complete(time_async(native, campaign_id, count))

        def handoff_round(count: int) -> list[float]:
            return time_handoff(other_loop, count)

        def loop_thread_round(count: int) -> list[float]:
            return time_loop_thread(threaded, other_loop, campaign_id, count)

        runners = {
            "facade": facade_round,
            "async": async_round,
            "loop_thread": loop_thread_round,
            "handoff": handoff_round,
        }
        samples = run_rounds(runners, rounds, calls, warmup)
    finally:
        asyncio.run_coroutine_threadsafe(threaded.close(), other_loop).result()
        other_loop.call_soon_threadsafe(other_loop.stop)
        other_thread.join()
        other_loop.close()
        loop.run_until_complete(native.close())
        loop.close()
        facade.close()

    return summarize(samples, calls, warmup)


async def new_client(server: EmulatorProcess) -> AsyncSmartAlex:
    return AsyncSmartAlex(api_key=server.api_key, base_url=server.base_url)


def run_rounds(
    runners: Mapping[str, Callable[[int], list[float]]], rounds: int, calls: int, warmup: int
) -> dict[str, list[list[float]]]:
    """Warm up each runner, then run the rounds, flipping the order of the runners each time."""
    for run in runners.values():
        run(warmup)

    samples: dict[str, list[list[float]]] = {name: [] for name in runners}
    order = list(runners)
    for _ in range(rounds):
        for name in order:
            samples[name].append(runners[name](calls))
        order.reverse()
    return samples


def median_of_all(rounds: list[list[float]]) -> float:
    """Return the median of every duration of every round."""
    return statistics.median(value for durations in rounds for value in durations)


def summarize(samples: Mapping[str, list[list[float]]], calls: int, warmup: int) -> dict[str, Any]:
    medians = {name: median_of_all(rounds) for name, rounds in samples.items()}
    facade, native = medians["facade"], medians["async"]
    results: dict[str, Any] = {f"{name}_median_us": round(medians[name], 1) for name in samples}
    results |= {
        "ratio_facade_to_async": round(facade / native, 3),
        "ratio_facade_to_loop_thread": round(facade / medians["loop_thread"], 3),
        "facade_minus_async_us": round(facade - native, 1),
    }
    for name, rounds in samples.items():
        results[f"{name}_round_medians_us"] = [round(statistics.median(r), 1) for r in rounds]
    return results | {
        "rounds": len(samples["facade"]),
        "calls_per_round": calls,
        "warmup_calls": warmup,
        "python": platform.python_version(),
        "aiohttp": aiohttp.__version__,
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
    }


# ---------------------------------------------------------------------------------------------
# Command line


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds (default 7)")
    parser.add_argument(
        "--calls", type=int, default=300, help="calls per client in each round (default 300)"
    )
    parser.add_argument(
        "--warmup", type=int, default=200, help="calls per client before the rounds (default 200)"
    )
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    arguments = parser.parse_args(argv)
    for name in ("rounds", "calls"):
        if getattr(arguments, name) < 1:
            parser.error(f"--{name} must be at least 1.")
    if arguments.warmup < 0:
        parser.error("--warmup must be 0 or more.")
    return arguments


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    with emulator_process() as server:
        results = measure(server, arguments.rounds, arguments.calls, arguments.warmup)

    text = json.dumps(results, indent=2)
    print(text)
    if arguments.json is not None:
        arguments.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
