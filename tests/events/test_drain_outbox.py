"""drain_outbox: runs the work data changes owe that has not run (ADR 0013), as an operator would after a crash.

The last test is the crash itself: a real server imports a file and is killed with SIGKILL after answering, before
the generation the import owes has run; `coursecerts drain_outbox` then issues every certificate, once."""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from coursecerts.certificates.models import CertificateHistory, GeneratedCertificate
from coursecerts.events.models import OutboxEntry
from tests.events.conftest import roster

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    """Call the command in-process; returns what it printed."""
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_it_runs_what_an_import_left_and_says_what_it_did(course, import_file):
    import_file(course, roster(3))
    entry = OutboxEntry.objects.get()
    out = run("drain_outbox")
    assert (
        f"#{entry.pk} certificates.generate {course.id}: done; 3 certificates written (downloadable 3)" in out
    )
    assert "Outbox: 1 entries done, 0 failed." in out
    assert GeneratedCertificate.objects.filter(course=course, status="downloadable").count() == 3
    assert "Outbox: 0 entries done, 0 failed." in run("drain_outbox")
    assert CertificateHistory.objects.filter(certificate__course=course).count() == 3


def test_a_failure_exits_non_zero_keeps_the_entry_and_retry_now_runs_it(course, import_file, failing_reads):
    import_file(course, roster(2))
    failing_reads["times"] = 1
    with pytest.raises(CommandError, match="1 entries failed; they are kept with their error"):
        run("drain_outbox")
    listed = run("drain_outbox", "--dry-run")
    assert "2 learners, failed 1x, next try" in listed
    assert "RuntimeError: database went away" in listed
    assert "Outbox: 0 entries done" in run("drain_outbox")  # not due yet
    assert "Outbox: 1 entries done, 0 failed." in run("drain_outbox", "--retry-now")
    assert GeneratedCertificate.objects.filter(course=course, status="downloadable").count() == 2


def test_dry_run_lists_what_is_owed_and_runs_nothing(course, import_file):
    import_file(course, roster(4))
    out = run("drain_outbox", "--dry-run")
    assert f"certificates.generate {course.id}: 4 learners, due" in out
    assert "Outbox: 1 entries not done." in out
    assert not GeneratedCertificate.objects.exists()


# --- a real server killed after the import's commit ------------------------------------------------------------

KEY = "course-v1:Crash+Import+2026"
LEARNERS = 40


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(port: int, method: str, path: str, token: str, body: bytes, content_type: str) -> int:
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=body,
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": content_type},
    )
    with urllib.request.urlopen(req, timeout=60) as response:
        return response.status


@pytest.fixture
def operator(tmp_path):
    """`coursecerts <args>` on its own migrated SQLite file, with a broker that only exists in the process's
    memory: the drain an import kicks after its commit is a message that dies with the process."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "coursecerts.settings",
        "COURSECERTS_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'coursecerts.sqlite3'}",
        "CELERY_BROKER_URL": "memory://",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DJANGO_SUPERUSER_PASSWORD": "not-used-x9",
    }
    script = str(Path(sys.executable).with_name("coursecerts"))

    def _run(*args: str, **kwargs):
        return subprocess.run([script, *args], env=env, capture_output=True, text=True, timeout=120, **kwargs)

    _run.script, _run.env, _run.db = script, env, tmp_path / "coursecerts.sqlite3"
    assert _run("migrate", "--noinput", "-v", "0").returncode == 0
    return _run


def counts(db: Path) -> tuple[int, int, int]:
    """(certificates, history rows, entries not done), read from the server's database file."""
    with sqlite3.connect(db) as connection:
        one = lambda sql: connection.execute(sql).fetchone()[0]  # noqa: E731
        return (
            one("SELECT COUNT(*) FROM certificates_generatedcertificate WHERE status = 'downloadable'"),
            one("SELECT COUNT(*) FROM certificates_certificatehistory"),
            one("SELECT COUNT(*) FROM events_outboxentry WHERE done_at IS NULL"),
        )


@pytest.mark.hostile
def test_a_server_killed_after_an_import_committed_owes_the_generation_and_drain_outbox_issues_it_once(
    operator,
):
    assert (
        operator("createsuperuser", "--noinput", "--username", "ops", "--email", "ops@example.org").returncode
        == 0
    )
    token = operator("create_api_token", "ops").stdout.strip().splitlines()[-1]
    port = free_port()
    server = subprocess.Popen(
        [operator.script, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=operator.env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        course = (
            b'{"display_name": "Crash", "self_paced": true, "start": "2026-01-01T00:00:00Z", "end": '
            b'"2026-03-01T00:00:00Z", "certificates_display_behavior": "early_no_info", "web_certificates_enabled": '
            b'true, "modes": ["verified", "audit"]}'
        )
        assert request(port, "PUT", f"/api/v1/courses/{KEY}", token, course, "application/json") == 201
        config = b'{"title": "Certificate", "is_active": true, "signatories": []}'
        path = f"/api/v1/courses/{KEY}/certificate-configuration"
        assert request(port, "PUT", path, token, config, "application/json") == 201
        imported = roster(LEARNERS).encode()
        assert request(port, "POST", f"/api/v1/courses/{KEY}/import", token, imported, "text/csv") == 200
    finally:
        os.killpg(
            server.pid, signal.SIGKILL
        )  # the import committed; what it queued after the commit dies here
        server.wait(timeout=30)

    assert counts(operator.db) == (0, 0, 1)
    drained = operator("drain_outbox")
    assert drained.returncode == 0, drained.stderr
    assert f"{LEARNERS} certificates written" in drained.stdout
    assert counts(operator.db) == (LEARNERS, LEARNERS, 0)
    assert "Outbox: 0 entries done, 0 failed." in operator("drain_outbox").stdout
    assert counts(operator.db) == (LEARNERS, LEARNERS, 0)
