"""Schemathesis, an independent tool, checks the emulator against the shipped OpenAPI contract."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from smartalex_async.emulator import Emulator

CONTRACT = Path(__file__).parent.parent / "smartalex_async" / "openapi.yaml"
CONFIG = Path(__file__).parent / "schemathesis.toml"
SEED = 20261204
MAX_EXAMPLES = 10


def test_emulator_conforms_to_contract(emulator_thread: Emulator, tmp_path: Path) -> None:
    schemathesis = Path(sys.executable).parent / "schemathesis"
    command = [
        str(schemathesis),
        "--config-file",
        str(CONFIG),
        "--no-color",
        "run",
        str(CONTRACT),
        "--url",
        emulator_thread.base_url,
        "--header",
        f"Authorization: Bearer {emulator_thread.api_key}",
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        str(SEED),
        "--generation-database",
        "none",
        "--report-dir",
        str(tmp_path),
    ]

    result = subprocess.run(
        command, capture_output=True, text=True, timeout=600, cwd=tmp_path, check=False
    )

    summary = re.search(r"(\d+) generated", result.stdout)
    print(summary[0] if summary else "no case count in the output")
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert summary is not None
    assert int(summary[1]) > 100
