"""The guides in docs/: every ```python block runs, and every relative link resolves.

Each block runs as its own program in a child Python, with warnings as errors, against a
fresh emulator: SMARTALEX_API_KEY and SMARTALEX_BASE_URL point at it, as the pages tell the
reader to set them. Blocks that need an emulator with special settings start their own.
docs/testing.md and docs/emulator.md have tests of their own.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from smartalex_async import API_KEY_ENV_VAR, BASE_URL_ENV_VAR, LOG_ENV_VAR
from smartalex_async.emulator import Emulator

REPOSITORY = Path(__file__).resolve().parent.parent
DOCS = REPOSITORY / "docs"
GUIDES = [
    "index.md",
    "getting-started.md",
    "configuration.md",
    "errors.md",
    "sync.md",
    "bulk-loading.md",
]
# Pages that the guides link to and that another change adds later.
PAGES_WRITTEN_LATER = {"benchmarks.md"}

PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
# Markdown links [text](target), leaving out images and absolute URLs.
RELATIVE_LINK = re.compile(r"(?<!!)\[[^\]]*\]\((?!https?:|mailto:)([^)\s]+)\)")


def python_blocks(page: str) -> list[str]:
    return PYTHON_BLOCK.findall((DOCS / page).read_text(encoding="utf-8"))


def block_cases() -> list[Any]:
    return [
        pytest.param(page, code, id=f"{page}-block-{number}")
        for page in GUIDES
        if (DOCS / page).exists()
        for number, code in enumerate(python_blocks(page), 1)
    ]


def test_guides_exist() -> None:
    missing = [page for page in GUIDES if not (DOCS / page).is_file()]

    assert missing == []


@pytest.mark.parametrize("page", GUIDES)
def test_guide_links_resolve(page: str) -> None:
    text = (DOCS / page).read_text(encoding="utf-8")
    broken = []
    for target in RELATIVE_LINK.findall(text):
        path, _, anchor = target.partition("#")
        if path in PAGES_WRITTEN_LATER:
            continue
        linked = (DOCS / page).parent / path if path else DOCS / page
        anchors = heading_anchors(linked) if linked.suffix == ".md" and linked.exists() else set()
        missing_anchor = bool(anchor) and anchor not in anchors
        if not linked.exists() or missing_anchor:
            broken.append(target)

    assert broken == []


def heading_anchors(page: Path) -> set[str]:
    """Return the anchors that GitHub derives from the headings of a Markdown page."""
    anchors = set()
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            title = re.sub(r"[^\w\- ]", "", title)
            anchors.add(title.replace(" ", "-"))
    return anchors


@pytest.mark.parametrize(("page", "code"), block_cases())
def test_guide_example_runs(
    page: str, code: str, emulator_thread: Emulator, tmp_path: Path
) -> None:
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("SMARTALEX_")
    }
    environment[API_KEY_ENV_VAR] = emulator_thread.api_key
    environment[BASE_URL_ENV_VAR] = emulator_thread.base_url
    environment.pop(LOG_ENV_VAR, None)

    completed = subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert completed.returncode == 0, f"{page}:\n{completed.stdout}\n{completed.stderr}"
