"""Release checks: the built wheel works in a fresh virtual environment outside the repository.

One module-scoped fixture builds the sdist and, from it, the wheel (as `make dist` does),
creates a new virtual environment in a temporary directory and installs the wheel with the
`cli` extra from the package index that pip is configured with. The tests then use only
that environment, from a working directory outside the repository, so nothing is imported
from the checkout. Building and installing takes about a minute.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import attrs
import pytest

import smartalex_async

REPOSITORY = Path(__file__).resolve().parent.parent
VERSION = smartalex_async.__version__

# Files that may name the version besides smartalex_async/_version.py: the changelog
# records every released version by design.
VERSION_MENTIONS_ALLOWED = {Path("smartalex_async/_version.py"), Path("CHANGELOG.md")}
# Source, configuration and docs. Data files, such as benchmark results, may record the
# version they were made with.
VERSION_SCAN_SUFFIXES = {".py", ".toml", ".md", ".yaml", ".yml", ".cfg"}
SKIPPED_DIRECTORIES = {"build", "dist", "node_modules"}

# The first line that `smartalex emulator` prints, whose wording is fixed for scripts.
EMULATOR_FIRST_LINE = re.compile(
    r"^SmartAlex emulator serving (?P<base_url>http://\S+/v1) with API key (?P<api_key>\S+);"
)


@attrs.frozen
class Installed:
    """A virtual environment outside the repository with the built wheel installed."""

    wheel: Path
    python: Path
    smartalex: Path
    workdir: Path

    def environment(self) -> dict[str, str]:
        """The current environment without settings that could point at the checkout."""
        environment = {
            name: value
            for name, value in os.environ.items()
            if name not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
            and not name.startswith("SMARTALEX_")
        }
        environment["PATH"] = f"{self.python.parent}{os.pathsep}{environment.get('PATH', '')}"
        return environment

    def run(self, *command: str | Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(part) for part in command],
            cwd=self.workdir,
            env=self.environment(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def run_checked(*command: str | Path, cwd: Path) -> None:
    completed = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, (
        f"{' '.join(map(str, command))} failed:\n{completed.stdout}\n{completed.stderr}"
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = tmp_path_factory.mktemp("release")
    dist = root / "dist"
    run_checked(sys.executable, "-m", "build", "--outdir", dist, REPOSITORY, cwd=root)
    [wheel] = dist.glob("*.whl")

    venv = root / "venv"
    run_checked(sys.executable, "-m", "venv", venv, cwd=root)
    bin_directory = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bin_directory / "python"
    run_checked(python, "-m", "pip", "install", "--quiet", f"{wheel}[cli]", cwd=root)

    workdir = root / "work"
    workdir.mkdir()
    return Installed(
        wheel=wheel, python=python, smartalex=bin_directory / "smartalex", workdir=workdir
    )


def test_wheel_name_has_version(installed: Installed) -> None:
    assert installed.wheel.name == f"smartalex_python-{VERSION}-py3-none-any.whl"


def test_venv_is_outside_repository(installed: Installed) -> None:
    assert not installed.python.parent.parent.is_relative_to(REPOSITORY)


def test_cli_help(installed: Installed) -> None:
    completed = installed.run(installed.smartalex, "--help")

    assert completed.returncode == 0, completed.stderr
    for command in ("import", "demo", "emulator"):
        assert re.search(rf"^\s+{command}\s", completed.stdout, re.MULTILINE), command


def test_cli_version(installed: Installed) -> None:
    completed = installed.run(installed.smartalex, "--version")

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == f"smartalex, version {VERSION}"


def test_cli_demo_starts_campaign(installed: Installed) -> None:
    completed = installed.run(installed.smartalex, "demo")

    assert completed.returncode == 0, completed.stderr
    assert re.search(r"Campaign status\W+(active|scheduled)\b", completed.stdout), completed.stdout
    assert "Emulator check: campaign" in completed.stdout


def test_installed_packages_import(installed: Installed) -> None:
    program = """
import importlib.metadata
import json
from importlib import resources

import smartalex_async
import smartalex_sync

print(json.dumps({
    "async_file": smartalex_async.__file__,
    "sync_file": smartalex_sync.__file__,
    "version": smartalex_async.__version__,
    "sync_version": smartalex_sync.__version__,
    "metadata_version": importlib.metadata.version("smartalex-python"),
    "openapi": resources.files("smartalex_async").joinpath("openapi.yaml").is_file(),
    "demo_csv": resources.files("smartalex_async.cli")
    .joinpath("demo-contacts-hubspot.csv")
    .is_file(),
    "sync_client": smartalex_sync.SmartAlex.__name__,
}))
"""
    completed = installed.run(installed.python, "-W", "error", "-c", program)

    assert completed.returncode == 0, completed.stderr
    facts = json.loads(completed.stdout)
    venv = installed.python.parent.parent
    assert Path(facts["async_file"]).is_relative_to(venv)
    assert Path(facts["sync_file"]).is_relative_to(venv)
    assert facts["version"] == VERSION
    assert facts["sync_version"] == VERSION
    assert facts["metadata_version"] == VERSION
    assert facts["openapi"] is True
    assert facts["demo_csv"] is True
    assert facts["sync_client"] == "SmartAlex"


def test_cli_emulator_serves_request(installed: Installed) -> None:
    process = subprocess.Popen(
        [str(installed.smartalex), "emulator", "--port", "0"],
        cwd=installed.workdir,
        env=installed.environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        first_line = process.stdout.readline()
        match = EMULATOR_FIRST_LINE.match(first_line)
        assert match, f"unexpected first line: {first_line!r}"
        base_url = match["base_url"]
        assert base_url.startswith("http://127.0.0.1:")

        request = urllib.request.Request(
            f"{base_url}/campaigns", headers={"Authorization": f"Bearer {match['api_key']}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            status = response.status
            body = json.loads(response.read())
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()

    assert status == 200
    assert body["data"] == []


def test_version_is_defined_once() -> None:
    pyproject = (REPOSITORY / "pyproject.toml").read_text(encoding="utf-8")
    mentions = sorted(
        str(path.relative_to(REPOSITORY))
        for path in REPOSITORY.rglob("*")
        if path.suffix in VERSION_SCAN_SUFFIXES
        and path.is_file()
        and not any(
            part.startswith(".") or part in SKIPPED_DIRECTORIES
            for part in path.relative_to(REPOSITORY).parts
        )
        and path.relative_to(REPOSITORY) not in VERSION_MENTIONS_ALLOWED
        and VERSION in path.read_text(encoding="utf-8", errors="replace")
    )

    assert mentions == []
    assert re.search(r'^dynamic\s*=\s*\["version"\]', pyproject, re.MULTILINE)
    assert not re.search(r"^version\s*=", pyproject, re.MULTILINE)
    assert 'path = "smartalex_async/_version.py"' in pyproject
