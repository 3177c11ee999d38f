"""`import smartalex_async` leaves out what only some callers need.

The bulk loader (anyio, sqlite3) and the cattrs converters are imported on first use; the
import-time benchmark (benchmarks/import_time.py) measures what this saves. This test keeps
a later module-level import from bringing them back unnoticed.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

DEFERRED = ("anyio", "cattrs", "sqlite3")


@pytest.mark.parametrize("package", ["smartalex_async", "smartalex_sync"])
def test_import_defers_loader_and_converters(package: str) -> None:
    code = (
        f"import json, sys, {package}; "
        f"print(json.dumps([name for name in {DEFERRED!r} if name in sys.modules]))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert json.loads(completed.stdout) == []
