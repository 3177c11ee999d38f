"""The `smartalex` command: import a CRM export, run the demo, serve the emulator."""

from __future__ import annotations

import asyncio
import tempfile
import time
from importlib import resources
from pathlib import Path

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from .._client import AsyncSmartAlex
from .._errors import MissingAPIKeyError, SmartAlexError
from .._version import __version__
from ..loader import JournalError, LoadPhase, LoadProgress
from ._contacts_csv import ContactsCsvError
from ._contacts_csv_headers import MAPPABLE_FIELDS
from ._importer import (
    DryRunSummary,
    ImportSettings,
    ImportSetupError,
    ImportSummary,
    added_contact_ids,
    check_journal,
    default_journal_path,
    dry_run,
    import_contacts,
    open_import,
)

DEMO_EXPORT = "demo-contacts-hubspot.csv"
DEMO_AGENT_ID = "agent_demo"

console = Console()

PLAIN_PROGRESS_SECONDS = 5.0
"""Seconds between progress lines when the output is not a terminal."""


@click.group()
@click.version_option(__version__, prog_name="smartalex")
def main() -> None:
    """Command-line tools of the SmartAlex Python SDK."""


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--campaign-name",
    help="Name of the campaign to create. Required, except with --resume or --dry-run.",
)
@click.option("--agent-id", help="Agent that makes the calls (an id from the dashboard).")
@click.option(
    "--start", is_flag=True, help="Start the campaign once every row is added or skipped."
)
@click.option(
    "--region",
    default="US",
    show_default=True,
    help="Region code (ISO 3166-1, e.g. US, DE) for phone numbers written without +country.",
)
@click.option(
    "--concurrency",
    default=8,
    show_default=True,
    type=click.IntRange(min=1),
    help="Create requests in flight at once.",
)
@click.option(
    "--rate",
    type=click.FloatRange(min=0, min_open=True),
    help="Requests per minute to stay under, such as 60 on the Professional plan. "
    "Default: as fast as the server's rate-limit headers allow.",
)
@click.option(
    "--journal",
    type=click.Path(dir_okay=False, path_type=Path),
    help="SQLite file that records every row, so that an interrupted import can resume. "
    "Default: FILE.smartalex-journal.sqlite beside the input file.",
)
@click.option(
    "--resume",
    is_flag=True,
    help="Continue the import recorded in the journal, into the journal's campaign.",
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a CSV file with one line per input row: its outcome, error and original values.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Read, map, normalize and check every row, and print the counts. Sends nothing.",
)
@click.option(
    "--map",
    "mappings",
    multiple=True,
    metavar="'HEADER=FIELD'",
    help=f"Read the column HEADER into FIELD ({', '.join(MAPPABLE_FIELDS)}); repeat for "
    "several. A field mapped here ignores the columns detected for it.",
)
@click.option(
    "--reconcile/--no-reconcile",
    default=True,
    show_default=True,
    help="Read contacts back to settle rows whose create outcome is unknown.",
)
@click.option("--api-key", envvar="SMARTALEX_API_KEY", help="API key [env: SMARTALEX_API_KEY].")
@click.option("--base-url", envvar="SMARTALEX_BASE_URL", help="API root [env: SMARTALEX_BASE_URL].")
def import_command(
    file: Path,
    campaign_name: str | None,
    agent_id: str | None,
    start: bool,
    region: str,
    concurrency: int,
    rate: float | None,
    journal: Path | None,
    resume: bool,
    report: Path | None,
    dry_run: bool,
    mappings: tuple[str, ...],
    reconcile: bool,
    api_key: str | None,
    base_url: str | None,
) -> None:
    """Load a contacts CSV export into a campaign (Google, HubSpot, Outlook, Salesforce, plain).

    Each row gets one create request, and created contacts are added to the campaign in
    batches of 100. The journal records every row, so after a crash or Ctrl-C the same
    command with --resume continues without creating any contact twice. The command exits
    with status 1 when a row failed, has an unknown outcome or was not sent.
    """
    if not (campaign_name or resume or dry_run):
        raise click.UsageError("Missing option '--campaign-name' (needed to create a campaign).")
    if dry_run and report is not None:
        raise click.UsageError(
            "--report writes the outcome of each row of a load, and a dry run sends nothing; "
            "drop --report, or run without --dry-run."
        )

    settings = ImportSettings(
        file=file,
        region=region,
        overrides=_parse_mappings(mappings),
        journal=journal or default_journal_path(file),
        resume=resume,
        campaign_name=campaign_name,
        agent_id=agent_id,
        start=start,
        concurrency=concurrency,
        reconcile=reconcile,
        report=report,
    )
    if dry_run:
        _print_dry_run(_run_dry(settings))
        return

    summary = _run_import(settings, api_key, base_url, rate)
    _print_import(summary)
    if not summary.report.ok:
        raise SystemExit(1)


@main.command("demo")
def demo_command() -> None:
    """Load the bundled HubSpot-style export into a campaign on a local emulator, and start it."""
    from .. import emulator

    async def run() -> tuple[ImportSummary, list[str], list[str]]:
        async with emulator.run_emulator() as server:
            console.print(f"Emulator listening at {server.base_url}")
            export = resources.files(__package__).joinpath(DEMO_EXPORT)
            with resources.as_file(export) as path, tempfile.TemporaryDirectory() as scratch:
                settings = ImportSettings(
                    file=path,
                    region="US",
                    journal=Path(scratch) / "demo.smartalex-journal.sqlite",
                    campaign_name="Demo outreach",
                    agent_id=DEMO_AGENT_ID,
                    start=True,
                )
                _open_export(settings)
                summary = await _import_with_progress(settings, server.api_key, server.base_url)
                added_ids = added_contact_ids(settings.journal)
            return summary, added_ids, server.state.campaign_contacts(summary.campaign_id)

    summary, added_ids, held_ids = asyncio.run(run())
    _print_import(summary)
    if sorted(held_ids) != sorted(added_ids):
        raise click.ClickException(
            f"The emulator's campaign contains {len(held_ids)} contacts, but the import added "
            f"{len(added_ids)}."
        )
    console.print(
        f"Emulator check: campaign {summary.campaign_id} holds exactly the "
        f"{len(held_ids)} added contacts."
    )


@main.command("emulator")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--api-key",
    "api_keys",
    multiple=True,
    help="An API key the emulator accepts; repeat for several. Default: sk_test_emulator.",
)
@click.option(
    "--latency-ms",
    default=0.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Delay in milliseconds before each API request is handled.",
)
@click.option(
    "--server-error-rate",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0, 1),
    help="Probability (0 to 1) that a request gets 500 server_error.",
)
@click.option(
    "--unavailable-rate",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0, 1),
    help="Probability (0 to 1) that a request gets 503 with Retry-After.",
)
@click.option(
    "--rate-limited-rate",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0, 1),
    help="Probability (0 to 1) that a request gets 429 rate_limited with Retry-After.",
)
@click.option(
    "--drop-rate",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0, 1),
    help="Probability (0 to 1) that a request is applied and its connection closed "
    "without a response.",
)
@click.option(
    "--stall-rate",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0, 1),
    help="Probability (0 to 1) that a request is applied and its response stops after "
    "the headers. The five rates may add up to at most 1.",
)
@click.option(
    "--retry-after",
    default=1,
    show_default=True,
    type=click.IntRange(min=0),
    help="Retry-After in seconds on the injected 503 and 429 responses.",
)
@click.option(
    "--rate-limit",
    type=click.IntRange(min=1),
    help="Maximum requests per minute per API key, in fixed 60-second windows. "
    "Default: the plan's limit.",
)
@click.option(
    "--seed",
    type=int,
    help="Seed of the fault draws, to repeat a fault sequence. Default: a random seed.",
)
@click.option(
    "--plan",
    "plan_name",
    type=click.Choice(["professional", "dental", "real-estate", "unlimited"]),
    default="unlimited",
    show_default=True,
    help="Plan limits: requests per minute per API key (professional 60, dental 300, "
    "real-estate 600) and stored contacts (1,000, 5,000 and 50,000). unlimited sets neither.",
)
@click.option(
    "--state",
    "state_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="JSON file of campaigns, contacts, calls and the clock offset: loaded at start "
    "if it exists, written at shutdown. Default: keep the state in memory only.",
)
@click.option(
    "--call-interval",
    default=60.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="Simulated seconds that each call of a started campaign takes.",
)
@click.option(
    "--clock-start",
    help="ISO 8601 instant with an offset, such as 2026-03-09T08:55:00-05:00, at which the "
    "simulated clock starts; it then follows real time. Default: the real time.",
)
@click.option(
    "--no-access-log",
    is_flag=True,
    help="Do not log each request to stderr, for load tests and benchmarks.",
)
def emulator_command(
    host: str,
    port: int,
    api_keys: tuple[str, ...],
    latency_ms: float,
    server_error_rate: float,
    unavailable_rate: float,
    rate_limited_rate: float,
    drop_rate: float,
    stall_rate: float,
    retry_after: int,
    rate_limit: int | None,
    seed: int | None,
    plan_name: str,
    state_file: Path | None,
    call_interval: float,
    clock_start: str | None,
    no_access_log: bool,
) -> None:
    """Serve the in-memory API emulator until Ctrl-C, with optional faults and rate limits."""
    from .. import emulator

    plan = emulator.PLANS[plan_name]
    try:
        start = None if clock_start is None else emulator.parse_clock_start(clock_start)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--clock-start") from exc

    try:
        faults = emulator.FaultConfig(
            server_error_rate=server_error_rate,
            unavailable_rate=unavailable_rate,
            rate_limited_rate=rate_limited_rate,
            drop_after_apply_rate=drop_rate,
            stall_after_headers_rate=stall_rate,
            latency_ms=latency_ms,
            retry_after_seconds=retry_after,
            # An explicit --rate-limit overrides the plan's limit.
            rate_limit_per_minute=plan.requests_per_minute if rate_limit is None else rate_limit,
            seed=seed,
        )
    except ValueError as exc:
        # Each option is checked alone, so only the sum of the rates can fail here.
        raise click.UsageError(str(exc)) from exc

    try:
        emulator.serve(
            host=host,
            port=port,
            api_keys=set(api_keys) or None,
            faults=faults,
            plan=plan,
            state_file=state_file,
            clock_start=start,
            call_interval_seconds=call_interval,
            access_log=not no_access_log,
        )
    except ValueError as exc:
        # An invalid state file, named in the message.
        raise click.ClickException(str(exc)) from exc


def _parse_mappings(mappings: tuple[str, ...]) -> dict[str, str]:
    overrides: dict[str, str] = {}
    for mapping in mappings:
        header, separator, field = mapping.rpartition("=")
        if not separator or not header.strip() or not field.strip():
            raise click.BadParameter(
                f"expected 'Column Header=field', such as 'Cell=phone'; got {mapping!r}.",
                param_hint="--map",
            )
        overrides[header.strip()] = field.strip()

    return overrides


def _open_export(settings: ImportSettings) -> None:
    """Open the file to check it and print its column mapping. Raises ClickException."""
    try:
        with open_import(settings) as contacts:
            columns = ", ".join(
                f"{source} -> {field}" for field, source in contacts.mapping.items()
            )
            console.print(
                f"Reading {settings.file.name} ({contacts.encoding}, delimiter "
                f"{contacts.delimiter!r}); columns: {columns}",
                markup=False,
                soft_wrap=True,
            )
    except (ContactsCsvError, ValueError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc


def _run_dry(settings: ImportSettings) -> DryRunSummary:
    try:
        summary = dry_run(settings)
    except (ContactsCsvError, ValueError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc

    columns = ", ".join(f"{source} -> {field}" for field, source in summary.mapping.items())
    console.print(f"Reading {settings.file.name}; columns: {columns}", markup=False, soft_wrap=True)
    return summary


def _print_dry_run(summary: DryRunSummary) -> None:
    table = Table(title="Dry run", show_header=False)
    table.add_row("Rows read", str(summary.rows_read))
    table.add_row("Rows valid", str(summary.valid))
    table.add_row("Rows skipped", str(sum(summary.skipped.values())))
    for reason, count in summary.skipped.items():
        table.add_row(f"  {reason}", str(count))
    console.print(table)
    console.print("Dry run: nothing was sent.")


def _run_import(
    settings: ImportSettings, api_key: str | None, base_url: str | None, rate: float | None
) -> ImportSummary:
    try:
        campaign_id = check_journal(settings)
    except (ImportSetupError, JournalError) as exc:
        raise click.ClickException(str(exc)) from exc

    _open_export(settings)
    try:
        return asyncio.run(_import_with_progress(settings, api_key, base_url, rate, campaign_id))
    except KeyboardInterrupt:
        console.print(
            f"Interrupted. The journal {settings.journal} records every row so far; run the "
            "same command with --resume to continue.",
            markup=False,
        )
        raise SystemExit(130) from None
    except ContactsCsvError as exc:
        raise click.ClickException(_with_changed_file_hint(str(exc), settings)) from exc
    except MissingAPIKeyError as exc:
        raise click.ClickException(
            "No API key given: pass --api-key or set the SMARTALEX_API_KEY environment variable."
        ) from exc
    except SmartAlexError as exc:
        raise click.ClickException(_with_resume_hint(str(exc), settings)) from exc


def _with_changed_file_hint(message: str, settings: ImportSettings) -> str:
    # Fixing the file changes its fingerprint, and a journal never resumes a changed input.
    if not settings.journal.exists():
        return message
    return (
        f"{message}\nA fixed file cannot resume the journal {settings.journal}: it lists the "
        "contacts created so far, if any; delete it before importing the fixed file, or pass "
        "--journal with a new path to keep it."
    )


def _with_resume_hint(message: str, settings: ImportSettings) -> str:
    if not settings.journal.exists():
        return message
    return (
        f"{message}\nThe journal {settings.journal} records every row so far; fix the cause "
        "and run the same command with --resume to continue."
    )


async def _import_with_progress(
    settings: ImportSettings,
    api_key: str | None,
    base_url: str | None,
    rate: float | None = None,
    campaign_id: str | None = None,
) -> ImportSummary:
    # A live display needs a terminal; in a log, a full line every few seconds reads better
    # than a bar cut to the log's width.
    live = console.is_terminal
    last_line = 0.0
    with _progress(enabled=live) as progress:
        task = progress.add_task("Importing", total=None)

        def show(event: LoadProgress) -> None:
            nonlocal last_line
            text = _progress_text(event)
            progress.update(
                task,
                description=text,
                total=event.expected_rows,
                completed=event.rows_read - event.pending,
            )
            now = time.monotonic()
            due = now - last_line >= PLAIN_PROGRESS_SECONDS
            if not live and (due or event.phase is not LoadPhase.LOADING):
                last_line = now
                console.print(text, soft_wrap=True, markup=False)

        async with AsyncSmartAlex(
            api_key=api_key, base_url=base_url, requests_per_minute=rate
        ) as client:
            return await import_contacts(client, settings, campaign_id, show)


def _progress(*, enabled: bool) -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not enabled,
    )


def _progress_text(event: LoadProgress) -> str:
    eta = "" if event.eta_seconds is None else f", ETA {_duration(event.eta_seconds)}"
    return (
        f"{event.phase}: read {event.rows_read:,}, created {event.created:,}, "
        f"added {event.added:,}, skipped {event.skipped:,}, failed {event.failed:,}, "
        f"unknown {event.unknown:,}, {event.rate:,.0f} rows/s{eta}"
    )


def _duration(seconds: float) -> str:
    minutes, whole_seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{whole_seconds:02d}"


def _print_import(summary: ImportSummary) -> None:
    report = summary.report
    table = Table(title="Import summary", show_header=False)
    table.add_row("Rows read", str(report.rows_read))
    table.add_row("Contacts created", str(report.created))
    table.add_row("Contacts added to campaign", str(report.added))
    table.add_row("Rows skipped", str(report.skipped))
    for reason, count in report.skipped_by_reason.items():
        table.add_row(f"  {reason}", str(count))
    table.add_row("Rows failed", str(report.failed))
    for code, count in report.failed_by_code.items():
        table.add_row(f"  {code}", str(count))
    table.add_row("Rows unknown", str(report.unknown))
    table.add_row("Rows pending", str(report.pending))
    table.add_row("Created by this run", str(report.created_this_run))
    if report.reconciled:
        table.add_row("Settled by reading back", str(report.reconciled))
    table.add_row("Campaign id", report.campaign_id)
    table.add_row(
        "Campaign status", str(getattr(summary.campaign_status, "value", summary.campaign_status))
    )
    table.add_row("Journal", report.journal_path or "temporary")
    if report.report_path:
        table.add_row("Report", report.report_path)
    console.print(table)
    _print_attention(summary)


def _print_attention(summary: ImportSummary) -> None:
    report = summary.report
    if report.message:
        console.print(report.message, style="yellow", markup=False)
    if report.unknown:
        listed = ", ".join(str(number) for number in report.unknown_row_numbers)
        more = report.unknown - len(report.unknown_row_numbers)
        console.print(
            f"Rows whose create outcome is unknown, so they were not sent again: {listed}"
            + (f" and {more} more (the --report file lists every row)" if more > 0 else "")
            + ". Run the same command with --resume to read contacts back and settle them.",
            style="yellow",
            markup=False,
        )
    if report.failed:
        console.print(
            f"{report.failed} rows failed; the --report file gives each row's error. Rows "
            "whose create failed are sent again, and failed adds retried, with --resume.",
            style="yellow",
            markup=False,
        )
