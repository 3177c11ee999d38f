"""The sync facade across process events: os.fork(), interpreter exit and Ctrl-C.

Each test runs a client script in a subprocess of `sys.executable`. The fork and exit tests
run the emulator command (`smartalex emulator --port 0`) in another subprocess and stop it by
its PID. The Ctrl-C test serves the emulator from this process instead, so that it can read
the emulator's counters while the client process is still running.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

import pytest

from smartalex_async import API_KEY_ENV_VAR, BASE_URL_ENV_VAR, LOG_ENV_VAR
from smartalex_async.emulator import Emulator, FaultConfig

STARTUP_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 10.0
SUBPROCESS_TIMEOUT_SECONDS = 60.0

# What the tests require of the facade.
CHILD_TIMEOUT_SECONDS = 10.0
EXIT_TIMEOUT_SECONDS = 2.0
INTERRUPT_TIMEOUT_SECONDS = 1.0

# Generous bounds for steps that normally take milliseconds, so a loaded machine passes.
PARENT_CALL_TIMEOUT_SECONDS = 2.0
DISCONNECT_TIMEOUT_SECONDS = 5.0
# Time for the emulator to send the stalled response's headers after it counts the fault.
HEADERS_DELAY_SECONDS = 0.2

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs fork() and POSIX signals")

READY_LINE = re.compile(r"serving (?P<base_url>http://\S+) with API key (?P<api_key>\S+);")


class OutputLines:
    """Lines of a subprocess's text stream, read on a daemon thread.

    Reading on a thread keeps the pipe from filling up, and lets a test wait for a line
    with a timeout. An empty string marks the end of the stream.
    """

    def __init__(self, stream: IO[str]) -> None:
        self._lines: queue.Queue[str] = queue.Queue()
        self._thread = threading.Thread(target=self._drain, args=(stream,), daemon=True)
        self._thread.start()

    def _drain(self, stream: IO[str]) -> None:
        with stream:
            for line in stream:
                self._lines.put(line)
        self._lines.put("")

    def next_line(self, timeout: float) -> str:
        """Return the next line, or raise AssertionError if none arrives within `timeout`."""
        try:
            return self._lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"The subprocess printed no line within {timeout} s.") from None

    def rest(self, timeout: float) -> str:
        """Return everything up to the end of the stream, which must come within `timeout`."""
        self._thread.join(timeout)
        assert not self._thread.is_alive(), f"The stream did not end within {timeout} s."
        lines: list[str] = []
        while (line := self._lines.get_nowait()) != "":
            lines.append(line)
        return "".join(lines)


@dataclass(frozen=True)
class EmulatorProcess:
    """An emulator serving from a subprocess on 127.0.0.1."""

    base_url: str
    api_key: str
    pid: int


def stop_process(process: subprocess.Popen[str], sig: signal.Signals) -> None:
    """Send `sig` to `process` by its PID, and SIGKILL if it has not exited in time."""
    if process.poll() is not None:
        return

    os.kill(process.pid, sig)
    try:
        process.wait(STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(STOP_TIMEOUT_SECONDS)


@pytest.fixture
def emulator_process() -> Iterator[EmulatorProcess]:
    """Run `smartalex emulator --port 0` in a subprocess until the test ends."""
    command = [
        sys.executable,
        "-c",
        "from smartalex_async.cli import main; main()",
        "emulator",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    output = OutputLines(process.stdout)
    try:
        first_line = output.next_line(STARTUP_TIMEOUT_SECONDS)
        match = READY_LINE.search(first_line)
        assert match is not None, f"Unexpected first line from the emulator: {first_line!r}"
        yield EmulatorProcess(match["base_url"], match["api_key"], process.pid)
    finally:
        stop_process(process, signal.SIGTERM)
        output.rest(STOP_TIMEOUT_SECONDS)


def client_environment(base_url: str, api_key: str) -> dict[str, str]:
    """Return this process's environment with the client's settings, and SDK logging off."""
    environment = {**os.environ, API_KEY_ENV_VAR: api_key, BASE_URL_ENV_VAR: base_url}
    environment.pop(LOG_ENV_VAR, None)
    return environment


def wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    """Return True once `condition` holds, polling it, or False after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


# ---------------------------------------------------------------------------------------------
# Fork

FORK_SCRIPT = textwrap.dedent(
    r"""
    import json
    import os
    import signal
    import sys
    import time
    import warnings

    from smartalex_sync import SmartAlex

    CHILD_TIMEOUT_SECONDS = float(sys.argv[1])

    # Python 3.12+ warns that fork() in a multi-threaded process may deadlock the child. The
    # portal's loop thread makes this process multi-threaded, which is the case under test.
    warnings.filterwarnings(
        "ignore", message=r".*fork\(\) may lead to deadlocks", category=DeprecationWarning
    )

    # If the child made the parent's loop stop watching the pooled connection, the parent's
    # next request fails after this timeout instead of hanging, and parent_seconds shows it.
    client = SmartAlex(timeout=5)
    before = client.campaigns.create(name="Before fork", agent_id="agent_def456")

    pid = os.fork()
    if pid == 0:
        fetched = client.campaigns.get(before.id)
        client.campaigns.create(name="From child", agent_id="agent_def456")
        print(json.dumps({"role": "child", "fetched_id": fetched.id}), flush=True)
        # A normal exit, so that the child's atexit finalizers and teardown run too.
        sys.exit(0)

    started = time.monotonic()
    while True:
        finished, status = os.waitpid(pid, os.WNOHANG)
        if finished:
            break
        if time.monotonic() - started > CHILD_TIMEOUT_SECONDS:
            os.kill(pid, signal.SIGKILL)
            finished, status = os.waitpid(pid, 0)
            break
        time.sleep(0.01)
    child_seconds = time.monotonic() - started

    # The parent's pooled connection was open in the child too, and is reused here.
    started = time.monotonic()
    names = sorted(campaign.name for campaign in client.campaigns.list().items)
    parent_seconds = time.monotonic() - started

    record = {
        "role": "parent",
        "before_id": before.id,
        "child_exit_code": os.waitstatus_to_exitcode(status),
        "child_seconds": child_seconds,
        "parent_seconds": parent_seconds,
        "names": names,
    }
    print(json.dumps(record), flush=True)
    client.close()
    """
)


def records_by_role(stdout: str) -> dict[str, dict[str, Any]]:
    records = [json.loads(line) for line in stdout.splitlines() if line.strip()]
    return {record["role"]: record for record in records}


def test_fork_child_and_parent_work(emulator_process: EmulatorProcess) -> None:
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", FORK_SCRIPT, str(CHILD_TIMEOUT_SECONDS)],
        env=client_environment(emulator_process.base_url, emulator_process.api_key),
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT_SECONDS,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    records = records_by_role(result.stdout)
    assert set(records) == {"child", "parent"}, result.stdout
    child = records["child"]
    parent = records["parent"]
    assert child["fetched_id"] == parent["before_id"]
    assert parent["child_exit_code"] == 0
    assert parent["child_seconds"] < CHILD_TIMEOUT_SECONDS
    assert parent["names"] == ["Before fork", "From child"]
    assert parent["parent_seconds"] < PARENT_CALL_TIMEOUT_SECONDS


# ---------------------------------------------------------------------------------------------
# Interpreter exit

UNCLOSED_SCRIPT = textwrap.dedent(
    """
    from smartalex_sync import SmartAlex

    client = SmartAlex()
    client.campaigns.create(name="First", agent_id="agent_def456")
    client.campaigns.create(name="Second", agent_id="agent_def456")

    # An iteration left suspended between pages, and a client that never sent a request.
    iterator = client.campaigns.iter_all(per_page=1)
    first = next(iterator)
    idle = SmartAlex()

    print(first.name, flush=True)
    """
)


SLOW_STEP_REPORT = re.compile(r"^Executing <.*> took \d+\.\d+ seconds\n", re.MULTILINE)


def without_slow_step_reports(stderr: str) -> str:
    """Drop asyncio debug mode's reports of loop steps over 100 ms.

    -X dev turns on asyncio debug mode, which reports any slow step; on a loaded machine that
    happens without any fault of the client, so only other output counts as a warning.
    """
    return SLOW_STEP_REPORT.sub("", stderr)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_unclosed_client_exits_quietly(emulator_process: EmulatorProcess, host: str) -> None:
    # A host name goes through getaddrinfo in the loop's executor, which must be shut down
    # at exit without starting a thread.
    base_url = emulator_process.base_url.replace("127.0.0.1", host)
    process = subprocess.Popen(
        [sys.executable, "-W", "error", "-X", "dev", "-c", UNCLOSED_SCRIPT],
        env=client_environment(base_url, emulator_process.api_key),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    stdout = OutputLines(process.stdout)
    stderr = OutputLines(process.stderr)
    try:
        first_line = stdout.next_line(SUBPROCESS_TIMEOUT_SECONDS)
        finished_work = time.monotonic()
        returncode = process.wait(SUBPROCESS_TIMEOUT_SECONDS)
        exit_seconds = time.monotonic() - finished_work
        errors = stderr.rest(STOP_TIMEOUT_SECONDS)
    finally:
        stop_process(process, signal.SIGKILL)

    assert returncode == 0, errors
    assert without_slow_step_reports(errors) == ""
    assert first_line == "First\n"
    assert exit_seconds < EXIT_TIMEOUT_SECONDS


# ---------------------------------------------------------------------------------------------
# Ctrl-C

INTERRUPTED_SCRIPT = textwrap.dedent(
    """
    import signal
    import sys

    from smartalex_sync import SmartAlex

    # A shell without job control starts background commands with SIGINT ignored, and
    # Python then keeps ignoring it. The test needs the default KeyboardInterrupt.
    signal.signal(signal.SIGINT, signal.default_int_handler)

    client = SmartAlex()
    print("calling", flush=True)
    try:
        if sys.argv[1] == "iterate":
            list(client.campaigns.iter_all())
        else:
            client.campaigns.list()
    except KeyboardInterrupt:
        print("interrupted", flush=True)
    else:
        print("returned", flush=True)

    # Stay alive until the test has read the emulator's counters, then check that the client
    # still works after the interrupt.
    sys.stdin.readline()
    print(f"page of {len(client.campaigns.list().items)}", flush=True)
    client.close()
    """
)


@pytest.mark.parametrize("method", ["list", "iterate"])
def test_ctrl_c_cancels_stalled_call(emulator: Emulator, method: str) -> None:
    emulator.state.faults = FaultConfig(stall_after_headers_rate=1.0)
    stats = emulator.state.stats
    process = subprocess.Popen(
        [sys.executable, "-W", "error", "-c", INTERRUPTED_SCRIPT, method],
        env=client_environment(emulator.base_url, emulator.api_key),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None
    assert process.stdout is not None
    assert process.stderr is not None
    stdout = OutputLines(process.stdout)
    stderr = OutputLines(process.stderr)
    try:
        assert stdout.next_line(SUBPROCESS_TIMEOUT_SECONDS) == "calling\n"
        assert wait_until(lambda: stats.faults["stall_after_headers"] == 1, STARTUP_TIMEOUT_SECONDS)
        time.sleep(HEADERS_DELAY_SECONDS)

        signalled = time.monotonic()
        os.kill(process.pid, signal.SIGINT)
        outcome = stdout.next_line(SUBPROCESS_TIMEOUT_SECONDS)
        interrupt_seconds = time.monotonic() - signalled

        # The client process is still running, so only the cancelled request can have
        # closed the connection.
        disconnected = wait_until(
            lambda: stats.stalls_disconnected == 1, DISCONNECT_TIMEOUT_SECONDS
        )
        alive_after_disconnect = process.poll() is None

        emulator.state.faults = FaultConfig()
        process.stdin.write("\n")
        process.stdin.flush()
        after = stdout.next_line(SUBPROCESS_TIMEOUT_SECONDS)
        returncode = process.wait(SUBPROCESS_TIMEOUT_SECONDS)
        errors = stderr.rest(STOP_TIMEOUT_SECONDS)
    finally:
        process.stdin.close()
        stop_process(process, signal.SIGKILL)

    assert outcome == "interrupted\n"
    assert interrupt_seconds < INTERRUPT_TIMEOUT_SECONDS
    assert disconnected
    assert alive_after_disconnect
    assert stats.requests["GET /v1/campaigns"] == 2
    assert after == "page of 0\n"
    assert returncode == 0, errors
    assert errors == ""
