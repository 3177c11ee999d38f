"""`smartalex import` of each bundled export, through the CLI, against the emulator."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import BUNDLED, DATA

from smartalex_async.cli._commands import main
from smartalex_async.emulator import Emulator

SUMMARY_LINE = re.compile(r"│\s*(?P<label>[\w ]+?)\s*│\s*(?P<value>\S+)\s*│")


def summary_values(output: str) -> dict[str, str]:
    """Map each row label of the printed summary table to its value."""
    return {match["label"].strip(): match["value"] for match in SUMMARY_LINE.finditer(output)}


def run_import(emulator: Emulator, *arguments: str) -> tuple[int, dict[str, str], str]:
    """Run `smartalex import` with a journal in a new temporary directory."""
    with tempfile.TemporaryDirectory() as scratch:
        journal = str(Path(scratch) / "journal.sqlite")
        result = CliRunner().invoke(
            main,
            [
                "import",
                *arguments,
                "--journal",
                journal,
                "--api-key",
                emulator.api_key,
                "--base-url",
                emulator.base_url,
            ],
            env={"COLUMNS": "200"},
        )
    return result.exit_code, summary_values(result.output), result.output


@pytest.mark.parametrize(("name", "region", "encoding", "delimiter", "total", "counts"), BUNDLED)
def test_import_accounts_for_every_row(
    emulator_thread: Emulator,
    name: str,
    region: str,
    encoding: str,
    delimiter: str,
    total: int,
    counts: dict[str, int],
) -> None:
    exit_code, summary, output = run_import(
        emulator_thread, str(DATA / name), "--campaign-name", name, "--region", region, "--start"
    )

    assert exit_code == 0, output
    assert int(summary["Rows read"]) == total
    assert int(summary["Contacts created"]) == counts["draft"]
    for reason in ("missing_first_name", "missing_phone", "invalid_phone", "duplicate_phone"):
        assert int(summary.get(reason, "0")) == counts.get(reason, 0), reason
    assert int(summary["Rows skipped"]) + int(summary["Contacts created"]) == total
    assert int(summary["Rows failed"]) == 0
    assert summary["Campaign status"] == "active"
    held = emulator_thread.state.campaign_contacts(summary["Campaign id"])
    assert len(held) == counts["draft"]
    assert len(set(held)) == len(held)
    assert set(held) <= set(emulator_thread.state.contacts)


def test_import_prints_column_mapping(emulator_thread: Emulator) -> None:
    _, _, output = run_import(
        emulator_thread, str(DATA / "contacts-minimal.csv"), "--campaign-name", "Minimal"
    )

    assert "phone -> phone" in output
    assert "first_name -> first_name" in output


def test_import_without_start_stays_draft(emulator_thread: Emulator) -> None:
    exit_code, summary, _ = run_import(
        emulator_thread, str(DATA / "contacts-minimal.csv"), "--campaign-name", "Later"
    )

    assert exit_code == 0
    assert summary["Campaign status"] == "draft"


def test_import_unknown_agent_creates_nothing(emulator_thread: Emulator) -> None:
    exit_code, _, output = run_import(
        emulator_thread,
        str(DATA / "contacts-minimal.csv"),
        "--campaign-name",
        "Bad agent",
        "--agent-id",
        "agent_missing",
    )

    assert exit_code == 1
    assert "agent_missing" in output or "agent_not_found" in output
    assert emulator_thread.state.contacts == {}


def test_import_bad_region(emulator_thread: Emulator) -> None:
    exit_code, _, output = run_import(
        emulator_thread,
        str(DATA / "contacts-minimal.csv"),
        "--campaign-name",
        "X",
        "--region",
        "ZZ",
    )

    assert exit_code == 1
    assert "ZZ" in output
    assert emulator_thread.state.campaigns == {}


def test_demo_command_verifies_emulator() -> None:
    result = CliRunner().invoke(main, ["demo"], env={"COLUMNS": "200"})

    summary = summary_values(result.output)
    assert result.exit_code == 0, result.output
    assert summary["Campaign status"] == "active"
    assert int(summary["Rows read"]) == int(summary["Contacts created"]) + int(
        summary["Rows skipped"]
    )
    assert "holds exactly the" in result.output


def test_import_without_key_names_option(
    emulator_thread: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SMARTALEX_API_KEY", raising=False)
    arguments = [
        "import",
        str(DATA / "contacts-minimal.csv"),
        "--campaign-name",
        "No key",
        "--journal",
        str(tmp_path / "journal.sqlite"),
        "--base-url",
        emulator_thread.base_url,
    ]

    result = CliRunner().invoke(main, arguments)

    assert result.exit_code == 1
    assert "pass --api-key or set the SMARTALEX_API_KEY" in result.output
    assert emulator_thread.state.campaigns == {}


def test_malformed_file_says_journal_cannot_resume(
    emulator_thread: Emulator, tmp_path: Path
) -> None:
    export = tmp_path / "partial.csv"
    export.write_text('phone,first_name\n+14155550141,A\n+14155550143,"C\n+14155550144,D\n')

    exit_code, _, output = run_import(emulator_thread, str(export), "--campaign-name", "Bad")

    assert exit_code == 1
    assert "malformed near line" in output
    assert "A fixed file cannot resume the journal" in output
