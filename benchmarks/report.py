"""Write docs/benchmarks.md and its charts from a results file of run.py, and nothing else.

Every figure on the page is read from the results file, so the page can be rebuilt from the
committed file at any time: python benchmarks/report.py benchmarks/results/results.json
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # Render to files; there is no display.
import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator

HERE = Path(__file__).parent
DOCS = HERE.parent / "docs"
CHARTS = DOCS / "benchmarks"
NOTES = HERE / "notes.md"

VARIANT_LABELS = {
    "sdk_async": "SDK (async)",
    "sdk_sync": "SDK (sync facade)",
    "raw_aiohttp": "raw aiohttp",
    "httpx_async": "httpx.AsyncClient",
    "requests_sequential": "requests, sequential",
    "requests_threads": "requests, thread pool",
}


def table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return [*lines, ""]


def fanout_setting(results: dict[str, Any], latency_ms: int, concurrency: int) -> dict[str, Any]:
    for setting in results.get("fanout", {}).get("fanout", []):
        if setting["latency_ms"] == latency_ms and setting["concurrency"] == concurrency:
            return dict(setting)
    return {}


def fanout_section(results: dict[str, Any]) -> Iterator[str]:
    settings = results.get("fanout", {}).get("fanout", [])
    if not settings:
        yield "No fan-out results in this run.\n"
        return
    yield "![Contacts added per second](benchmarks/fanout.png)\n"
    yield (
        "Each panel of the chart has its own scale. The theoretical limit at a latency is the "
        "requests in flight divided by the latency, times the 100 ids of a batch.\n"
    )
    for setting in settings:
        yield (
            f"**{setting['latency_ms']} ms server latency, {setting['concurrency']} in flight, "
            f"{setting['ids']:,} ids**"
            + (
                f" (theoretical limit {setting['theoretical_contacts_per_s']:,.0f} contacts/s)"
                if "theoretical_contacts_per_s" in setting
                else ""
            )
            + "\n"
        )
        rows = [
            [
                VARIANT_LABELS.get(name, name),
                f"{values['contacts_per_s_median']:,.0f}",
                f"{values['contacts_per_s_min']:,.0f} to {values['contacts_per_s_max']:,.0f}",
                f"{values['ratio_to_raw_aiohttp']:.2f}",
                f"{values['ratio_to_theoretical']:.2f}" if "ratio_to_theoretical" in values else "",
                values["runs"],
            ]
            for name, values in setting["variants"].items()
        ]
        yield from table(
            ["variant", "contacts/s (median)", "min to max", "vs raw aiohttp", "vs limit", "runs"],
            rows,
        )


def draw_fanout(results: dict[str, Any]) -> None:
    settings = results.get("fanout", {}).get("fanout", [])
    if not settings:
        return
    figure, axes = plt.subplots(1, len(settings), figsize=(4 * len(settings), 4), squeeze=False)
    for axis, setting in zip(axes[0], settings, strict=True):
        names = list(setting["variants"])
        values = [setting["variants"][name]["contacts_per_s_median"] for name in names]
        axis.barh([VARIANT_LABELS.get(name, name) for name in names], values)
        axis.set_title(f"{setting['latency_ms']} ms, {setting['concurrency']} in flight")
        axis.set_xlabel("thousand contacts/s (median)")
        axis.xaxis.set_major_formatter(lambda value, _position: f"{value / 1000:g}")
        axis.xaxis.set_major_locator(MaxNLocator(nbins=4))
        axis.invert_yaxis()
    figure.tight_layout()
    figure.savefig(CHARTS / "fanout.png", dpi=90)
    plt.close(figure)


def profile_tables(profile: dict[str, Any]) -> Iterator[str]:
    """Render profile_fanout.py's shares of time, SDK beside raw aiohttp, for each setting."""
    settings = profile["settings"]
    yield (
        f"pyinstrument, one run of each variant adding {profile['ids']:,} ids "
        "(`benchmarks/profile_fanout.py`). Share of the client's time by where the code "
        "lives; the SDK run includes the aiohttp and asyncio work of its own requests.\n"
    )
    header = ["part"]
    for setting in settings:
        where = f"{setting['latency_ms']} ms, {setting['concurrency']} in flight"
        header += [f"SDK, {where}", f"raw aiohttp, {where}"]
    runs = [setting[name] for setting in settings for name in ("sdk_async", "raw_aiohttp")]
    parts = sorted({part for run in runs for part in run["share_of_time"]})
    rows = [[part, *(run["share_of_time"].get(part, 0.0) for run in runs)] for part in parts]
    rows.append(["profiled seconds", *(run["seconds"] for run in runs)])
    yield from table(header, rows)
    for setting in settings:
        yield (
            f"SDK functions with the most self time at {setting['latency_ms']} ms and "
            f"{setting['concurrency']} in flight, as a share of the time not spent waiting "
            f"(the SDK's own code is {setting['sdk_async']['sdk_share_of_busy_time']} of it; "
            "the table above gives shares of all the time):\n"
        )
        functions = setting["sdk_async"]["sdk_functions_share_of_busy_time"].items()
        yield from table(["function", "share"], [[name, share] for name, share in functions])


def facade_tables(facade: dict[str, Any]) -> Iterator[str]:
    """Render facade_overhead.py's per-call medians, each against the async client's."""
    yield (
        f"`campaigns.get` one call after another, {facade['rounds']} interleaved rounds of "
        f"{facade['calls_per_round']} calls after {facade['warmup_calls']} warm-up calls "
        "(`benchmarks/facade_overhead.py`). The loop-thread variant is the async client "
        "called through `asyncio.run_coroutine_threadsafe` on a plain loop in another thread, "
        "with none of the facade's code; the hand-off is that round trip with a coroutine "
        "that returns at once.\n"
    )
    labels = {
        "facade": "SDK (sync facade)",
        "async": "SDK (async)",
        "loop_thread": "SDK (async) on a loop thread",
        "handoff": "hand-off alone",
    }
    native = facade["async_median_us"]
    rows = [
        [
            label,
            facade[f"{name}_median_us"],
            f"{facade[f'{name}_median_us'] / native:.3f}",
            ", ".join(str(value) for value in facade[f"{name}_round_medians_us"]),
        ]
        for name, label in labels.items()
    ]
    yield from table(["variant", "median µs per call", "of async", "round medians µs"], rows)


def memory_tables(memory: dict[str, Any]) -> Iterator[str]:
    """Render loader_memory.py's peak RSS per mode and size."""
    yield (
        "Peak RSS of `smartalex import` in a child process of its own "
        "(`benchmarks/loader_memory.py`); full loads go to an emulator in another process.\n"
    )
    rows = []
    for mode, label in (("dry_run", "dry run"), ("load", "full load")):
        peaks = memory[mode]["peak_rss_mb"]
        for size in sorted(peaks, key=int):
            rows.append([label, f"{int(size):,}", peaks[size]])
        rows.append([label, "growth", memory[mode]["growth_mb"]])
    yield from table(["mode", "rows", "peak RSS MB"], rows)


def flat_table(data: dict[str, Any]) -> Iterator[str]:
    """Render a benchmark's JSON as a flat table of key paths and values."""
    rows = [[path, value] for path, value in flatten(data)]
    yield from table(["measure", "value"], rows)


def section(
    title: str,
    data: Any,
    render: Callable[[dict[str, Any]], Iterator[str]] = flat_table,
    description: str | None = None,
) -> Iterator[str]:
    """Render a heading, then `description` and `data` with `render`, or a line saying it
    was not measured."""
    yield f"## {title}\n"
    if not data or "skipped" in data:
        yield f"Not measured in this run{': ' + data['skipped'] if data else ''}.\n"
        return
    if description is not None:
        yield f"{description}\n"
    yield from render(data)


LOADER_DESCRIPTION = (
    "Rows a second on a generated input (`benchmarks/loader.py`). `loader` is "
    "`campaigns.load_contacts`, which creates with several requests in flight and adds "
    "batches of 100 while it creates. `sequential` is a plain loop over the SDK that creates "
    "one contact at a time and adds each 100 it created, one request at a time."
)
RATE_DESCRIPTION = (
    "Requests a minute against the emulator's limit for the plan, from 16 concurrent tasks "
    "(`benchmarks/rate_limit.py`). `sdk` is the async client configured with the plan's "
    "rate. `naive` is plain aiohttp that sends as fast as it can and sleeps for Retry-After "
    "after a 429."
)
IMPORT_DESCRIPTION = (
    "The cumulative import time of each module under `python -X importtime`, each run in a "
    "new interpreter, in milliseconds (`benchmarks/import_time.py`). The ratio is against "
    "the import of aiohttp alone."
)


def flatten(data: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from flatten(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from flatten(value, f"{prefix}[{index}]")
    else:
        yield prefix, data


def target_rows(results: dict[str, Any]) -> list[list[str]]:
    """Return (target, measured, met) rows, reading every figure from the results."""
    rows = []

    for concurrency in (16, 64):
        setting = fanout_setting(results, 0, concurrency)
        ratio = setting.get("variants", {}).get("sdk_async", {}).get("ratio_to_raw_aiohttp")
        rows.append(
            verdict(f"SDK >= 0.95 of raw aiohttp, 0 ms, {concurrency} in flight", ratio, 0.95)
        )

    setting = fanout_setting(results, 25, 64)
    sdk = setting.get("variants", {}).get("sdk_async", {})
    rows.append(
        verdict(
            "SDK >= 1.0 of raw aiohttp, 25 ms, 64 in flight", sdk.get("ratio_to_raw_aiohttp"), 1.0
        )
    )
    rows.append(
        verdict(
            "SDK >= 0.90 of the theoretical limit, 25 ms, 64 in flight",
            sdk.get("ratio_to_theoretical"),
            0.90,
        )
    )

    facade = results.get("facade", {}).get("ratio_facade_to_async")
    rows.append(verdict("facade per call <= 1.3 of async", facade, 1.3, at_most=True))

    memory = results.get("memory", {})
    spans = []
    for mode in ("dry_run", "load"):
        if mode in memory:
            sizes = sorted(map(int, memory[mode]["peak_rss_mb"]))
            spans.append(f"{mode.replace('_', ' ')} {sizes[0]:,} to {sizes[-1]:,} rows")
    measured_span = f" ({', '.join(spans)})" if spans else ""
    rows.append(
        verdict(
            f"memory growth <= 20 MB{measured_span}",
            memory.get("growth_mb"),
            20,
            at_most=True,
        )
    )

    sdk_rate = results.get("rate_limit", {}).get("sdk", {})
    ratio = sdk_rate.get("ratio_to_plan")
    zero_429 = sdk_rate.get("responses_429") == 0 if sdk_rate else None
    rows.append(verdict(">= 0.97 of the plan's rate", ratio, 0.97))
    rows.append(
        [
            "zero 429s at the plan's rate",
            str(sdk_rate.get("responses_429", "not measured")),
            yes_no(zero_429),
        ]
    )

    imports = results.get("import_time", {})
    for module in ("smartalex_async", "smartalex_sync"):
        value = imports.get(module, {}).get("ratio_to_aiohttp")
        rows.append(verdict(f"import of {module} <= 1.3 of aiohttp", value, 1.3, at_most=True))
    return rows


def verdict(target: str, value: float | None, bound: float, *, at_most: bool = False) -> list[str]:
    if value is None:
        return [target, "not measured", "unknown"]
    met = value <= bound if at_most else value >= bound
    return [target, f"{value:.3g}", yes_no(met)]


def yes_no(met: bool | None) -> str:
    if met is None:
        return "unknown"
    return "met" if met else "**missed**"


def draw_imports(results: dict[str, Any]) -> None:
    imports = results.get("import_time", {})
    if not imports or "skipped" in imports:
        return
    names = list(imports)
    figure, axis = plt.subplots(figsize=(5, 2.5))
    axis.barh(names, [imports[name]["median_ms"] for name in names])
    axis.set_xlabel("import time, ms (median)")
    axis.invert_yaxis()
    figure.tight_layout()
    figure.savefig(CHARTS / "import_time.png", dpi=90)
    plt.close(figure)


def page(results: dict[str, Any], source: Path) -> str:
    machine = results.get("machine", {})
    lines = [
        "# Benchmarks",
        "",
        "<!-- Generated by benchmarks/report.py from the results file; do not edit. -->",
        "",
        f"Every measured figure here comes from `{source.as_posix()}`, written by one run of "
        f"`python benchmarks/run.py --{results.get('mode', 'quick')}`. Ratios compare "
        "variants measured in that same run.",
        "",
        "## Machine",
        "",
        *table(["", ""], [[key, value] for key, value in machine.items()]),
        "## Targets",
        "",
        *table(["target", "measured", "verdict"], target_rows(results)),
    ]
    # The notes explain the committed full run, so a quick run's page leaves them out.
    if results.get("mode") == "full":
        if NOTES.exists():
            lines += [NOTES.read_text().strip(), ""]
    else:
        lines += [
            "This page was rebuilt from a quick run, whose sizes are too small for the "
            "targets. The committed page and results come from `make bench-full`; "
            "`git checkout benchmarks/results docs/benchmarks.md docs/benchmarks` restores "
            "them.",
            "",
        ]
    lines += ["## Fan-out of contact adds", "", *fanout_section(results)]
    lines += [*section("Profiles of the fan-out", results.get("profile"), profile_tables)]
    lines += [*section("Loader pipeline", results.get("loader"), description=LOADER_DESCRIPTION)]
    lines += [*section("Sync facade overhead", results.get("facade"), facade_tables)]
    lines += [*section("Memory", results.get("memory"), memory_tables)]
    lines += [
        *section("Rate-limited efficiency", results.get("rate_limit"), description=RATE_DESCRIPTION)
    ]
    lines += [*section("Import time", results.get("import_time"), description=IMPORT_DESCRIPTION)]
    if (CHARTS / "import_time.png").exists():
        lines += ["![Import time](benchmarks/import_time.png)", ""]
    lines += [
        "## Reproduce",
        "",
        "```sh",
        "make bench        # quick: small sizes, under 2 minutes",
        "make bench-full   # the full sizes, about 35 minutes",
        "```",
        "",
        "Both overwrite `benchmarks/results/results.json` and rebuild this page from it; "
        "`git checkout benchmarks/results docs/benchmarks.md docs/benchmarks` restores the "
        "committed ones. The emulator runs in a separate process on 127.0.0.1; no other "
        "machine is involved.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, help="A results file written by run.py.")
    arguments = parser.parse_args()

    results = json.loads(arguments.results.read_text())
    CHARTS.mkdir(parents=True, exist_ok=True)
    draw_fanout(results)
    draw_imports(results)
    source = arguments.results.resolve()
    if source.is_relative_to(HERE.parent.resolve()):
        source = source.relative_to(HERE.parent.resolve())
    (DOCS / "benchmarks.md").write_text(page(results, source))
    print(f"Wrote {DOCS / 'benchmarks.md'}")


if __name__ == "__main__":
    main()
