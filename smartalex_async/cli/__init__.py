"""The `smartalex` command line. It needs the `cli` extra: pip install 'smartalex-python[cli]'."""

from __future__ import annotations

import sys


def main() -> None:
    """Run the `smartalex` command, or explain how to install its extra when it is missing."""
    try:
        from ._commands import main as command
    except ModuleNotFoundError as exc:
        if exc.name not in ("click", "rich", "phonenumbers"):
            raise
        sys.exit(
            f"The smartalex command needs the '{exc.name}' package. "
            "Install the command-line extra: pip install 'smartalex-python[cli]'"
        )
    command()
