"""Micro-batches (issue 20): a stream of one-learner entries (each grade that becomes passing owes its learner a
generation) is drained a batch at a time, decided set-based, with what one-by-one draining writes; a batch that
fails is run entry by entry so that only the failing entries keep an error."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coursecerts.certificates.models import CertificateHistory, GeneratedCertificate
from coursecerts.certificates.services import bulk_generation
from coursecerts.events.models import OutboxEntry
from coursecerts.events.services import outbox_drain
from coursecerts.grades.services import course_grade_update
from tests.factories import CourseRunFactory, EnrollmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def grade_events(course, count: int) -> list:
    """`count` learners whose grade becomes passing, one event (and one outbox entry) each. The drains their
    commits would kick do not run here (a test's transaction never commits): the entries wait, as they do for a
    busy worker."""
    users = []
    for _ in range(count):
        user = UserFactory()
        EnrollmentFactory(user=user, course=course, mode="verified")
        course_grade_update(user=user, course_run=course, percent_grade=0.9, passed=True)
        users.append(user)
    return users


def test_waiting_grade_events_are_drained_in_one_batch_with_what_one_by_one_writes(course):
    users = grade_events(course, 12)
    assert OutboxEntry.objects.count() == 12
    outcomes = outbox_drain()
    assert [o.ok for o in outcomes] == [True] * 12
    assert {o.result["entries"] for o in outcomes} == {12}
    assert outcomes[0].result["outcomes"] == {"downloadable": 12}
    assert not OutboxEntry.objects.filter(done_at__isnull=True).exists()
    assert set(OutboxEntry.objects.values_list("attempts", flat=True)) == {1}
    written = GeneratedCertificate.objects.filter(course=course, status="downloadable")
    assert sorted(written.values_list("user_id", flat=True)) == sorted(u.pk for u in users)
    assert set(CertificateHistory.objects.values_list("source", flat=True)) == {"grade_passed"}
    assert outbox_drain() == []  # nothing runs twice


def test_a_batch_costs_a_fixed_number_of_queries_not_some_per_learner(course):
    grade_events(course, 3)
    with CaptureQueriesContext(connection) as few:
        outbox_drain()
    grade_events(course, 40)
    with CaptureQueriesContext(connection) as many:
        outbox_drain()
    assert len(many) <= len(few) + 3


def test_a_failing_batch_is_run_entry_by_entry_and_only_the_bad_entry_keeps_its_error(course, monkeypatch):
    users = grade_events(course, 5)
    bad = users[2].pk
    real = bulk_generation.learners_generate

    def failing(*, user_ids, **kwargs):
        if bad in user_ids:
            raise RuntimeError(f"learner {bad} cannot be decided")
        return real(user_ids=user_ids, **kwargs)

    monkeypatch.setattr(bulk_generation, "learners_generate", failing)
    outcomes = outbox_drain()
    assert sorted(o.ok for o in outcomes) == [False, True, True, True, True]
    [failed] = OutboxEntry.objects.filter(done_at__isnull=True)
    assert failed.payload == {"sources": {"grade_passed": [bad]}}
    assert failed.last_error == f"RuntimeError: learner {bad} cannot be decided"
    assert failed.available_at > timezone.now()  # retried later, alone
    written = GeneratedCertificate.objects.filter(course=course).values_list("user_id", flat=True)
    assert sorted(written) == sorted(u.pk for u in users if u.pk != bad)


def test_entries_of_another_run_or_held_by_another_drainer_stay_out_of_the_batch(course):
    other = CourseRunFactory()
    grade_events(course, 3)
    grade_events(other, 2)
    held = OutboxEntry.objects.filter(course=course).order_by("pk").last()
    OutboxEntry.objects.filter(pk=held.pk).update(claimed_at=timezone.now(), attempts=1)  # a live drainer's
    outcomes = outbox_drain()
    by_run = {(o.entry.course_id, o.result["entries"]) for o in outcomes}
    assert by_run == {(course.pk, 2), (other.pk, 2)}
    assert OutboxEntry.objects.get(pk=held.pk).done_at is None
