"""Peak memory (RSS) of `smartalex import` by input size: dry runs and full loads.

Each measurement runs the command in a child process of its own, which reports its peak
resident set size from `resource.getrusage(RUSAGE_SELF).ru_maxrss` when the command ends.
The input is a generated CSV with distinct phones. Full loads go to an emulator in another
child process (`smartalex emulator --port 0`), so its memory is not counted.

Sizes: dry runs of 10,000 and 1,000,000 rows, full loads of 10,000 and 200,000 rows
(`--quick`: 10,000 and 50,000, and 1,000 and 5,000). Reported per mode: the peak in MB at
each size and the growth from the smallest size to the largest. `growth_mb` is the larger
of the two growths. The target is at most 20 MB.
Run: python benchmarks/loader_memory.py [--quick] [--json F]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

from _emulator_process import emulator_process

FULL_SIZES = {"dry_run": (10_000, 1_000_000), "load": (10_000, 200_000)}
QUICK_SIZES = {"dry_run": (10_000, 50_000), "load": (1_000, 5_000)}


def write_csv(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8") as file:
        file.write("First Name,Last Name,Email,Phone Number,Company Name\n")
        # Exchanges 200 to 299 make valid US numbers, as in a real export. phonenumbers tries
        # every North American region before it rejects an invalid one, which is slower.
        for index in range(rows):
            file.write(
                f"Person{index},Example,person{index}@example.com,"
                f"+1 415 {200 + index // 10_000:03d} {index % 10_000:04d},Company {index % 97}\n"
            )
    return path


def measure(arguments: list[str]) -> float:
    """Run `smartalex ARGUMENTS` in a child process and return its peak RSS in MB."""
    command = [sys.executable, __file__, "--child", *arguments]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(arguments)} failed:\n{result.stdout}\n{result.stderr}")
    return float(result.stdout.strip().splitlines()[-1])


def run_child(arguments: list[str]) -> None:
    """Run the command in this process, then print the peak RSS in MB as the last line."""
    from smartalex_async.cli._commands import main

    try:
        main(arguments, standalone_mode=False)
    finally:
        # ru_maxrss is in kilobytes on Linux.
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def measure_dry_runs(sizes: tuple[int, ...], scratch: Path) -> dict[str, float]:
    peaks = {}
    for rows in sizes:
        source = write_csv(scratch / f"dry-{rows}.csv", rows)
        peaks[str(rows)] = measure(["import", str(source), "--dry-run"])
        source.unlink()
    return peaks


def measure_loads(sizes: tuple[int, ...], scratch: Path) -> dict[str, float]:
    peaks = {}
    with emulator_process() as emulator:
        for rows in sizes:
            source = write_csv(scratch / f"load-{rows}.csv", rows)
            arguments = ["import", str(source), "--campaign-name", f"Memory {rows}"]
            arguments += ["--concurrency", "32", "--api-key", emulator.api_key]
            arguments += ["--base-url", emulator.base_url]
            peaks[str(rows)] = measure(arguments)
    return peaks


def with_growth(peaks: dict[str, float]) -> dict[str, object]:
    # Rounded before the subtraction, so that the growth matches the peaks shown beside it.
    rounded = {rows: round(peak, 1) for rows, peak in peaks.items()}
    smallest = rounded[min(rounded, key=int)]
    largest = rounded[max(rounded, key=int)]
    return {"peak_rss_mb": rounded, "growth_mb": round(largest - smallest, 1)}


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        run_child(sys.argv[2:])
        return

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Smaller sizes (25 s).")
    parser.add_argument("--json", type=Path, help="Write the results to this JSON file.")
    arguments = parser.parse_args()

    sizes = QUICK_SIZES if arguments.quick else FULL_SIZES
    with tempfile.TemporaryDirectory() as scratch:
        dry_run = with_growth(measure_dry_runs(sizes["dry_run"], Path(scratch)))
        load = with_growth(measure_loads(sizes["load"], Path(scratch)))

    report = {
        "dry_run": dry_run,
        "load": load,
        "growth_mb": max(float(str(dry_run["growth_mb"])), float(str(load["growth_mb"]))),
        "target_growth_mb": 20,
    }
    print(json.dumps(report, indent=2))
    if arguments.json:
        arguments.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
