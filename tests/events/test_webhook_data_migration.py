"""events 0004: outgoing events stop storing the webhook data beside the Open edX event data. An event written
before it (with its webhook data stored) is sent after it with the same webhook data, built from the rest of the
row; unapplying the migration writes the webhook data back."""

import uuid
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from coursecerts.events.models import OutgoingEvent
from coursecerts.events.webhooks.payload import webhook_data

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("events", "0003_outgoing_event_no_course_index")]
AFTER = [("events", "0004_outgoing_event_webhook_data_built")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def _every_migration_applied_after():
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def stored_before(verify_uuid: str) -> dict:
    """The webhook data as the certificate services stored it before 0004."""
    return {
        "username": "ada",
        "course_key": "course-v1:edX+Physics+2026",
        "mode": "verified",
        "status": "downloadable",
        "previous_status": "notpassing",
        "grade": "0.85",
        "name": "Ada Lovelace",
        "verify_uuid": verify_uuid,
        "certificate_url": f"{settings.SITE_URL}/certificates/{verify_uuid}",
    }


def test_an_event_written_before_sends_the_webhook_data_it_stored_and_going_back_restores_it():
    apps = migrate(BEFORE)
    Event = apps.get_model("events", "OutgoingEvent")
    verify_uuid = uuid.uuid4().hex
    data = {
        "certificate": {
            "user": {
                "id": 7,
                "is_active": True,
                "pii": {"username": "ada", "email": "a@x.org", "name": "Ada"},
            },
            "course": {
                "course_key": "course-v1:edX+Physics+2026",
                "display_name": "P",
                "start": None,
                "end": None,
            },
            "mode": "verified",
            "grade": "0.85",
            "download_url": "",
            "name": "Ada Lovelace",
            "current_status": "downloadable",
            "previous_status": "notpassing",
        }
    }
    row = Event.objects.create(
        event_type="org.openedx.learning.certificate.created.v1", time=datetime(2026, 11, 2, tzinfo=UTC),
        course_key="course-v1:edX+Physics+2026", user_id=7, data=data, webhook_data=stored_before(verify_uuid),
    )  # fmt: skip

    migrate(AFTER)
    event = OutgoingEvent.objects.get(pk=row.pk)
    assert event.verify_uuid == verify_uuid
    assert webhook_data(event) == stored_before(verify_uuid)

    apps = migrate(BEFORE)
    assert apps.get_model("events", "OutgoingEvent").objects.get(pk=row.pk).webhook_data == stored_before(
        verify_uuid
    )
