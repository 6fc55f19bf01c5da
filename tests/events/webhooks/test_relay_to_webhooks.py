"""End to end: a certificate is issued, `coursecerts relay_events --once` runs, and the receiver gets a signed
message with the certificate's data; a receiver that is down gets it on a later run, with the same id."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from coursecerts.certificates.services import certificate_generation_attempt
from coursecerts.events.models import OutgoingEvent
from coursecerts.events.webhooks.models import MessageStates, WebhookMessage
from coursecerts.events.webhooks.services import webhook_endpoint_create
from tests.events.webhooks.conftest import verified
from tests.factories import CertificateConfigurationFactory, learner_in_course

pytestmark = pytest.mark.django_db


def relay() -> str:
    out = StringIO()
    call_command("relay_events", "--once", "--sink", "webhooks", stdout=out)
    return out.getvalue()


def test_an_issued_certificate_reaches_the_endpoint_signed(course, receiver):
    endpoint = webhook_endpoint_create(url=receiver.url)
    CertificateConfigurationFactory(course=course)
    user = learner_in_course(course, username="alice")
    certificate_generation_attempt(user=user, course_run=course, source="grade_passed")
    certificate = user.certificates.get()
    assert "webhooks: 1 events handed over, 1 deliveries" in relay()
    [got] = receiver.received
    message = verified(got, endpoint.secret)
    event = OutgoingEvent.objects.get()
    assert got.headers["webhook-id"] == str(event.event_id)
    assert message["type"] == "org.openedx.learning.certificate.created.v1"
    data = message["data"]
    assert (data["username"], data["course_key"], data["status"]) == ("alice", str(course.id), "downloadable")
    assert (data["mode"], data["verify_uuid"]) == (certificate.mode, certificate.verify_uuid)
    assert data["certificate_url"].endswith(certificate.verify_uuid)
    assert relay().strip() == "webhooks: 0 events handed over, 0 deliveries"
    assert len(receiver.received) == 1


def test_a_receiver_down_at_the_first_run_gets_the_event_on_a_later_run(course, receiver):
    endpoint = webhook_endpoint_create(url=receiver.url)
    receiver.answer(503)
    CertificateConfigurationFactory(course=course)
    user = learner_in_course(course, username="bob")
    certificate_generation_attempt(user=user, course_run=course, source="grade_passed")
    relay()
    assert WebhookMessage.objects.get().state == MessageStates.PENDING
    WebhookMessage.objects.update(next_attempt_at=WebhookMessage.objects.get().created)
    assert "1 deliveries" in relay()
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert verified(second, endpoint.secret)["data"]["username"] == "bob"
    assert WebhookMessage.objects.get().state == MessageStates.SENT
