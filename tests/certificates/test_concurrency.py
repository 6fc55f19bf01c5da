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


def run_together(target, count=2):
    barrier = threading.Barrier(count, timeout=10)
    original = selectors.certificate_get_for_update
    results, errors = [], []

    def held(**kwargs):
        found = original(**kwargs)
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
        lambda: certificate_generation_attempt(user=user, course_run=course, source="race").outcome
    )
    assert errors == []
    assert results == ["downloadable", "downloadable"]
    cert = GeneratedCertificate.objects.get(user=user, course=course)
    assert CertificateHistory.objects.filter(certificate=cert, status_after="downloadable").count() == 1
