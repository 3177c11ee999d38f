"""Run the emulator in a child process, so that benchmarks measure the client alone."""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import IO

import attrs

_READY_LINE = re.compile(r"serving (?P<url>\S+) with API key (?P<key>\S+);")


@attrs.frozen
class EmulatorProcess:
    """A running emulator child process on 127.0.0.1."""

    base_url: str
    api_key: str
    pid: int


@contextlib.contextmanager
def emulator_process(*options: str) -> Iterator[EmulatorProcess]:
    """Start `smartalex emulator --port 0 OPTIONS...` and stop it on exit, by its PID."""
    command = [
        sys.executable,
        "-c",
        "from smartalex_async.cli import main; main()",
        "emulator",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--no-access-log",
        *options,
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = _READY_LINE.search(line)
        if match is None:
            raise RuntimeError(f"The emulator did not start; its first output line was {line!r}.")
        # Keep reading its output, or a full pipe would block the emulator mid-benchmark.
        threading.Thread(target=_drain, args=(process.stdout,), daemon=True).start()
        yield EmulatorProcess(base_url=match["url"], api_key=match["key"], pid=process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def _drain(stream: IO[str]) -> None:
    for _line in stream:
        pass
