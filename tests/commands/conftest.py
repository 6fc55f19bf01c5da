"""Helpers for command tests: run a command in-process, or through the installed `coursecerts` console script
against a migrated SQLite database on disk."""

import os
import subprocess
import sys
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command


@dataclass
class Run:
    returned: str | None
    stdout: str


@pytest.fixture
def run():
    """Call a command in-process; returns what handle() returned and what it printed."""

    def _run(*args, **kwargs) -> Run:
        out = StringIO()
        returned = call_command(*args, stdout=out, stderr=StringIO(), **kwargs)
        return Run(returned, out.getvalue())

    return _run


@pytest.fixture(scope="session")
def console(tmp_path_factory):
    """Run `coursecerts <args>` as an operator would, on its own migrated SQLite file."""
    var_dir = tmp_path_factory.mktemp("console-var")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "coursecerts.settings",
        "COURSECERTS_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir / 'coursecerts.sqlite3'}",
    }
    script = str(Path(sys.executable).with_name("coursecerts"))

    def _console(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([script, *args], env=env, capture_output=True, text=True, timeout=120)

    migrated = _console("migrate", "--noinput", "-v", "0")
    assert migrated.returncode == 0, migrated.stderr
    return _console
