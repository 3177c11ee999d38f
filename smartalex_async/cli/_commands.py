"""The `smartalex` command: import a CRM export, run the demo, serve the emulator."""

from __future__ import annotations

import asyncio
from importlib import resources
from pathlib import Path

import click
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from .._client import AsyncSmartAlex
from .._errors import SmartAlexError
from .._version import __version__
from ._contacts_csv import ContactsCsvError, ContactsCsvReader, open_contacts_csv
from ._importer import ImportSummary, import_contacts

DEMO_EXPORT = "demo-contacts-hubspot.csv"
DEMO_AGENT_ID = "agent_demo"

console = Console()


@click.group()
@click.version_option(__version__, prog_name="smartalex")
def main() -> None:
    """Command-line tools of the SmartAlex Python SDK."""


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--campaign-name", required=True, help="Name of the campaign to create.")
@click.option("--agent-id", help="Agent that makes the calls (an id from the dashboard).")
@click.option("--start", is_flag=True, help="Start the campaign once the contacts are added.")
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
    help="Requests in flight at once.",
)
@click.option("--api-key", envvar="SMARTALEX_API_KEY", help="API key [env: SMARTALEX_API_KEY].")
@click.option("--base-url", envvar="SMARTALEX_BASE_URL", help="API root [env: SMARTALEX_BASE_URL].")
def import_command(
    file: Path,
    campaign_name: str,
    agent_id: str | None,
    start: bool,
    region: str,
    concurrency: int,
    api_key: str | None,
    base_url: str | None,
) -> None:
    """Create a campaign from a contacts CSV export (Google, HubSpot, Outlook or plain)."""
    contacts = _open_export(file, region)
    summary = asyncio.run(
        _import_file(contacts, api_key, base_url, campaign_name, agent_id, start, concurrency)
    )
    _print_summary(summary)
    if summary.rows_failed or summary.failed_add_ids:
        raise SystemExit(1)


@main.command("demo")
def demo_command() -> None:
    """Load the bundled HubSpot-style export into a campaign on a local emulator, and start it."""
    from .. import emulator

    async def run() -> tuple[ImportSummary, list[str]]:
        async with emulator.run_emulator() as server:
            console.print(f"Emulator listening at {server.base_url}")
            export = resources.files(__package__).joinpath(DEMO_EXPORT)
            with resources.as_file(export) as path:
                contacts = _open_export(path, "US")
                summary = await _import_file(
                    contacts,
                    server.api_key,
                    server.base_url,
                    "Demo outreach",
                    DEMO_AGENT_ID,
                    True,
                    8,
                )
            return summary, server.state.campaign_contacts(summary.campaign_id)

    summary, held_ids = asyncio.run(run())
    _print_summary(summary)
    if sorted(held_ids) != sorted(summary.created_ids()):
        raise click.ClickException(
            f"The emulator's campaign holds {len(held_ids)} contacts, but the import created "
            f"{summary.contacts_created}."
        )
    console.print(
        f"Emulator check: campaign {summary.campaign_id} holds exactly the "
        f"{len(held_ids)} created contacts."
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
    help="Maximum requests per minute per API key, in fixed 60-second windows. Default: no limit.",
)
@click.option(
    "--seed",
    type=int,
    help="Seed of the fault draws, to repeat a fault sequence. Default: a random seed.",
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
) -> None:
    """Serve the in-memory API emulator until Ctrl-C, with optional faults and rate limits."""
    from .. import emulator

    try:
        faults = emulator.FaultConfig(
            server_error_rate=server_error_rate,
            unavailable_rate=unavailable_rate,
            rate_limited_rate=rate_limited_rate,
            drop_after_apply_rate=drop_rate,
            stall_after_headers_rate=stall_rate,
            latency_ms=latency_ms,
            retry_after_seconds=retry_after,
            rate_limit_per_minute=rate_limit,
            seed=seed,
        )
    except ValueError as exc:
        # Each option is checked alone, so only the sum of the rates can fail here.
        raise click.UsageError(str(exc)) from exc

    emulator.serve(host=host, port=port, api_keys=set(api_keys) or None, faults=faults)


def _open_export(path: Path, region: str) -> ContactsCsvReader:
    try:
        contacts = open_contacts_csv(path, region=region)
    except (ContactsCsvError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    console.print(
        f"Reading {path.name} ({contacts.encoding}, delimiter {contacts.delimiter!r}); columns: "
        + ", ".join(f"{source} -> {field}" for field, source in contacts.mapping.items())
    )
    return contacts


async def _import_file(
    contacts: ContactsCsvReader,
    api_key: str | None,
    base_url: str | None,
    campaign_name: str,
    agent_id: str | None,
    start: bool,
    concurrency: int,
) -> ImportSummary:
    with contacts, _progress() as progress:
        task = progress.add_task("Importing", total=None)

        def show(summary: ImportSummary) -> None:
            progress.update(task, description=_progress_text(summary))

        try:
            async with AsyncSmartAlex(api_key=api_key, base_url=base_url) as client:
                return await import_contacts(
                    client,
                    contacts,
                    campaign_name=campaign_name,
                    agent_id=agent_id,
                    start=start,
                    concurrency=concurrency,
                    on_progress=show,
                )
        except SmartAlexError as exc:
            raise click.ClickException(str(exc)) from exc


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console
    )


def _progress_text(summary: ImportSummary) -> str:
    return (
        f"rows read {summary.rows_read}, created {summary.contacts_created}, "
        f"skipped {summary.rows_skipped}, failed {summary.rows_failed}"
    )


def _print_summary(summary: ImportSummary) -> None:
    table = Table(title="Import summary", show_header=False)
    table.add_row("Rows read", str(summary.rows_read))
    table.add_row("Contacts created", str(summary.contacts_created))
    table.add_row("Rows skipped", str(summary.rows_skipped))
    for reason, count in sorted(summary.skipped.items()):
        table.add_row(f"  {reason.value}", str(count))
    table.add_row("Rows failed", str(summary.rows_failed))
    table.add_row("Contacts added to campaign", str(len(summary.added_ids)))
    if summary.failed_add_ids:
        table.add_row("Contacts not added", str(len(summary.failed_add_ids)))
    table.add_row("Campaign id", summary.campaign_id)
    table.add_row(
        "Campaign status", str(getattr(summary.campaign_status, "value", summary.campaign_status))
    )
    console.print(table)
