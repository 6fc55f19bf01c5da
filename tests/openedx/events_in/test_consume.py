"""Events in (ADR 0021): Open edX events produced with openedx-events' data classes and edx-event-bus-redis's own
producer onto a real Redis, consumed by `coursecerts consume_events` (openedx-events' command, with
coursecerts' consumer), and certificates read back through the REST API."""

import uuid
from datetime import timedelta

import pytest
import redis
from django.core.management import CommandError, call_command
from django.test import override_settings
from edx_event_bus_redis.internal.config import get_full_topic
from opaque_keys.edx.keys import CourseKey, UsageKey
from openedx_events.learning import signals
from openedx_events.learning.data import (
    ExamAttemptData,
    UserData,
    UserPersonalData,
    VerificationAttemptData,
)

from coursecerts.certificates.models import GeneratedCertificate
from coursecerts.grades.models import PersistentCourseGrade
from coursecerts.openedx import event_apply
from coursecerts.openedx.models import ImportedLearner, InboxEvent, InboxStatus
from coursecerts.verify_student.models import IdVerification
from tests.openedx.events_in.bus import (
    COURSE,
    REDIS_URL,
    T0,
    TOPIC,
    _run_after_commit,
    certificate_via_api,
    consume,
    enrolled,
    graded,
    passing,
    person,
    send,
    send_record,
)  # fmt: skip

pytestmark = pytest.mark.django_db


def test_an_unknown_learner_and_course_are_created_and_certified(bus):
    enrolled()
    passing()
    consume()
    body = certificate_via_api()
    assert (body["status"], body["mode"]) == ("downloadable", "verified"), body
    learner = ImportedLearner.objects.get(source_id=7).user
    assert (learner.username, learner.email, learner.profile.name) == (
        "ada",
        "ada@example.org",
        "Ada Lovelace",
    )
    assert GeneratedCertificate.objects.get().course.display_name == "Events 101"
    assert set(InboxEvent.objects.values_list("status", flat=True)) == {InboxStatus.DONE}


def test_a_repeated_event_is_recorded_and_applied_once(bus):
    enrolled()
    event_id = passing()
    passing(event_id=event_id)  # the same event again (a producer's retry, a replay)
    consume()
    assert InboxEvent.objects.filter(event_id=event_id).count() == 1
    assert InboxEvent.objects.count() == 2
    assert GeneratedCertificate.objects.get().status == "downloadable"
    consume(group="another-group")  # the whole stream again: nothing new
    assert InboxEvent.objects.count() == 2


def test_an_older_grade_arriving_after_a_newer_one_is_skipped(bus):
    enrolled()
    passing(time=T0 + timedelta(minutes=5))
    graded(percent=0.95, time=T0 + timedelta(minutes=5))
    consume()
    late_pass, late_grade = passing(is_passing=False, time=T0), graded(percent=0.40, time=T0)
    consume()
    grade = PersistentCourseGrade.objects.get()
    assert (grade.percent_grade, grade.passed) == (0.95, True)
    assert certificate_via_api()["status"] == "downloadable"
    for event_id in (late_pass, late_grade):
        row = InboxEvent.objects.get(event_id=event_id)
        assert row.status == InboxStatus.SKIPPED
        assert row.note.startswith("older than an applied")


def test_within_one_batch_the_newest_grade_wins_whatever_the_arrival_order(bus):
    enrolled()
    passing(is_passing=True, time=T0 + timedelta(minutes=2))
    passing(is_passing=False, time=T0 + timedelta(minutes=1))
    consume()
    assert PersistentCourseGrade.objects.get().passed is True
    assert GeneratedCertificate.objects.get().status == "downloadable"


def test_a_newer_failing_status_revokes_the_certificate(bus):
    enrolled()
    passing(time=T0)
    consume()
    passing(is_passing=False, time=T0 + timedelta(hours=1))
    consume()
    assert certificate_via_api()["status"] == "notpassing"


def test_a_grade_for_a_learner_not_known_yet_fails_then_applies_once_the_learner_arrives(bus):
    graded(lms_id=8, percent=0.8)
    consume()
    row = InboxEvent.objects.get()
    assert row.status == InboxStatus.FAILED
    assert "LMS user 8 is not known" in row.last_error
    enrolled(person(8, "grace", "Grace Hopper"))
    passing(person(8, "grace", "Grace Hopper"))
    consume()  # the learner arrives: the grade that waited for them is due at once, not at its retry time
    assert InboxEvent.objects.get(pk=row.pk).status == InboxStatus.DONE
    grade = PersistentCourseGrade.objects.get()
    assert (grade.percent_grade, grade.passed, grade.user.username) == (0.8, True, "grace")


def test_a_receiver_failure_is_kept_with_its_error_and_retried(bus, monkeypatch):
    """The stock consumer acknowledges a message whose receivers failed: here the inbox keeps it."""
    original = event_apply.course_grades_bulk_update

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(event_apply, "course_grades_bulk_update", broken)
    enrolled()
    passing()
    consume()
    assert GeneratedCertificate.objects.count() == 0
    assert set(InboxEvent.objects.values_list("status", "last_error")) == {
        (InboxStatus.FAILED, "RuntimeError: database went away")
    }
    assert redis.Redis.from_url(REDIS_URL).xpending(get_full_topic(TOPIC), "coursecerts")["pending"] == 0
    monkeypatch.setattr(event_apply, "course_grades_bulk_update", original)
    with _run_after_commit[0](execute=True):
        call_command("inbox_events", "retry")
    assert set(InboxEvent.objects.values_list("status", flat=True)) == {InboxStatus.DONE}
    assert certificate_via_api()["status"] == "downloadable"


def test_a_failure_in_a_batch_leaves_the_other_events_applied(bus):
    enrolled(person(1, "one"))
    passing(person(1, "one"))
    enrolled(person(2, "two"))
    # Not refused by the schema, but by the database: a second learner with the first one's username.
    passing(UserData(id=3, is_active=True, pii=UserPersonalData(username="one", email="x@example.org")))
    consume()
    statuses = dict(InboxEvent.objects.values_list("user_key", "status").filter(kind="passing"))
    assert statuses[1] == InboxStatus.DONE
    assert GeneratedCertificate.objects.get().user.username == "one"


def test_malformed_messages_are_recorded_with_a_clear_error_and_nothing_written(bus):
    stream = get_full_topic(TOPIC)
    bus.xadd(stream, {"type": signals.COURSE_PASSING_STATUS_UPDATED.event_type, "id": str(uuid.uuid4())})
    bus.xadd(stream, {"garbage": "yes"})
    enrolled(mode="gold")  # not a course mode
    record = {
        "enrollment": {
            "user": {"id": 7, "is_active": True, "pii": {"username": "ada", "email": "a@example.org", "name": ""}},
            "course": {"course_key": "course-v1:Org+Course", "display_name": "", "start": None, "end": None},
            "mode": "verified", "is_active": True, "creation_date": T0.isoformat(), "created_by": None,
        }
    }  # fmt: skip
    send_record(signals.COURSE_ENROLLMENT_CREATED, record)  # a course key the LMS would never send
    consume()
    rows = list(InboxEvent.objects.order_by("id"))
    assert [row.status for row in rows] == [InboxStatus.FAILED] * 4
    assert all(row.available_at is None for row in rows)  # not retried automatically: the event itself is bad
    assert rows[0].last_error.startswith("the message cannot be read")
    assert rows[1].event_type == "unknown"
    assert "enrollment.mode: 'gold' is not a course mode" in rows[2].last_error
    assert "InvalidKeyError" in rows[3].last_error and "course-v1:Org+Course" in rows[3].last_error
    assert (
        rows[3].data["enrollment"]["course"]["course_key"] == "course-v1:Org+Course"
    )  # kept for the operator
    assert not GeneratedCertificate.objects.exists()
    assert not ImportedLearner.objects.exists()
    assert bus.xpending(stream, "coursecerts")["pending"] == 0


def test_an_exam_rejection_invalidates_the_certificate(bus):
    enrolled()
    passing()
    consume()
    send(signals.EXAM_ATTEMPT_REJECTED, exam_attempt=ExamAttemptData(
        student_user=person(), course_key=CourseKey.from_string(COURSE),
        usage_key=UsageKey.from_string("block-v1:OpenedX+Events+2026+type@sequential+block@final"),
        exam_type="proctored",
    ))  # fmt: skip
    consume()
    assert certificate_via_api()["status"] == "unavailable"


def test_an_idv_approval_is_recorded_and_a_later_denial_does_not_undo_it(bus):
    send(signals.IDV_ATTEMPT_APPROVED, idv_attempt=VerificationAttemptData(
        attempt_id=1, user=person(), status="approved", expiration_date=T0 + timedelta(days=3650),
    ))  # fmt: skip
    send(signals.IDV_ATTEMPT_DENIED, time=T0 + timedelta(days=1), idv_attempt=VerificationAttemptData(
        attempt_id=2, user=person(), status="denied",
    ))  # fmt: skip
    consume()
    assert IdVerification.objects.get().status == "approved"


def test_unenrollment_keeps_the_mode_and_marks_the_enrollment_inactive(bus):
    enrolled()
    enrolled(active=False, time=T0 + timedelta(minutes=1), signal=signals.COURSE_UNENROLLMENT_COMPLETED)
    consume()
    from coursecerts.enrollments.models import CourseEnrollment

    assert CourseEnrollment.objects.values_list("mode", "is_active").get() == ("verified", False)


def test_consume_events_exits_non_zero_without_a_usable_consumer(bus):
    with (
        override_settings(EVENT_BUS_REDIS_CONNECTION_URL=None),
        pytest.raises(CommandError, match="No consumer"),
    ):
        consume()
    with pytest.raises(CommandError, match="--extra must be a JSON object"):
        call_command("consume_events", "-t", TOPIC, "-g", "g", "--extra", "[1]")


def test_the_stock_redis_consumer_works_too_one_event_at_a_time(bus):
    """EVENT_BUS_CONSUMER=edx_event_bus_redis.RedisEventConsumer: the receivers record and apply each event."""
    from edx_event_bus_redis.internal.consumer import RedisEventConsumer
    from edx_event_bus_redis.internal.message import RedisMessage

    enrolled()
    passing()
    consumer = RedisEventConsumer(TOPIC, "stock", "test", check_backlog=True)
    with _run_after_commit[0](execute=True):
        for message in consumer.consumer.read(count=10):
            consumer.emit_signals_from_message(RedisMessage.parse(message, topic=consumer.full_topic))
    assert set(InboxEvent.objects.values_list("status", flat=True)) == {InboxStatus.DONE}
    assert certificate_via_api()["status"] == "downloadable"


def test_a_consumer_that_dies_before_acknowledging_reads_its_messages_again_and_records_them_once(
    bus, monkeypatch
):
    from walrus.containers import ConsumerGroupStream

    enrolled()
    passing()

    def lost(self, *ids):
        raise redis.ConnectionError("Redis went away before the acknowledgement")

    monkeypatch.setattr(ConsumerGroupStream, "ack", lost)
    with pytest.raises(CommandError, match="went away before the acknowledgement"):
        consume()
    assert InboxEvent.objects.count() == 2  # recorded before the acknowledgement was attempted
    monkeypatch.undo()
    stream = get_full_topic(TOPIC)
    assert bus.xpending(stream, "coursecerts")["pending"] == 2
    consume()  # the same consumer name: its pending messages first
    assert bus.xpending(stream, "coursecerts")["pending"] == 0
    assert InboxEvent.objects.count() == 2
    assert certificate_via_api()["status"] == "downloadable"


def test_sigterm_stops_the_consumer_after_the_batch_in_hand(bus):
    """No exit_when_idle: the consumer runs until SIGTERM, then records, acknowledges and applies what it read."""
    import os
    import signal
    import threading
    import time

    enrolled()
    passing()
    before = signal.getsignal(signal.SIGTERM)

    def stop_once_the_consumer_listens():  # never kill the test run itself
        for _ in range(200):
            if signal.getsignal(signal.SIGTERM) is not before:
                time.sleep(0.5)  # it reads and records meanwhile
                os.kill(os.getpid(), signal.SIGTERM)
                return
            time.sleep(0.05)

    stopper = threading.Thread(target=stop_once_the_consumer_listens, daemon=True)
    stopper.start()
    consume(exit_when_idle=None)
    stopper.join()
    assert signal.getsignal(signal.SIGTERM) is before  # put back as it was
    assert set(InboxEvent.objects.values_list("status", flat=True)) == {InboxStatus.DONE}
    assert bus.xpending(get_full_topic(TOPIC), "coursecerts")["pending"] == 0


def test_a_signal_receiver_that_raises_leaves_the_event_failed_with_its_error_until_retried(bus):
    """Another receiver of the same openedx-events signal raises: the stock consumer would acknowledge the
    message and lose it; here the event is recorded as failed, with the receiver's error, and a retry applies it."""

    def broken(sender, **kwargs):
        raise ValueError("a receiver of this deployment failed")

    enrolled()
    event_id = passing()
    signals.COURSE_PASSING_STATUS_UPDATED.connect(broken)
    try:
        consume()
    finally:
        signals.COURSE_PASSING_STATUS_UPDATED.disconnect(broken)
    row = InboxEvent.objects.get(event_id=event_id)
    assert row.status == InboxStatus.FAILED
    assert row.last_error.startswith("a receiver of the event failed: ValueError(")
    assert "a receiver of this deployment failed" in row.last_error
    assert row.data["course_passing_status"]["is_passing"] is True  # kept, to be applied later
    assert not GeneratedCertificate.objects.exists()
    with _run_after_commit[0](execute=True):
        call_command("inbox_events", "retry", "--id", str(row.pk))
    assert certificate_via_api()["status"] == "downloadable"
