"""The `coursecerts` console script's own behaviour (the commands it runs are tested in tests/commands/)."""

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = str(Path(sys.executable).with_name("coursecerts"))


def run_script(*args: str, tmp_path, **env: str) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "coursecerts.settings",
        "COURSECERTS_VAR_DIR": str(tmp_path),
        **env,
    }
    return subprocess.run([SCRIPT, *args], env=environment, capture_output=True, text=True, timeout=120)


def test_a_bad_setting_stops_the_start_with_one_line_and_no_traceback(tmp_path):
    completed = run_script("check", tmp_path=tmp_path, DEBUG="maybe")

    assert completed.returncode == 1
    assert completed.stderr == (
        "coursecerts: configuration error: DEBUG='maybe' is not a boolean: "
        "use one of 1/0, true/false, yes/no, on/off\n"
    )
    assert completed.stdout == ""


def test_a_bad_setting_stops_any_command_even_help(tmp_path):
    completed = run_script("help", tmp_path=tmp_path, LOG_LEVEL="LOUD")

    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr
    assert "LOG_LEVEL='LOUD' is not one of" in completed.stderr
