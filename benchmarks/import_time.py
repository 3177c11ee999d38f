"""Import time of smartalex_async and smartalex_sync against aiohttp alone.

Each import runs in a fresh interpreter under `python -X importtime`, and the cumulative
time of the top-level package is read from its report. Imports alternate between the three
modules, so that disk-cache and load changes hit all of them alike.

Run: python benchmarks/import_time.py [--runs N] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
from pathlib import Path

MODULES = ("aiohttp", "smartalex_async", "smartalex_sync")


def import_microseconds(module: str) -> int:
    """Return the cumulative import time of `module` in a fresh interpreter."""
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        check=True,
    )
    pattern = re.compile(rf"^import time:\s+\d+ \|\s+(\d+) \| {re.escape(module)}$", re.MULTILINE)
    match = pattern.search(completed.stderr)
    if match is None:
        raise RuntimeError(f"No import-time line for {module} in the -X importtime report.")
    return int(match[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="Imports of each module.")
    parser.add_argument("--json", type=Path, help="Write the results to this JSON file.")
    arguments = parser.parse_args()

    for module in MODULES:  # Warm the disk cache and the bytecode cache.
        import_microseconds(module)
    samples: dict[str, list[int]] = {module: [] for module in MODULES}
    for _ in range(arguments.runs):
        for module in MODULES:
            samples[module].append(import_microseconds(module))

    baseline = statistics.median(samples["aiohttp"])
    report = {
        module: {
            "median_ms": round(statistics.median(values) / 1000, 1),
            "min_ms": round(min(values) / 1000, 1),
            "max_ms": round(max(values) / 1000, 1),
            "ratio_to_aiohttp": round(statistics.median(values) / baseline, 3),
        }
        for module, values in samples.items()
    }
    print(json.dumps(report, indent=2))
    if arguments.json:
        arguments.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
