"""Run every benchmark and write one results file, then the docs page built from it.

    python benchmarks/run.py --quick    # under 2 minutes: small sizes, few rounds
    python benchmarks/run.py --full     # the sizes the performance page reports

Each benchmark runs as its own process and writes JSON; this script adds a description of
the machine and merges them into benchmarks/results/results.json, then calls report.py to
write docs/benchmarks.md and its charts from that file alone. With --output naming another
file, the page is left as it is.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
DEFAULT_OUTPUT = HERE / "results" / "results.json"

# Arguments of each benchmark script, per mode. A script that is missing is reported and
# skipped, so that the page says which figures are absent instead of failing the run.
STEPS: dict[str, dict[str, list[str]]] = {
    "fanout": {
        "quick": ["fanout.py", "--ids", "3000", "--rounds", "2"],
        "full": ["fanout.py", "--ids", "100000", "--rounds", "3"],
    },
    "profile": {
        "quick": ["profile_fanout.py", "--ids", "3000"],
        "full": ["profile_fanout.py", "--ids", "100000"],
    },
    "loader": {
        "quick": ["loader.py", "--rows", "2000"],
        "full": ["loader.py", "--rows", "50000"],
    },
    "facade": {
        "quick": ["facade_overhead.py", "--rounds", "3"],
        "full": ["facade_overhead.py", "--rounds", "9"],
    },
    "memory": {
        "quick": ["loader_memory.py", "--quick"],
        "full": ["loader_memory.py"],
    },
    "rate_limit": {
        "quick": ["rate_limit.py", "--duration", "12", "--variants", "sdk"],
        "full": ["rate_limit.py", "--duration", "120"],
    },
    "import_time": {
        "quick": ["import_time.py", "--runs", "3"],
        "full": ["import_time.py", "--runs", "21"],
    },
}


def describe_machine() -> dict[str, object]:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "system": platform.platform(),
        "python": platform.python_version(),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def run_step(name: str, arguments: list[str], workdir: Path) -> dict[str, object]:
    script = HERE / arguments[0]
    if not script.exists():
        print(f"== {name}: skipped, {script.name} does not exist", flush=True)
        return {"skipped": f"{script.name} does not exist"}
    output = workdir / f"{name}.json"
    print(f"== {name}: {' '.join(arguments)}", flush=True)
    started = time.monotonic()
    subprocess.run(
        [sys.executable, str(script), *arguments[1:], "--json", str(output)],
        cwd=HERE,
        check=True,
    )
    print(f"== {name}: {time.monotonic() - started:.0f} s", flush=True)
    result: dict[str, object] = json.loads(output.read_text())
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument(
        "--quick",
        action="store_const",
        const="quick",
        dest="mode",
        help="Small sizes, under 2 min.",
    )
    mode.add_argument(
        "--full",
        action="store_const",
        const="full",
        dest="mode",
        help="The sizes the performance page reports, about 35 min.",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help="Results file (default: %(default)s). Only the default one rebuilds the page.",
    )
    parser.add_argument(
        "--only", help=f"Comma-separated benchmarks to run, of {', '.join(STEPS)} (default: all)."
    )
    arguments = parser.parse_args()

    names = arguments.only.split(",") if arguments.only else list(STEPS)
    unknown = [name for name in names if name not in STEPS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(STEPS)}.")
    results: dict[str, object] = {"mode": arguments.mode, "machine": describe_machine()}
    with tempfile.TemporaryDirectory() as workdir:
        for name in names:
            results[name] = run_step(name, STEPS[name][arguments.mode], Path(workdir))

    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    arguments.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"Wrote {arguments.output}", flush=True)
    # The page describes the committed results file, so another file leaves it alone.
    if arguments.output.resolve() != DEFAULT_OUTPUT.resolve():
        print(f"To build the page from it: python {HERE / 'report.py'} {arguments.output}")
        return
    subprocess.run([sys.executable, str(HERE / "report.py"), str(arguments.output)], check=True)


if __name__ == "__main__":
    main()
