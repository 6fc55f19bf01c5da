"""Course-wide generation when workers die or are slow: heartbeats keep a live chunk's lease, a chunk whose worker
died is queued again by whoever follows the run (course_generation_recover, the periodic task), and a worker that
lost its claim writes nothing (ADR 0007)."""

import datetime as dt
import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from coursecerts.certificates.generation_selectors import job_summary
from coursecerts.certificates.models import (
    CertificateGenerationChunk,
    CertificateGenerationJob,
    CertificateHistory,
    GeneratedCertificate,
    JobStates,
)
from coursecerts.certificates.services.generation_jobs import (
    chunk_process,
    course_generation_recover,
    course_generation_start,
)
from coursecerts.certificates.services.generation_leases import chunk_lease_kept
from coursecerts.certificates.tasks import recover_generation_jobs
from coursecerts.learners.models import LearnerProfile
from tests.factories import CourseRunFactory, learner_in_course

LONG_AGO = dt.timedelta(minutes=5)


@pytest.fixture
def run_of_three(settings):
    """A course of three passing learners in three one-learner chunks, nothing dispatched yet."""
    settings.CERTIFICATE_GENERATION_CHUNK_SIZE = 1
    course = CourseRunFactory()
    for name in ("a1", "a2", "a3"):
        learner_in_course(course, username=name)
    job, _ = course_generation_start(course_run=course, scope="all", dispatch=False)
    return job


def claimed(chunk, *, ago=dt.timedelta(0)):
    """The chunk as a worker left it that claimed it `ago` and has written nothing (killed, or still busy)."""
    CertificateGenerationChunk.objects.filter(pk=chunk.pk).update(
        state=JobStates.RUNNING, claimed_at=timezone.now() - ago, attempts=1
    )


def moved(job, *, ago):
    """The run last moved (a chunk dispatched or finished) `ago`."""
    CertificateGenerationJob.objects.filter(pk=job.pk).update(modified=timezone.now() - ago)


@pytest.mark.django_db
class TestRecover:
    def test_it_queues_again_the_chunk_of_a_dead_worker_and_leaves_a_live_ones(self, run_of_three):
        dead, live, pending = run_of_three.chunks.order_by("index")
        claimed(dead, ago=LONG_AGO)
        claimed(live)
        assert course_generation_recover(run_of_three) == 1  # Celery is eager here: it runs at once
        dead.refresh_from_db(), live.refresh_from_db(), pending.refresh_from_db()
        assert (dead.state, dead.attempts) == (JobStates.SUCCEEDED, 2)
        assert (live.state, live.attempts) == (JobStates.RUNNING, 1)
        assert pending.state == JobStates.PENDING  # the run moves (a live claim): its message is on its way

    def test_it_queues_the_pending_chunks_of_a_run_on_which_nothing_moved_for_a_lease(self, run_of_three):
        moved(run_of_three, ago=dt.timedelta(seconds=10))
        assert (
            course_generation_recover(run_of_three) == 0
        )  # queued 10 s ago: their messages are on their way
        moved(run_of_three, ago=LONG_AGO)
        assert course_generation_recover(run_of_three) == 3  # lost messages, or no worker left
        assert job_summary(run_of_three)["state"] == "succeeded"
        assert CertificateHistory.objects.count() == 3

    def test_the_periodic_task_completes_a_run_whose_worker_died(self, run_of_three):
        first, second, third = run_of_three.chunks.order_by("index")
        chunk_process(chunk_id=first.pk)
        chunk_process(chunk_id=third.pk)
        claimed(second, ago=LONG_AGO)
        assert recover_generation_jobs.delay().get() == 1
        assert job_summary(run_of_three)["state"] == "succeeded"
        assert GeneratedCertificate.objects.count() == 3 and CertificateHistory.objects.count() == 3

    def test_a_failed_chunk_is_left_to_its_retries_and_a_new_start(self, run_of_three):
        CertificateGenerationChunk.objects.filter(pk=run_of_three.chunks.first().pk).update(
            state=JobStates.FAILED, claimed_at=timezone.now() - LONG_AGO
        )
        moved(run_of_three, ago=LONG_AGO)
        assert course_generation_recover(run_of_three) == 2  # the two pending ones


@pytest.mark.django_db(transaction=True)
def test_a_heartbeat_renews_the_lease_of_a_chunk_being_written(run_of_three, settings):
    settings.CERTIFICATE_GENERATION_LEASE_SECONDS = 1  # a heartbeat every 0.25 s
    chunk = run_of_three.chunks.first()
    claimed(chunk)
    with chunk_lease_kept(chunk_id=chunk.pk, attempt=1):
        time.sleep(2.5)  # two and a half leases
        assert chunk_process(chunk_id=chunk.pk) is None  # nobody may take it over
        assert course_generation_recover(run_of_three) == 0
    chunk.refresh_from_db()
    assert timezone.now() - chunk.claimed_at < dt.timedelta(seconds=1)
    assert chunk.attempts == 1
    time.sleep(1.2)  # the heartbeats stopped with the work: the lease now runs out
    assert chunk_process(chunk_id=chunk.pk) is not None


def in_thread(target):
    """Run target in a thread with its own connection; returns the thread and a list for its result or error."""
    outcome = []

    def body():
        try:
            outcome.append(target())
        except Exception as exc:  # asserted by the test
            outcome.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=body)
    thread.start()
    return thread, outcome


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_a_slow_chunk_keeps_its_lease_and_is_written_once(settings):
    """A chunk waits on a learner's row (a retirement holds it) for longer than its lease: its heartbeats keep
    the lease, so no other worker takes it over, and every certificate is written once."""
    settings.CERTIFICATE_GENERATION_LEASE_SECONDS = 1
    course = CourseRunFactory()
    users = [learner_in_course(course, username=f"s{i}") for i in range(3)]
    job, _ = course_generation_start(course_run=course, scope="all", dispatch=False)
    chunk = job.chunks.get()
    holding, release = threading.Event(), threading.Event()

    def retirement_holds_a_profile():
        with transaction.atomic():
            list(LearnerProfile.objects.select_for_update().filter(user=users[1]))
            holding.set()
            release.wait(20)

    holder, _ = in_thread(retirement_holds_a_profile)
    assert holding.wait(10)
    worker, written = in_thread(lambda: chunk_process(chunk_id=chunk.pk))
    time.sleep(3)  # three leases
    assert chunk_process(chunk_id=chunk.pk) is None  # another worker's message finds it claimed
    assert course_generation_recover(job) == 0
    release.set()
    holder.join(20), worker.join(20)
    assert written and isinstance(written[0], dict)
    chunk.refresh_from_db()
    assert (chunk.state, chunk.attempts) == (JobStates.SUCCEEDED, 1)
    assert (job_summary(job)["state"], job_summary(job)["done"]) == ("succeeded", 3)
    assert CertificateHistory.objects.filter(certificate__course=course).count() == 3


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_a_worker_whose_chunk_was_taken_over_writes_nothing(settings, monkeypatch):
    """A worker so stalled that its lease ran out (its heartbeats late by a whole lease) finds, when it marks
    its chunk done, that another claim holds it: it rolls back, and the chunk is written once, by the other."""
    from coursecerts.certificates import selectors

    course = CourseRunFactory()
    for i in range(2):
        learner_in_course(course, username=f"t{i}")
    job, _ = course_generation_start(course_run=course, scope="all", dispatch=False)
    chunk = job.chunks.get()
    original = selectors.course_learner_facts

    def taken_over_meanwhile(**kwargs):
        taker, _ = in_thread(
            lambda: CertificateGenerationChunk.objects.filter(pk=chunk.pk).update(
                claimed_at=timezone.now(), attempts=2
            )
        )
        taker.join(10)
        return original(**kwargs)

    monkeypatch.setattr(selectors, "course_learner_facts", taken_over_meanwhile)
    assert chunk_process(chunk_id=chunk.pk) is None
    chunk.refresh_from_db()
    assert (chunk.state, chunk.attempts) == (JobStates.RUNNING, 2)  # the other worker's claim, untouched
    assert not GeneratedCertificate.objects.filter(course=course).exists()
    assert job_summary(job)["done"] == 0
