"""A real Celery worker on Redis, against the test database on PostgreSQL: generate a course, kill the worker
(SIGKILL, the whole process group) half-way, start a new one and run the command again at once, and check that
the command follows the run to its end within a few leases (it queues again the chunk the killed worker held,
rather than wait for Redis to redeliver its message) and that the result is complete and exact: every learner
decided once, one certificate and one issue record per certificate, nothing half-written.

Needs PostgreSQL and Redis; .ci/run runs it in its PostgreSQL stage (COURSECERTS_CELERY_INTEGRATION=1)."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django.db.models import Count

from coursecerts.certificates.generation_dry_run import course_generation_dry_run
from coursecerts.certificates.models import CertificateGenerationJob, CertificateHistory, GeneratedCertificate
from tests.factories import CourseRunFactory
from tests.integration.bulk import bulk_learners

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        os.environ.get("COURSECERTS_CELERY_INTEGRATION") != "1",
        reason="needs PostgreSQL and Redis: set COURSECERTS_CELERY_INTEGRATION=1 (.ci/run does)",
    ),
]
BIN = Path(sys.executable).parent
LEARNERS, CHUNK, LEASE = 20_000, 200, 5


def environment(queue: str) -> dict:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "coursecerts.settings",  # the real settings, not the test ones (eager Celery)
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": os.environ.get("COURSECERTS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15"),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "CERTIFICATE_GENERATION_CHUNK_SIZE": str(CHUNK),
        "CERTIFICATE_GENERATION_LEASE_SECONDS": str(LEASE),  # heartbeats every 1.25 s
        "CELERY_BROKER_VISIBILITY_TIMEOUT": "3600",  # Redis's own default: a run must not wait for it
        "LOG_LEVEL": "WARNING",
        # No learner emails: with one worker process, 20,000 issue emails queued on the run's own queue would
        # compete with the chunks for it; what this test checks is the chunks (emails: tests/notifications).
        "LEARNER_EMAILS_ENABLED": "false",
        # Nor pages rendered ahead: their tasks (10 to 18 ms a page) would share the workers with the chunks
        # timed here (they are tested in tests/web/test_pages_rendered_ahead.py).
        "CERTIFICATE_PAGES_RENDER_AHEAD": "false",
        # one key-encryption key for the command and the worker: a server database needs one (credentials.E001)
        "CREDENTIALS_KEY_ENCRYPTION_KEY": Fernet.generate_key().decode(),
    }


def start_worker(env, queue):
    command = [str(BIN / "celery"), "-A", "coursecerts", "worker", "-Q", queue, "-c", "1", "--loglevel", "WARNING",
               "--without-gossip", "--without-mingle", "--without-heartbeat", "--prefetch-multiplier", "1"]  # fmt: skip
    return subprocess.Popen(
        command, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def start_run(env, course_key, *, wait=False, timeout=120):
    command = [str(BIN / "coursecerts"), "generate_course_certificates", course_key]
    if not wait:
        command.append("--no-wait")
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def job():
    return CertificateGenerationJob.objects.get()


def mid_chunk():
    return job().chunks.filter(state="running").exists()


def test_a_killed_worker_is_replaced_and_the_run_completes_exactly():
    if connection.vendor != "postgresql":
        pytest.fail("this test runs against PostgreSQL (DATABASE_URL=postgres://...)")
    course = CourseRunFactory()
    bulk_learners(course, LEARNERS)
    expected = course_generation_dry_run(course_run=course, scope="all")
    queue = f"coursecerts-it-{uuid.uuid4().hex[:8]}"
    env = environment(queue)
    start_run(env, str(course.id))  # every chunk queued before any worker runs
    worker = start_worker(env, queue)
    try:
        wait_for(
            lambda: job().done >= 2 * CHUNK and mid_chunk(), 120, "a few chunks written, one being written"
        )
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
        done_at_kill = job().done
        assert 0 < done_at_kill < LEARNERS, f"the kill came too late or too early: {done_at_kill}"
        killed_mid = list(job().chunks.filter(state="running").values_list("pk", flat=True))
        assert killed_mid, "the kill came between two chunks"

        worker = start_worker(env, queue)
        started = time.monotonic()
        # At once, as an operator would: the killed worker's chunk is still within its lease. The command joins
        # the run, dispatches what is left and follows it, queueing that chunk again once its lease expires.
        out = start_run(env, str(course.id), wait=True, timeout=300)
        resumed_in = time.monotonic() - started
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=30)

    assert f"succeeded: {LEARNERS}/{LEARNERS} learners decided." in out
    # A lease for the killed chunk, the rest of the work (some 10 s on 2 cores), and margin: minutes less than
    # the broker's redelivery (an hour here) that the run used to wait for.
    assert resumed_in < 90, f"the resumed run took {resumed_in:.0f}s"
    finished = job()
    assert (finished.done, finished.total) == (LEARNERS, LEARNERS)
    assert finished.result["outcomes"] == expected["outcomes"]
    assert not finished.chunks.exclude(state="succeeded").exists()
    assert finished.chunks.filter(pk__in=killed_mid, attempts=2).count() == len(killed_mid)  # taken over
    issued = GeneratedCertificate.objects.filter(course=course)
    assert issued.count() == expected["outcomes"]["downloadable"]
    assert CertificateHistory.objects.filter(certificate__course=course).count() == issued.count()
    twice = CertificateHistory.objects.values("certificate").annotate(rows=Count("id")).filter(rows__gt=1)
    assert not twice.exists()  # each learner's certificate written once
    assert not issued.exclude(status="downloadable").exists()
