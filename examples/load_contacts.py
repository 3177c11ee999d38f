"""Load a CSV file of contacts into a campaign, with progress output and resume.

The CSV needs a header row with `first_name` and `phone` columns; `last_name`, `email` and
`company` are read when present. Phones must be in E.164 form, such as +14155550132.

    SMARTALEX_API_KEY=... python examples/load_contacts.py leads.csv
    SMARTALEX_API_KEY=... python examples/load_contacts.py leads.csv --campaign-id campaign_...

Without --campaign-id, the script creates a campaign named after the file. The journal,
leads.csv.journal.sqlite by default, records every row. If the load stops early (a crash,
Ctrl-C, or the plan's cap on stored contacts), run the command that the script prints: the
same journal and file continue the load, and no contact is created twice. The script exits
with status 1 until every row is added or skipped.

The client reads SMARTALEX_API_KEY and SMARTALEX_BASE_URL from the environment. For
reading CRM exports with other column names, use `smartalex import` instead.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import shlex
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

from smartalex_sync import ContactInput, LoadProgress, SmartAlex

FIELDS = ("first_name", "last_name", "phone", "email", "company")


def read_contacts(path: Path) -> Iterator[ContactInput]:
    """Yield one ContactInput per CSV row; the loader reads them lazily, a chunk at a time."""
    with path.open(newline="", encoding="utf-8") as file:
        reader = csv.DictReader(file)
        # Row 1 is the header, so the first data row is row 2, as in a spreadsheet.
        for row_number, row in enumerate(reader, start=2):
            values = {field: (row.get(field) or "").strip() for field in FIELDS}
            yield ContactInput(
                first_name=values["first_name"] or None,
                last_name=values["last_name"] or None,
                phone=values["phone"] or None,
                email=values["email"] or None,
                company=values["company"] or None,
                row_number=row_number,
            )


def count_rows(path: Path) -> int:
    with path.open(newline="", encoding="utf-8") as file:
        return sum(1 for _ in csv.DictReader(file))


def file_fingerprint(path: Path) -> str:
    """Return a SHA-256 of the file, so that the journal rejects a different file."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def print_progress(event: LoadProgress) -> None:
    """Print a progress event on one line. The loader sends at most four events a second."""
    eta = "" if event.eta_seconds is None else f", about {event.eta_seconds:.0f} s left"
    print(
        f"[{event.phase}] read {event.rows_read}, added {event.added}, skipped {event.skipped}, "
        f"failed {event.failed}, unknown {event.unknown} ({event.rate:.0f} rows/s{eta})",
        flush=True,
    )


def breakdown(counts: Mapping[str, int]) -> str:
    """Format counts by reason as " (duplicate_phone 1, missing_phone 2)", or "" for none."""
    if not counts:
        return ""
    return " (" + ", ".join(f"{reason} {count}" for reason, count in sorted(counts.items())) + ")"


def main() -> int:
    parser = argparse.ArgumentParser(description="Load a contacts CSV into a campaign.")
    parser.add_argument("csv_file", type=Path, help="CSV file with a header row.")
    parser.add_argument("--campaign-id", help="Campaign to load into. Default: create one.")
    parser.add_argument(
        "--journal", type=Path, help="Journal file. Default: CSV_FILE.journal.sqlite."
    )
    parser.add_argument("--report", type=Path, help="Write a CSV report with one line per row.")
    arguments = parser.parse_args()
    journal = arguments.journal or arguments.csv_file.with_name(
        arguments.csv_file.name + ".journal.sqlite"
    )

    with SmartAlex() as client:
        campaign_id = arguments.campaign_id
        if campaign_id is None:
            campaign_id = client.campaigns.create(name=f"Import of {arguments.csv_file.name}").id
            print(f"Created campaign {campaign_id}", flush=True)

        report = client.campaigns.load_contacts(
            campaign_id,
            read_contacts(arguments.csv_file),
            journal=journal,
            on_progress=print_progress,
            input_fingerprint=file_fingerprint(arguments.csv_file),
            expected_rows=count_rows(arguments.csv_file),
            report=arguments.report,
        )

    print(
        f"Campaign {report.campaign_id}: {report.added} added, {report.skipped} skipped"
        f"{breakdown(report.skipped_by_reason)}, {report.failed} failed"
        f"{breakdown(report.failed_by_code)}, {report.unknown} unknown, {report.pending} not "
        f"sent; {report.created_this_run} contacts created by this run."
    )
    if report.ok:
        return 0

    if report.message:
        print(report.message)
    resume = [sys.executable, sys.argv[0], str(arguments.csv_file)]
    resume += ["--campaign-id", campaign_id, "--journal", str(journal)]
    if arguments.report is not None:
        resume += ["--report", str(arguments.report)]
    print(f"To continue this load, run: {shlex.join(resume)}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
