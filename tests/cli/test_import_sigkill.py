"""`smartalex import` killed with SIGKILL at three points and resumed: nothing twice, nothing lost.

The command runs in a child process against the emulator that this test serves from a
thread, and is killed by its PID once the emulator stores a given number of contacts.
"""

from __future__ import annotations

import collections
import csv
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from smartalex_async.emulator import Emulator, FaultConfig
from smartalex_async.loader._journal import Journal, RowState

ROWS = 4000
KILL_POINTS = (400, 1700, 3100)
"""Stored contacts at which each run is killed."""

RUN_TIMEOUT = 120.0

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX-only")


def write_people(path: Path) -> Path:
    lines = ["first_name,last_name,phone"]
    lines += [f"Person{index},Example,+1415{index:07d}" for index in range(ROWS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def import_command(emulator: Emulator, source: Path, report: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-c",
        "from smartalex_async.cli import main; main()",
        "import",
        str(source),
        "--campaign-name",
        "Killed",
        "--concurrency",
        "16",
        "--report",
        str(report),
        "--api-key",
        emulator.api_key,
        "--base-url",
        emulator.base_url,
        *extra,
    ]


def kill_when_stored(process: subprocess.Popen[bytes], emulator: Emulator, count: int) -> None:
    """SIGKILL `process` once the emulator stores `count` contacts."""
    deadline = time.monotonic() + RUN_TIMEOUT
    while len(emulator.state.contacts) < count:
        assert process.poll() is None, f"the import exited with {process.returncode} early"
        assert time.monotonic() < deadline, f"fewer than {count} contacts after {RUN_TIMEOUT} s"
        time.sleep(0.002)

    process.kill()
    process.wait(RUN_TIMEOUT)


def journal_states(path: Path) -> collections.Counter[RowState]:
    with Journal.open(path) as journal:
        return collections.Counter(journal.counts)


def test_import_resumes_after_sigkill(emulator_thread: Emulator, tmp_path: Path) -> None:
    source = write_people(tmp_path / "leads.csv")
    journal = tmp_path / "leads.csv.smartalex-journal.sqlite"
    report = tmp_path / "report.csv"
    # A little latency keeps creates in flight at the moment of each kill.
    emulator_thread.state.faults = FaultConfig(latency_ms=1)

    in_flight_at_kills = []
    for run, kill_point in enumerate(KILL_POINTS):
        resume = () if run == 0 else ("--resume",)
        command = import_command(emulator_thread, source, report, *resume)
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        kill_when_stored(process, emulator_thread, kill_point)

        assert process.returncode == -signal.SIGKILL
        in_flight_at_kills.append(journal_states(journal)[RowState.CREATING])

    final = subprocess.run(
        import_command(emulator_thread, source, report, "--resume"),
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )

    assert final.returncode == 0, final.stdout + final.stderr
    phones = collections.Counter(
        contact["phone"] for contact in emulator_thread.state.contacts.values()
    )
    assert len(phones) == ROWS
    assert max(phones.values()) == 1
    assert len(emulator_thread.state.campaigns) == 1
    campaign_id = next(iter(emulator_thread.state.campaigns))
    held = emulator_thread.state.campaign_contacts(campaign_id)
    assert len(held) == ROWS
    assert set(held) == set(emulator_thread.state.contacts)

    with report.open(encoding="utf-8", newline="") as file:
        lines = list(csv.DictReader(file))
    assert [int(line["row_number"]) for line in lines] == list(range(1, ROWS + 1))
    assert {line["outcome"] for line in lines} == {"added"}
    assert {line["contact_id"] for line in lines} == set(held)
    assert journal_states(journal) == collections.Counter({RowState.ADDED: ROWS})
    # At least one kill hit creates in flight, so resuming had to read contacts back.
    assert max(in_flight_at_kills) > 0, in_flight_at_kills
