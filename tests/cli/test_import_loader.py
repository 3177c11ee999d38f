"""`smartalex import` on top of the bulk loader: journal, resume, report, dry run, options."""

from __future__ import annotations

import collections
import csv
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from support import BUNDLED, DATA

from smartalex_async.cli import _commands
from smartalex_async.cli._commands import main
from smartalex_async.emulator import PLANS, Emulator, FaultConfig

SUMMARY_LINE = re.compile(r"│\s*(?P<label>[\w ]+?)\s*│\s*(?P<value>\S+)\s*│")


def summary_values(output: str) -> dict[str, str]:
    return {match["label"].strip(): match["value"] for match in SUMMARY_LINE.finditer(output)}


def invoke(emulator: Emulator | None, *arguments: str) -> Result:
    connection = [] if emulator is None else ["--api-key", emulator.api_key]
    connection += [] if emulator is None else ["--base-url", emulator.base_url]
    return CliRunner().invoke(
        main, ["import", *arguments, *connection], env={"COLUMNS": "200"}, catch_exceptions=False
    )


def write_people(path: Path, count: int, *, header: str = "first_name,phone") -> Path:
    lines = [header] + [f"Person{index},+1415{index:07d}" for index in range(count)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def read_report(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


@pytest.mark.parametrize(("name", "region", "encoding", "delimiter", "total", "counts"), BUNDLED)
def test_import_report_matches_bundled(
    emulator_thread: Emulator,
    tmp_path: Path,
    name: str,
    region: str,
    encoding: str,
    delimiter: str,
    total: int,
    counts: dict[str, int],
) -> None:
    report_path = tmp_path / "report.csv"
    result = invoke(
        emulator_thread,
        str(DATA / name),
        "--campaign-name",
        name,
        "--region",
        region,
        "--journal",
        str(tmp_path / "journal.sqlite"),
        "--report",
        str(report_path),
    )

    lines = read_report(report_path)
    outcomes = collections.Counter(line["outcome"] for line in lines)
    reasons = collections.Counter(line["skip_reason"] for line in lines if line["skip_reason"])
    summary = summary_values(result.output)
    assert result.exit_code == 0, result.output
    assert len(lines) == total
    assert sum(outcomes.values()) == int(summary["Rows read"])
    assert outcomes["added"] == counts["draft"]
    assert outcomes["skipped"] == total - counts["draft"]
    assert set(outcomes) <= {"added", "skipped"}
    for reason in ("missing_first_name", "missing_phone", "invalid_phone", "duplicate_phone"):
        assert reasons[reason] == counts.get(reason, 0), reason
    assert [int(line["row_number"]) for line in lines] == sorted(
        int(line["row_number"]) for line in lines
    )


@pytest.mark.parametrize(("name", "region", "encoding", "delimiter", "total", "counts"), BUNDLED)
def test_import_dry_run_matches_bundled(
    emulator_thread: Emulator,
    tmp_path: Path,
    name: str,
    region: str,
    encoding: str,
    delimiter: str,
    total: int,
    counts: dict[str, int],
) -> None:
    journal = tmp_path / "journal.sqlite"
    result = invoke(
        emulator_thread,
        str(DATA / name),
        "--dry-run",
        "--region",
        region,
        "--journal",
        str(journal),
    )

    summary = summary_values(result.output)
    assert result.exit_code == 0, result.output
    assert int(summary["Rows read"]) == total
    assert int(summary["Rows valid"]) == counts["draft"]
    for reason in ("missing_first_name", "missing_phone", "invalid_phone", "duplicate_phone"):
        assert int(summary.get(reason, "0")) == counts.get(reason, 0), reason
    assert "Dry run: nothing was sent." in result.output
    assert "columns:" in result.output
    assert emulator_thread.state.campaigns == {}
    assert emulator_thread.state.contacts == {}
    assert not journal.exists()


def test_import_default_journal_beside_file(emulator_thread: Emulator, tmp_path: Path) -> None:
    source = write_people(tmp_path / "leads.csv", 20)

    result = invoke(emulator_thread, str(source), "--campaign-name", "Leads")

    summary = summary_values(result.output)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "leads.csv.smartalex-journal.sqlite").exists()
    assert summary["Journal"] == str(tmp_path / "leads.csv.smartalex-journal.sqlite")


def test_import_existing_journal_needs_resume(emulator_thread: Emulator, tmp_path: Path) -> None:
    source = write_people(tmp_path / "leads.csv", 20)
    invoke(emulator_thread, str(source), "--campaign-name", "Leads")

    result = invoke(emulator_thread, str(source), "--campaign-name", "Leads")

    assert result.exit_code == 1
    assert "exists from an earlier import" in result.output
    assert "--resume" in result.output
    assert len(emulator_thread.state.campaigns) == 1


def test_import_resume_without_journal(emulator_thread: Emulator, tmp_path: Path) -> None:
    source = write_people(tmp_path / "leads.csv", 20)

    result = invoke(emulator_thread, str(source), "--resume")

    assert result.exit_code == 1
    assert "There is no journal at" in result.output
    assert emulator_thread.state.campaigns == {}


def test_import_resume_uses_journal_campaign(emulator_thread: Emulator, tmp_path: Path) -> None:
    source = write_people(tmp_path / "leads.csv", 30)
    first = summary_values(invoke(emulator_thread, str(source), "--campaign-name", "Leads").output)

    result = invoke(emulator_thread, str(source), "--resume", "--start")

    summary = summary_values(result.output)
    assert result.exit_code == 0, result.output
    assert summary["Campaign id"] == first["Campaign id"]
    assert summary["Created by this run"] == "0"
    assert summary["Contacts added to campaign"] == "30"
    assert summary["Campaign status"] == "active"
    assert len(emulator_thread.state.campaigns) == 1
    assert len(emulator_thread.state.contacts) == 30


def test_import_resume_changed_file_rejected(emulator_thread: Emulator, tmp_path: Path) -> None:
    source = write_people(tmp_path / "leads.csv", 30)
    invoke(emulator_thread, str(source), "--campaign-name", "Leads")
    write_people(source, 31)

    result = invoke(emulator_thread, str(source), "--resume")

    assert result.exit_code == 1
    assert "was written for another input" in result.output
    assert len(emulator_thread.state.contacts) == 30


def test_import_resume_other_region_rejected(emulator_thread: Emulator, tmp_path: Path) -> None:
    source = write_people(tmp_path / "leads.csv", 30)
    invoke(emulator_thread, str(source), "--campaign-name", "Leads")

    result = invoke(emulator_thread, str(source), "--resume", "--region", "DE")

    assert result.exit_code == 1
    assert "was written for another input" in result.output


def test_import_missing_campaign_name(emulator_thread: Emulator, tmp_path: Path) -> None:
    source = write_people(tmp_path / "leads.csv", 3)

    result = invoke(emulator_thread, str(source))

    assert result.exit_code == 2
    assert "--campaign-name" in result.output


def test_import_map_overrides_columns(emulator_thread: Emulator, tmp_path: Path) -> None:
    source = tmp_path / "export.csv"
    source.write_text(
        "Given,Phone Number,Cell\nAda,+14155550100,+14155550199\nBob,,+14155550101\n",
        encoding="utf-8",
    )

    result = invoke(
        emulator_thread,
        str(source),
        "--campaign-name",
        "Mapped",
        "--map",
        "Given=first_name",
        "--map",
        "cell=phone",
    )

    phones = sorted(str(contact["phone"]) for contact in emulator_thread.state.contacts.values())
    assert result.exit_code == 0, result.output
    assert "Given -> first_name" in result.output
    assert "Cell -> phone" in result.output
    assert phones == ["+14155550101", "+14155550199"]


def test_import_map_unknown_header(emulator_thread: Emulator, tmp_path: Path) -> None:
    source = write_people(tmp_path / "leads.csv", 3)

    result = invoke(emulator_thread, str(source), "--campaign-name", "X", "--map", "Cell=phone")

    assert result.exit_code == 1
    assert "Cannot map the column 'Cell'" in result.output
    assert emulator_thread.state.campaigns == {}


def test_import_map_bad_syntax(emulator_thread: Emulator, tmp_path: Path) -> None:
    source = write_people(tmp_path / "leads.csv", 3)

    result = invoke(emulator_thread, str(source), "--campaign-name", "X", "--map", "Cell")

    assert result.exit_code == 2
    assert "expected 'Column Header=field'" in result.output


def test_import_rate_sets_client_pacing(
    emulator_thread: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_people(tmp_path / "leads.csv", 5)
    created: list[dict[str, Any]] = []
    original = _commands.AsyncSmartAlex

    def recording_client(**options: Any) -> Any:
        created.append(options)
        return original(**options)

    monkeypatch.setattr(_commands, "AsyncSmartAlex", recording_client)

    result = invoke(emulator_thread, str(source), "--campaign-name", "Paced", "--rate", "6000")

    assert result.exit_code == 0, result.output
    assert created[0]["requests_per_minute"] == 6000


def test_import_plan_cap_then_resume(emulator_thread: Emulator, tmp_path: Path) -> None:
    source = write_people(tmp_path / "leads.csv", 1500)
    emulator_thread.state.plan = PLANS["professional"]
    # Only the contact cap is under test, and the plan's 60 requests per minute would make
    # the test take half an hour.
    emulator_thread.state.faults = FaultConfig()

    capped = invoke(
        emulator_thread, str(source), "--campaign-name", "Capped", "--concurrency", "16"
    )

    summary = summary_values(capped.output)
    campaign_id = summary["Campaign id"]
    message = " ".join(capped.output.split())
    assert capped.exit_code == 1, capped.output
    assert "reached its plan's cap on stored contacts" in message
    assert "Raise the plan's contact cap or delete contacts" in message
    assert summary["Contacts added to campaign"] == "1000"
    assert int(summary["Rows pending"]) > 0
    assert summary["Rows failed"] == "0"
    assert summary["Campaign status"] == "draft"
    assert len(emulator_thread.state.campaign_contacts(campaign_id)) == 1000

    emulator_thread.state.plan = PLANS["dental"]
    emulator_thread.state.faults = FaultConfig()
    resumed = invoke(emulator_thread, str(source), "--resume", "--start")

    summary = summary_values(resumed.output)
    assert resumed.exit_code == 0, resumed.output
    assert summary["Contacts added to campaign"] == "1500"
    assert summary["Rows pending"] == "0"
    assert summary["Campaign status"] == "active"
    assert len(emulator_thread.state.campaign_contacts(campaign_id)) == 1500
    assert len(emulator_thread.state.contacts) == 1500


def test_import_failed_and_unknown_then_resume(emulator_thread: Emulator, tmp_path: Path) -> None:
    source = write_people(tmp_path / "leads.csv", 600)
    report_path = tmp_path / "report.csv"
    emulator_thread.state.faults = FaultConfig(
        server_error_rate=0.05, drop_after_apply_rate=0.05, seed=11
    )

    first = invoke(
        emulator_thread,
        str(source),
        "--campaign-name",
        "Faulty",
        "--no-reconcile",
        "--report",
        str(report_path),
    )

    summary = summary_values(first.output)
    outcomes = collections.Counter(line["outcome"] for line in read_report(report_path))
    message = " ".join(first.output.split())
    assert first.exit_code == 1, first.output
    assert int(summary["Rows failed"]) > 0
    assert int(summary["Rows unknown"]) > 0
    assert outcomes["failed"] == int(summary["Rows failed"])
    assert outcomes["unknown"] == int(summary["Rows unknown"])
    assert "Rows whose create outcome is unknown, so they were not sent again" in message

    emulator_thread.state.faults = FaultConfig()
    second = invoke(emulator_thread, str(source), "--resume")

    summary = summary_values(second.output)
    phones = collections.Counter(
        contact["phone"] for contact in emulator_thread.state.contacts.values()
    )
    assert second.exit_code == 0, second.output
    assert summary["Contacts added to campaign"] == "600"
    assert int(summary["Settled by reading back"]) > 0
    assert len(phones) == 600
    assert max(phones.values()) == 1
