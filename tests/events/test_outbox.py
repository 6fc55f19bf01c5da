"""The outbox (ADR 0013): the generation an import owes is an entry committed with the import, and the drain runs
each entry once, keeps a failed one with its error and retries it."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from coursecerts.certificates.models import CertificateHistory, GeneratedCertificate
from coursecerts.events.models import OutboxEntry
from coursecerts.events.services import outbox_drain, outbox_purge
from coursecerts.events.tasks import drain_outbox
from tests.events.conftest import roster

pytestmark = pytest.mark.django_db


def issued(course) -> tuple[int, int]:
    """(downloadable certificates, history rows) of the run."""
    return (
        GeneratedCertificate.objects.filter(course=course, status="downloadable").count(),
        CertificateHistory.objects.filter(certificate__course=course).count(),
    )


def test_an_import_owes_one_entry_and_a_drain_issues_its_certificates_once(course, import_file):
    result = import_file(course, roster(4))
    assert result.generation_queued == 4
    assert issued(course) == (0, 0)  # the process "died" after the commit
    entry = OutboxEntry.objects.get()
    assert (entry.kind, entry.course_id, entry.attempts, entry.done_at) == (
        "certificates.generate",
        course.id,
        0,
        None,
    )

    [outcome] = outbox_drain()
    assert outcome.ok
    assert outcome.result["outcomes"] == {"downloadable": 4}
    assert issued(course) == (4, 4)
    entry.refresh_from_db()
    assert (entry.attempts, entry.claimed_at, entry.done_at is not None) == (1, None, True)
    assert outbox_drain() == []  # done entries are not run again
    assert issued(course) == (4, 4)


def test_a_failing_entry_is_kept_with_its_error_and_retried_later(course, import_file, failing_reads):
    import_file(course, roster(3))
    failing_reads["times"] = 1
    [failed] = outbox_drain()
    assert not failed.ok
    entry = OutboxEntry.objects.get()
    assert (entry.attempts, entry.done_at, entry.claimed_at) == (1, None, None)
    assert entry.last_error == "RuntimeError: database went away"
    assert entry.available_at > timezone.now()  # it waits before its retry
    assert outbox_drain() == []
    assert issued(course) == (0, 0)

    with time_machine.travel(timezone.now() + dt.timedelta(seconds=31)):
        [retried] = outbox_drain()
    assert retried.ok
    entry.refresh_from_db()
    assert (entry.attempts, entry.done_at is not None) == (2, True)
    assert issued(course) == (3, 3)


def test_failures_wait_longer_each_time(course, import_file, failing_reads):
    import_file(course, roster(1))
    failing_reads["times"] = 3
    waits = []
    for _ in range(3):
        outbox_drain(include_waiting=True)
        entry = OutboxEntry.objects.get()
        waits.append(round((entry.available_at - timezone.now()).total_seconds() / 30))
    assert waits == [1, 2, 4]


def test_an_entry_held_by_a_live_drainer_is_left_to_it_and_taken_over_when_its_lease_runs_out(
    course, import_file, settings
):
    settings.OUTBOX_LEASE_SECONDS = 60
    import_file(course, roster(2))
    OutboxEntry.objects.update(claimed_at=timezone.now(), attempts=1)  # a drainer took it, then died
    assert outbox_drain() == []
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61)):
        [outcome] = outbox_drain()
    assert outcome.ok
    assert OutboxEntry.objects.get().attempts == 2
    assert issued(course) == (2, 2)


def test_the_periodic_task_drains_and_purges_entries_done_long_ago(course, import_file, settings):
    settings.OUTBOX_KEEP_DAYS = 7
    import_file(course, roster(1, prefix="old"))
    assert drain_outbox.delay(purge=True).get() == {"done": 1, "failed": 0, "purged": 0}
    import_file(course, roster(1, prefix="new"))
    with time_machine.travel(timezone.now() + dt.timedelta(days=8)):
        assert drain_outbox.delay(purge=True).get() == {"done": 1, "failed": 0, "purged": 1}
        assert outbox_purge() == 0  # the entry done just now is kept
    assert OutboxEntry.objects.count() == 1


def test_a_grade_that_becomes_passing_owes_its_learner_an_entry_too(course):
    """The per-learner triggers record through the same outbox: the grade is committed with the entry."""
    from coursecerts.grades.services import course_grade_update
    from tests.factories import EnrollmentFactory, UserFactory

    user = UserFactory()
    EnrollmentFactory(user=user, course=course, mode="verified")
    course_grade_update(user=user, course_run=course, percent_grade=0.9, passed=True)
    entry = OutboxEntry.objects.get()
    assert entry.payload == {"sources": {"grade_passed": [user.pk]}}
    assert issued(course) == (0, 0)  # the process "died" after the commit
    [outcome] = outbox_drain()
    assert outcome.result["outcomes"] == {"downloadable": 1}
    assert CertificateHistory.objects.get(certificate__user=user).source == "grade_passed"
