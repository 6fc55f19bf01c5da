import re
import signal
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from coursecerts.celery import app as celery_app
from coursecerts.certificates.generation_selectors import job_summary
from coursecerts.certificates.models import (
    CertificateGenerationChunk,
    CertificateGenerationJob,
    CertificateHistory,
    GeneratedCertificate,
    JobStates,
)
from coursecerts.certificates.services.generation_jobs import chunk_process, course_generation_start
from tests.factories import GeneratedCertificateFactory, learner_in_course

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("generate_course_certificates", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def learners(course):
    return [
        learner_in_course(course, username="p1"),
        learner_in_course(course, username="f1", percent=0.1, passed=False),
    ]


def test_it_generates_the_course_with_a_progress_bar_and_a_summary(course, learners):
    out, err = run(str(course.id))
    assert "2 learners in 1 chunk." in out and "succeeded: 2/2 learners decided." in out
    assert "downloadable" in out and "Grade below the passing mark" in out
    assert "Generating" in err and "100%" in err
    assert GeneratedCertificate.objects.get().user.username == "p1"


def test_a_dry_run_writes_nothing(course, learners):
    out, _ = run(str(course.id), "--dry-run")
    assert out.startswith("[DRY RUN]") and "downloadable" in out
    assert not GeneratedCertificate.objects.exists() and not CertificateGenerationJob.objects.exists()


def test_regenerate_by_status(course, learners):
    GeneratedCertificateFactory(user=learners[0], course=course, status="notpassing")
    run(str(course.id), "--statuses", "notpassing")
    assert GeneratedCertificate.objects.get().status == "downloadable"
    assert CertificateGenerationJob.objects.get().history.is_regeneration


@pytest.mark.parametrize("args, message", [
    (["not-a-key"], "is not a valid course key"),
    (["course-v1:edX+Nope+2026"], "Course run course-v1:edX+Nope+2026 does not exist"),
    (["{course}", "--scope", "learners"], "Name at least one learner"),
    (["{course}", "--scope", "learners", "--usernames", "ghost"], "Unknown learners: ghost"),
    (["{course}", "--statuses", "notpassing", "--scope", "all"], "either --statuses"),
    (["{course}", "--statuses", "notpassing", "--usernames", "p1"], "either --statuses"),
    (["{course}", "--scope", "all", "--usernames", "p1"], "--usernames narrows a run only with --scope learners"),
])  # fmt: skip
def test_bad_input_is_a_clear_error_and_changes_nothing(course, learners, args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        run(*[a.format(course=course.id) for a in args])
    assert not GeneratedCertificate.objects.exists() and not CertificateGenerationJob.objects.exists()


def test_an_unknown_status_is_refused_naming_the_values_to_type(course):
    with pytest.raises(CommandError, match="invalid choice") as refused:
        run(str(course.id), "--statuses", "bogus")
    assert "'downloadable'" in str(refused.value) and "CertificateStatuses" not in str(refused.value)


def test_the_help_lists_the_statuses_one_may_regenerate(course):
    from coursecerts.certificates.management.commands.generate_course_certificates import Command

    help_text = Command().create_parser("coursecerts", "generate_course_certificates").format_help()
    assert "downloadable, error, notpassing, audit_passing, audit_notpassing" in " ".join(help_text.split())


def test_usernames_alone_mean_those_learners_and_never_the_whole_course(course, learners):
    out, _ = run(str(course.id), "--usernames", "f1", "--dry-run")
    assert "1 named learners; nothing was written" in out
    out, _ = run(str(course.id), "--usernames", "f1")
    assert "1 learners in 1 chunk." in out
    assert not GeneratedCertificate.objects.exists()  # p1 passes, but was not named


def test_a_dry_run_says_what_its_count_counts_and_why_learners_get_nothing_new(course, learners):
    GeneratedCertificateFactory(user=learners[0], course=course, status="downloadable")
    out, _ = run(str(course.id), "--statuses", "downloadable", "--dry-run")
    assert "1 learners whose certificate has one of the statuses; nothing was written." in out
    assert "Learners this run gives no new certificate, by reason:" in out
    assert "Learners without a downloadable certificate" not in out


def test_a_failing_chunk_stops_the_command_with_its_error_and_running_it_again_resumes(
    course, monkeypatch, settings
):
    from coursecerts.certificates import selectors

    settings.CERTIFICATE_GENERATION_CHUNK_SIZE = 1
    for name in ("a1", "a2", "a3"):
        learner_in_course(course, username=name)
    original = selectors.course_learner_facts

    def third_chunk_fails(**kwargs):
        if GeneratedCertificate.objects.count() == 2:
            raise RuntimeError("database went away")
        return original(**kwargs)

    monkeypatch.setattr(selectors, "course_learner_facts", third_chunk_fails)
    with pytest.raises(CommandError, match=r"Chunk 2 failed \(RuntimeError: database went away\)"):
        run(str(course.id))
    assert GeneratedCertificate.objects.count() == 2
    monkeypatch.setattr(selectors, "course_learner_facts", original)
    out, _ = run(str(course.id))
    assert "Resuming the unfinished run" in out and "succeeded: 3/3 learners decided." in out
    assert GeneratedCertificate.objects.count() == 3 and CertificateGenerationJob.objects.count() == 1


def test_a_dry_run_writes_who_would_get_what_and_why_to_a_csv_file(course, learners, tmp_path):
    GeneratedCertificateFactory(user=learners[1], course=course, status="unavailable")
    report = tmp_path / "who.csv"
    out, _ = run(str(course.id), "--dry-run", "--output", str(report))
    assert f"One line per learner in {report}" in out
    assert report.read_text().splitlines() == [
        "username,certificate_status,outcome,reason,reason_message",
        "p1,,downloadable,eligible,Passed the course",
        "f1,unavailable,notpassing,not_passing,Grade below the passing mark",
    ]
    assert not CertificateGenerationJob.objects.exists()
    assert GeneratedCertificate.objects.get().status == "unavailable"


def test_output_needs_a_dry_run_and_a_writable_file(course, learners, tmp_path):
    with pytest.raises(CommandError, match="--output writes a dry run's report: add --dry-run"):
        run(str(course.id), "--output", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="Cannot write .*/missing/x.csv: No such file or directory"):
        run(str(course.id), "--dry-run", "--output", str(tmp_path / "missing" / "x.csv"))
    with pytest.raises(CommandError, match="Unknown learners: ghost"):
        run(
            str(course.id),
            "--dry-run",
            "--scope",
            "learners",
            "--usernames",
            "ghost",
            "--output",
            str(tmp_path / "y.csv"),
        )
    assert not (tmp_path / "y.csv").exists()  # no half report
    assert not CertificateGenerationJob.objects.exists()


# --- a run another process holds, or held when it died (a killed worker) ---------------------------------------


@pytest.fixture
def half_done_run(course, settings):
    """A run of three one-learner chunks: the first written, the second claimed a moment ago by a worker that
    then died (killed: claimed, nothing written, no more heartbeats), the third pending."""
    settings.CERTIFICATE_GENERATION_CHUNK_SIZE = 1
    settings.CERTIFICATE_GENERATION_LEASE_SECONDS = 1  # heartbeats every 0.25 s
    for name in ("a1", "a2", "a3"):
        learner_in_course(course, username=name)
    job, _ = course_generation_start(course_run=course, scope="all", dispatch=False)
    first, second, _ = job.chunks.order_by("index")
    chunk_process(chunk_id=first.pk)
    CertificateGenerationChunk.objects.filter(pk=second.pk).update(
        state=JobStates.RUNNING, claimed_at=timezone.now(), attempts=1
    )
    return job


@pytest.fixture
def deadline():
    """Fail the test, rather than hang the suite, if the command waits longer than `seconds`."""

    def expire(signum, frame):
        raise AssertionError("the command was still waiting at the deadline")

    previous = signal.signal(signal.SIGALRM, expire)
    yield lambda seconds: signal.alarm(seconds)
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def assert_written_once(job):
    assert job_summary(job)["state"] == "succeeded"
    assert GeneratedCertificate.objects.count() == 3 and CertificateHistory.objects.count() == 3
    assert job.chunks.get(index=1).attempts == 2  # the dead worker's claim, then the one that took it over


def test_running_it_again_takes_over_the_chunk_of_a_killed_worker_once_its_lease_expires(
    half_done_run, deadline
):
    deadline(20)
    started = time.monotonic()
    out, _ = run(str(half_done_run.course_id))
    assert "Resuming the unfinished run" in out and "succeeded: 3/3 learners decided." in out
    assert time.monotonic() - started < 10  # the lease (1 s) and a few polls, not a broker's redelivery
    assert_written_once(half_done_run)


@pytest.mark.django_db(transaction=True)
def test_with_workers_the_follower_queues_again_the_chunk_of_a_killed_worker(
    half_done_run, settings, monkeypatch, deadline
):
    """The command follows the workers' progress (CELERY_TASK_ALWAYS_EAGER off for the command; Celery itself
    stays eager here, so what the follower queues runs at once, as a worker would run it)."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    deadline(20)
    started = time.monotonic()
    out, _ = run(str(half_done_run.course_id))
    assert "succeeded: 3/3 learners decided." in out
    assert time.monotonic() - started < 10
    assert_written_once(half_done_run)


def test_with_no_wait_it_leaves_a_run_another_process_holds_running_and_says_so(half_done_run, settings):
    settings.CERTIFICATE_GENERATION_LEASE_SECONDS = 60  # the other process is alive: its lease holds
    out, _ = run(str(half_done_run.course_id), "--no-wait")
    assert "Left the run running: 2/3 learners decided so far." in out
    assert f"GET /api/v1/tasks/{half_done_run.pk}" in out
    assert out.rstrip().endswith(str(half_done_run.pk))  # the run's id, last, for scripts
    assert job_summary(half_done_run)["state"] == "running"
