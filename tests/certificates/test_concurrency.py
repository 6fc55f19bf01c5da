"""Two generations of the same learner at the same moment leave exactly one certificate.

Both threads are held at a barrier right after reading "no certificate yet", so both go on to insert: the
database's unique constraint makes one wait and fail, and the service then updates the winner's row.
Needs a server database with real concurrent writers (PostgreSQL, MariaDB); SQLite serialises writers."""

import threading
from unittest import mock

import pytest
from django.db import connection

from coursecerts.certificates import selectors
from coursecerts.certificates.models import CertificateHistory, GeneratedCertificate
from coursecerts.certificates.services import certificate_generate, certificate_generation_attempt
from tests.factories import CourseRunFactory, learner_in_course

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def run_together(target, count=2, held_reads=1):
    """Run target in `count` threads, each held after its first `held_reads` reads of the certificate: those of
    its first attempt. A loser of the insert race runs again (coursecerts.common.upsert), unheld."""
    barrier = threading.Barrier(count, timeout=10)
    original = selectors.certificate_get_for_update
    results, errors = [], []
    reads = threading.local()

    def held(**kwargs):
        found = original(**kwargs)
        reads.count = getattr(reads, "count", 0) + 1
        if reads.count <= held_reads:
            barrier.wait()
        return found

    def worker():
        try:
            results.append(target())
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    with mock.patch.object(selectors, "certificate_get_for_update", side_effect=held):
        threads = [threading.Thread(target=worker) for _ in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    return results, errors


def test_two_concurrent_generations_leave_one_certificate():
    course = CourseRunFactory()
    user = learner_in_course(course)
    results, errors = run_together(
        lambda: (
            certificate_generate(user=user, course_run=course, mode="verified", grade="0.9", source="race").pk
        )
    )
    assert errors == []
    assert GeneratedCertificate.objects.filter(user=user, course=course).count() == 1
    assert len(set(results)) == 1


def test_two_concurrent_attempts_leave_one_certificate_and_one_issue_record():
    course = CourseRunFactory()
    user = learner_in_course(course)
    results, errors = run_together(
        lambda: certificate_generation_attempt(user=user, course_run=course, source="race").outcome,
        held_reads=2,  # the attempt's read and certificate_generate's
    )
    assert errors == []
    assert results == ["downloadable", "downloadable"]
    cert = GeneratedCertificate.objects.get(user=user, course=course)
    assert CertificateHistory.objects.filter(certificate=cert, status_after="downloadable").count() == 1


def test_six_concurrent_attempts_leave_one_certificate():
    """Six at once: on MariaDB each loser of the insert race holds a shared lock on the winner's row, and two
    of them locking it deadlocked (a 500); now each loser runs again and finds the row."""
    course = CourseRunFactory()
    for _ in range(3):
        user = learner_in_course(course)
        results, errors = run_together(
            lambda user=user: (
                certificate_generation_attempt(user=user, course_run=course, source="race").outcome
            ),
            count=6,
            held_reads=2,
        )
        assert errors == []
        assert results == ["downloadable"] * 6
        cert = GeneratedCertificate.objects.get(user=user, course=course)
        assert CertificateHistory.objects.filter(certificate=cert, status_after="downloadable").count() == 1


def test_a_retirement_during_a_course_wide_chunk_never_brings_the_name_back():
    """The chunk reads a learner's name and, before it commits, a retirement starts: the retirement waits for
    the chunk (both lock the learner's profile first), then blanks the name the chunk wrote."""
    import time

    from coursecerts.certificates.services import bulk_generation
    from coursecerts.certificates.services.generation_jobs import chunk_process, course_generation_start
    from coursecerts.certificates.services.retirement import learner_retire

    course = CourseRunFactory()
    user = learner_in_course(course)
    job, _ = course_generation_start(course_run=course, scope="all", dispatch=False)
    chunk_id = job.chunks.get().pk
    names_read, release = threading.Event(), threading.Event()
    original = bulk_generation.decide_and_write
    errors = []

    def paused(**kwargs):
        names_read.set()
        release.wait(timeout=20)
        return original(**kwargs)

    def generate():
        try:
            chunk_process(chunk_id=chunk_id)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    def retire():
        try:
            learner_retire(user=user, source="test")
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    with mock.patch.object(bulk_generation, "decide_and_write", side_effect=paused):
        generator = threading.Thread(target=generate)
        generator.start()
        assert names_read.wait(timeout=20)
        retirer = threading.Thread(target=retire)
        retirer.start()
        time.sleep(0.5)  # the retirement is now waiting for the chunk's locks
        release.set()
        generator.join(timeout=30)
        retirer.join(timeout=30)
    assert errors == []
    certificate = GeneratedCertificate.objects.get(user=user, course=course)
    assert certificate.name == ""
    assert not CertificateHistory.objects.filter(certificate=certificate).exclude(name_after="").exists()
