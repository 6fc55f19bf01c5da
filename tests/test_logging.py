"""Logging as an operator's process sets it up (coursecerts.settings in a fresh interpreter): command output is
not mixed with INFO lines unless LOG_LEVEL asks for them, and other libraries log only warnings and up."""

import os
import subprocess
import sys

SCRIPT = """
import logging, django
django.setup()
for name in ("coursecerts.certificates.services.generation", "django.utils.autoreload", "kombu.connection"):
    logging.getLogger(name).info("info from %s", name)
    logging.getLogger(name).warning("warning from %s", name)
"""


def log_lines(tmp_path, **env: str) -> list[str]:
    environment = {
        **{k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")},
        "DJANGO_SETTINGS_MODULE": "coursecerts.settings",
        "COURSECERTS_VAR_DIR": str(tmp_path),
        **env,
    }
    completed = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=environment, capture_output=True, text=True, timeout=60
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == ""  # logs go to stderr, never into a command's output
    return [line.split(" ", 2)[2] for line in completed.stderr.splitlines()]  # without the timestamp


def test_by_default_only_warnings_are_logged(tmp_path):
    assert log_lines(tmp_path) == [
        "WARNING coursecerts.certificates.services.generation warning from "
        "coursecerts.certificates.services.generation",
        "WARNING django.utils.autoreload warning from django.utils.autoreload",
        "WARNING kombu.connection warning from kombu.connection",
    ]


def test_log_level_info_shows_coursecerts_info_lines_and_still_not_django_s(tmp_path):
    lines = log_lines(tmp_path, LOG_LEVEL="INFO")

    assert (
        "INFO coursecerts.certificates.services.generation info from coursecerts.certificates.services.generation"
        in lines
    )
    assert not [line for line in lines if line.startswith("INFO") and "coursecerts" not in line]
