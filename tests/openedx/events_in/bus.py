"""The LMS's side of the events-in tests: Open edX events built with openedx-events' data classes and
published with edx-event-bus-redis's own producer (or, for what no data class lets through, its message format
written as is), and `coursecerts consume_events` run in the test's process."""

import io
import json
import os
import uuid
from datetime import UTC, datetime

import fastavro
import redis
from django.core.management import call_command
from edx_event_bus_redis import create_producer
from edx_event_bus_redis.internal.config import get_full_topic
from edx_event_bus_redis.internal.message import RedisMessage
from opaque_keys.edx.keys import CourseKey
from openedx_events.data import EventsMetadata
from openedx_events.event_bus.avro.serializer import AvroSignalSerializer
from openedx_events.learning import signals
from openedx_events.learning.data import (
    CourseData,
    CourseEnrollmentData,
    CoursePassingStatusData,
    PersistentCourseGradeData,
    UserData,
    UserPersonalData,
)

from tests.api.conftest import client_for
from tests.factories import UserFactory

REDIS_URL = os.environ.get("COURSECERTS_TEST_EVENTS_IN_URL", "redis://127.0.0.1:6379/13")
TOPIC = "learning-certificate-inputs"
COURSE = "course-v1:OpenedX+Events+2026"
T0 = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def person(lms_id=7, username="ada", name="Ada Lovelace"):
    return UserData(
        id=lms_id,
        is_active=True,
        pii=UserPersonalData(username=username, email=f"{username}@example.org", name=name),
    )


def course(key=COURSE, name="Events 101"):
    return CourseData(course_key=CourseKey.from_string(key), display_name=name)


def send(signal, *, time=T0, event_id=None, **data):
    """Publish with edx-event-bus-redis's producer, as the LMS does; returns the event's id."""
    metadata = EventsMetadata(
        event_type=signal.event_type, id=event_id or uuid.uuid4(), time=time, source="openedx/lms/web"
    )
    create_producer().send(
        signal=signal, topic=TOPIC, event_key_field="", event_data=data, event_metadata=metadata
    )
    return metadata.id


def send_record(signal, record: dict):
    """XADD a message as edx-event-bus-redis writes it, from an Avro record given as is (what no data class
    would let through)."""
    schema = fastavro.parse_schema(AvroSignalSerializer(signal).schema)
    out = io.BytesIO()
    fastavro.schemaless_writer(out, schema, record)
    metadata = EventsMetadata(
        event_type=signal.event_type, id=uuid.uuid4(), time=T0, source="openedx/lms/web"
    )
    message = RedisMessage(topic=get_full_topic(TOPIC), event_data=out.getvalue(), event_metadata=metadata)
    redis.Redis.from_url(REDIS_URL).xadd(get_full_topic(TOPIC), message.to_binary_dict())


def enrolled(
    user=None, *, mode="verified", active=True, time=T0, signal=signals.COURSE_ENROLLMENT_CREATED, **kw
):
    return send(
        signal, time=time, **kw,
        enrollment=CourseEnrollmentData(
            user=user or person(), course=course(), mode=mode, is_active=active, creation_date=T0
        ),
    )  # fmt: skip


def passing(user=None, *, is_passing=True, time=T0, **kw):
    return send(
        signals.COURSE_PASSING_STATUS_UPDATED, time=time, **kw,
        course_passing_status=CoursePassingStatusData(is_passing=is_passing, course=course(), user=user or person()),
    )  # fmt: skip


def graded(lms_id=7, *, percent=0.91, time=T0, **kw):
    return send(
        signals.PERSISTENT_GRADE_SUMMARY_CHANGED, time=time, **kw,
        grade=PersistentCourseGradeData(
            user_id=lms_id, course=course(), course_edited_timestamp=T0, course_version="v1",
            grading_policy_hash="h", percent_grade=percent, letter_grade="A", passed_timestamp=T0,
        ),
    )  # fmt: skip


# The test's on-commit runner (conftest._after_commit): the test's transaction never commits.
_run_after_commit = []


def consume(group="coursecerts", **extra):
    """`coursecerts consume_events`, in this process, reading the topic from its start and stopping once idle."""
    options = {"consumer_name": "test", "check_backlog": True, "exit_when_idle": 0, **extra}
    with _run_after_commit[0](execute=True):
        call_command("consume_events", "-t", TOPIC, "-g", group, "--extra", json.dumps(options))


def certificate_via_api(username="ada"):
    """The learner's certificate in the run, as the course-team API lists it (status, mode, grade, name)."""
    staff = UserFactory(username=f"staff-{uuid.uuid4().hex[:6]}", is_staff=True, is_superuser=True)
    response = client_for(staff).get(f"/api/v1/courses/{COURSE}/certificates", {"username": username})
    assert response.status_code == 200, response.content
    (certificate,) = response.json()["results"]
    return certificate
