"""Rows per second of the bulk loader (create plus add) against a plain sequential SDK loop.

The emulator runs in a child process (`smartalex emulator --port 0`, see _emulator_process.py)
with `--latency-ms` before each request, 0 by default. Each variant loads `--rows` generated
rows, with distinct phones, into a campaign of its own:

- loader: `client.campaigns.load_contacts` with `--concurrency` creates in flight and a
  journal in a temporary directory, adding batches of 100 while it creates;
- sequential: for each row `await client.contacts.create(...)`, and after every 100 creates
  `await client.campaigns.add_contacts(...)` with those ids, one request at a time.

Reported per variant: rows, seconds and rows per second, plus the loader's speed-up over the
sequential loop. Run: python benchmarks/loader.py [--rows N] [--concurrency N]
[--latency-ms MS] [--json FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from _emulator_process import emulator_process

from smartalex_async import AsyncSmartAlex, ContactInput

BATCH = 100


def generated_rows(count: int, offset: int) -> Iterator[ContactInput]:
    """Yield `count` rows whose phones start after `offset`, so variants never collide."""
    for index in range(offset, offset + count):
        yield ContactInput(
            first_name=f"Person{index}",
            last_name="Example",
            phone=f"+1415{index:07d}",
            email=f"person{index}@example.com",
        )


async def run_loader(base_url: str, api_key: str, rows: int, concurrency: int) -> float:
    async with AsyncSmartAlex(api_key=api_key, base_url=base_url) as client:
        campaign = await client.campaigns.create(name="Loader benchmark")
        with tempfile.TemporaryDirectory() as scratch:
            started = time.perf_counter()
            report = await client.campaigns.load_contacts(
                campaign.id,
                generated_rows(rows, 0),
                journal=Path(scratch) / "journal.sqlite",
                concurrency=concurrency,
            )
            elapsed = time.perf_counter() - started

    if report.added != rows:
        raise RuntimeError(f"The loader added {report.added} of {rows} rows: {report}")
    return elapsed


async def run_sequential(base_url: str, api_key: str, rows: int) -> float:
    async with AsyncSmartAlex(api_key=api_key, base_url=base_url) as client:
        campaign = await client.campaigns.create(name="Sequential benchmark")
        started = time.perf_counter()
        added = 0
        batch: list[str] = []
        for row in generated_rows(rows, rows):
            contact = await client.contacts.create(
                first_name=row.first_name or "",
                last_name=row.last_name,
                phone=row.phone,
                email=row.email,
            )
            batch.append(contact.id)
            if len(batch) == BATCH:
                added += len((await client.campaigns.add_contacts(campaign.id, batch)).added_ids)
                batch = []
        if batch:
            added += len((await client.campaigns.add_contacts(campaign.id, batch)).added_ids)
        elapsed = time.perf_counter() - started

    if added != rows:
        raise RuntimeError(f"The sequential loop added {added} of {rows} rows.")
    return elapsed


def summarize(rows: int, seconds: float) -> dict[str, float | int]:
    return {"rows": rows, "seconds": round(seconds, 2), "rows_per_second": round(rows / seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000, help="Rows per variant.")
    parser.add_argument("--concurrency", type=int, default=32, help="Loader creates in flight.")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="Emulator latency.")
    parser.add_argument("--json", type=Path, help="Write the results to this JSON file.")
    arguments = parser.parse_args()

    options = ("--latency-ms", str(arguments.latency_ms))
    with emulator_process(*options) as emulator:
        loader = asyncio.run(
            run_loader(emulator.base_url, emulator.api_key, arguments.rows, arguments.concurrency)
        )
        sequential = asyncio.run(
            run_sequential(emulator.base_url, emulator.api_key, arguments.rows)
        )

    report = {
        "latency_ms": arguments.latency_ms,
        "concurrency": arguments.concurrency,
        "loader": summarize(arguments.rows, loader),
        "sequential": summarize(arguments.rows, sequential),
        "speedup_over_sequential": round(sequential / loader, 2),
    }
    print(json.dumps(report, indent=2))
    if arguments.json:
        arguments.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
