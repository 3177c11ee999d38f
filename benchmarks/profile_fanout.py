"""Where the client's time goes in the fan-out: the SDK against raw aiohttp, profiled.

Three settings, those of the targets missed in some run: no server latency with 16 and with
64 requests in flight, and 25 ms of latency with 64 in flight. For each latency, an emulator
runs in a separate process, and each variant of fanout.py adds the same ids to a new
campaign, once to warm up and once under pyinstrument. The self time of every frame is
summed by where its code lives. The parts are the SDK, aiohttp (with yarl and multidict),
asyncio, json, waiting in the selector for the server, and the rest, which is the
benchmark's own code and the standard library. The SDK's costliest functions are listed with
their share of the time not spent waiting.

pyinstrument hooks every Python call, so it slows many small Python functions more than C
code, and these shares overstate the SDK's part somewhat. They show where its time goes.
fanout.py measures what it costs.

Run: python benchmarks/profile_fanout.py [--ids N] [--json FILE]
"""

from __future__ import annotations

import argparse
import collections
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fanout
from _emulator_process import EmulatorProcess, emulator_process
from pyinstrument import Profiler
from pyinstrument.frame import Frame

VARIANTS = ("sdk_async", "raw_aiohttp")
SETTINGS = ((0, 16), (0, 64), (25, 64))
"""(server latency in ms, requests in flight) of each profile."""
SAMPLE_INTERVAL_SECONDS = 0.0002
TOP_FUNCTIONS = 8


WAIT_FUNCTIONS = {"epoll.poll", "select.select", "kqueue.control", "poll.poll"}


def part_of(frame: Frame) -> str:
    """Name the part of the stack that a frame's code belongs to.

    A built-in function (dict.fromkeys, socket.send) belongs to the part that called it,
    except the selector's poll, which is the event loop waiting for the server.
    """
    path = (frame.file_path or "").replace("\\", "/")
    if path == "<built-in>":
        if frame.function in WAIT_FUNCTIONS:
            return "waiting for the server"
        return "other" if frame.parent is None else part_of(frame.parent)
    if "/smartalex_async/" in path:
        return "sdk"
    if any(f"/{package}/" in path for package in ("aiohttp", "yarl", "multidict")):
        return "aiohttp"
    if "/asyncio/" in path:
        return "asyncio"
    if "/json/" in path:
        return "json"
    return "other"


def real_frames(frame: Frame) -> Iterator[Frame]:
    """Yield `frame` and its descendants, skipping pyinstrument's synthetic frames."""
    if not frame.is_synthetic:
        yield frame
    for child in frame.children:
        yield from real_frames(child)


def summarize_profile(root: Frame) -> dict[str, Any]:
    by_part: collections.Counter[str] = collections.Counter()
    sdk_functions: collections.Counter[str] = collections.Counter()
    for frame in real_frames(root):
        part = part_of(frame)
        by_part[part] += frame.total_self_time
        if part == "sdk":
            sdk_functions[f"{frame.function} ({Path(frame.file_path or '').name})"] += (
                frame.total_self_time
            )

    total = sum(by_part.values())
    busy = total - by_part["waiting for the server"]
    return {
        "seconds": round(total, 3),
        "share_of_time": {part: round(seconds / total, 3) for part, seconds in by_part.items()},
        "sdk_share_of_busy_time": round(by_part["sdk"] / busy, 3),
        "sdk_functions_share_of_busy_time": {
            name: round(seconds / busy, 3)
            for name, seconds in sdk_functions.most_common(TOP_FUNCTIONS)
        },
    }


def profile_latency(ids: int, latency_ms: int, concurrencies: list[int]) -> list[dict[str, Any]]:
    """Profile each variant at each concurrency on one emulator with `latency_ms` of latency."""
    settings = []
    with emulator_process("--latency-ms", str(latency_ms)) as emulator:
        contact_ids = fanout.create_contacts(emulator, ids)
        for concurrency in concurrencies:
            setting: dict[str, Any] = {"latency_ms": latency_ms, "concurrency": concurrency}
            for name in VARIANTS:
                setting[name] = profile_variant(emulator, name, contact_ids, concurrency)
            settings.append(setting)
    return settings


def profile_variant(
    emulator: EmulatorProcess, name: str, contact_ids: list[str], concurrency: int
) -> dict[str, Any]:
    """Run one variant once to warm up, then once under pyinstrument, and summarize it."""
    run = fanout.VARIANTS[name]
    run(emulator, fanout.new_campaign(emulator, f"{name} warm-up"), contact_ids, concurrency)
    campaign_id = fanout.new_campaign(emulator, f"{name} profiled")
    profiler = Profiler(interval=SAMPLE_INTERVAL_SECONDS)
    profiler.start()
    run(emulator, campaign_id, contact_ids, concurrency)
    profiler.stop()
    root = profiler.last_session.root_frame() if profiler.last_session else None
    if root is None:
        raise RuntimeError(f"pyinstrument recorded no samples for {name}.")
    return summarize_profile(root)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ids", type=int, default=20_000, help="Contact ids per run.")
    parser.add_argument("--json", type=Path, help="Write the results to this JSON file.")
    arguments = parser.parse_args()

    by_latency: dict[int, list[int]] = collections.defaultdict(list)
    for latency_ms, concurrency in SETTINGS:
        by_latency[latency_ms].append(concurrency)
    settings = [
        setting
        for latency_ms, concurrencies in by_latency.items()
        for setting in profile_latency(arguments.ids, latency_ms, concurrencies)
    ]
    results = {"ids": arguments.ids, "settings": settings}
    print(json.dumps(results, indent=2), flush=True)
    if arguments.json:
        arguments.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
