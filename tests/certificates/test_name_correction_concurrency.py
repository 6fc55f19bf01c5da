"""Name corrections at the same moment (ADR 0024): two requests for one certificate leave one pending, and two
decisions on one request leave one decision and one reissue. Both threads start together at a barrier; the
certificate's (or the request's) row lock makes the second wait and then see the first's work. Needs a server
database with real concurrent writers (PostgreSQL, MariaDB); SQLite serialises writers."""

import threading

import pytest
from django.db import connection

from coursecerts.certificates.models import CertificateHistory, NameCorrectionRequest
from coursecerts.certificates.services import certificate_generate
from coursecerts.certificates.services.name_correction import (
    NameCorrectionError,
    name_correction_approve,
    name_correction_refuse,
    name_correction_request,
)
from tests.factories import CourseRunFactory, UserFactory

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def together(*targets):
    barrier = threading.Barrier(len(targets), timeout=10)
    results, errors = [], []

    def worker(target):
        try:
            barrier.wait()
            results.append(target())
        except Exception as exc:  # collected and asserted by the caller
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results, errors


@pytest.fixture
def certificate():
    user = UserFactory(username="gus")
    return certificate_generate(
        user=user, course_run=CourseRunFactory(), mode="verified", grade="0.9", source="test"
    )


def test_two_requests_at_once_leave_one_pending(certificate):
    def ask(name):
        return lambda: (
            name_correction_request(
                certificate=certificate, requested_name=name, channel="api", requested_by=None
            ).pk
        )

    results, errors = together(ask("Gus One"), ask("Gus Two"))
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], NameCorrectionError)
    assert errors[0].extra["code"] == "name_correction_pending"
    assert NameCorrectionRequest.objects.filter(status="pending").count() == 1


def test_two_decisions_at_once_leave_one(certificate):
    staff = UserFactory(username="root", is_staff=True)
    correction = name_correction_request(
        certificate=certificate, requested_name="Gus Fixed", channel="api", requested_by=None
    )
    results, errors = together(
        lambda: name_correction_approve(correction=correction, actor=staff, note="yes").status,
        lambda: name_correction_refuse(correction=correction, actor=staff, note="no").status,
    )
    assert len(results) == 1 and len(errors) == 1
    assert errors[0].extra["code"] == "name_correction_decided"
    correction.refresh_from_db()
    assert correction.status == results[0]
    reissues = CertificateHistory.objects.filter(certificate=certificate, source="name_correction").count()
    assert reissues == (1 if results[0] == "approved" else 0)
