"""mypy --strict accepts the sync package and infers the types users rely on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
USAGE = Path(__file__).with_name("typing_usage.py")
TIMEOUT_SECONDS = 300.0


def run_mypy(*paths: Path | str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", *map(str, paths)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )


def test_mypy_accepts_usage() -> None:
    result = run_mypy(USAGE, "smartalex_sync")

    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_rejects_wrong_type(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong_usage.py"
    wrong.write_text(
        "from typing_extensions import assert_type\n"
        "from smartalex_sync import Contact, SmartAlex\n"
        "assert_type(SmartAlex().campaigns.get('campaign_1'), Contact)\n"
    )

    result = run_mypy(wrong)

    assert result.returncode == 1
    assert "assert-type" in result.stdout
