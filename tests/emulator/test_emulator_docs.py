"""docs/emulator.md: every ```python block runs as a program, and every CLI option is listed."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from smartalex_async.cli._commands import emulator_command

REPOSITORY = Path(__file__).resolve().parents[2]
DOCS = REPOSITORY / "docs" / "emulator.md"
PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def python_blocks() -> list[str]:
    return PYTHON_BLOCK.findall(DOCS.read_text(encoding="utf-8"))


def test_docs_have_examples() -> None:
    assert len(python_blocks()) >= 5


@pytest.mark.parametrize(
    "code",
    [pytest.param(code, id=f"block-{index}") for index, code in enumerate(python_blocks(), 1)],
)
def test_docs_example_runs(code: str) -> None:
    # Each block starts its own emulator on 127.0.0.1, in a child process so that its
    # asyncio.run() gets a fresh event loop.
    completed = subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr


def test_docs_list_every_option() -> None:
    text = DOCS.read_text(encoding="utf-8")
    options = [
        name
        for parameter in emulator_command.params
        if isinstance(parameter, click.Option)
        for name in parameter.opts
    ]

    missing = [option for option in options if f"`{option}`" not in text]

    assert options
    assert missing == []
