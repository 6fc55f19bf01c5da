"""/api/v1/webhooks: global staff register endpoints (the secret is shown once), read, change, disable, delete
them, rotate the secret, read the attempt log and redeliver. URLs leading to private addresses are refused with
a 400 naming the URL unless WEBHOOKS_ALLOW_PRIVATE_ADDRESSES."""

from __future__ import annotations

import base64

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from coursecerts.events.webhooks.delivery import WebhookSink
from coursecerts.events.webhooks.models import MessageStates, WebhookEndpoint, WebhookMessage
from tests.api.conftest import client_for
from tests.events.webhooks.conftest import outgoing_event, verified
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
CREATED = "org.openedx.learning.certificate.created.v1"
REVOKED = "org.openedx.learning.certificate.revoked.v1"


@pytest.fixture
def api(staff):
    return client_for(staff)


def register(api, url, **body):
    return api.post("/api/v1/webhooks", {"url": url, **body}, format="json")


def test_staff_register_an_endpoint_and_get_its_secret_once(api, receiver):
    response = register(api, receiver.url, event_types=[REVOKED])
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["url"] == receiver.url
    assert body["event_types"] == [REVOKED]
    assert body["is_active"] is True
    assert body["secret"].startswith("whsec_")
    assert len(base64.b64decode(body["secret"].removeprefix("whsec_"))) >= 24
    read = api.get(f"/api/v1/webhooks/{body['id']}").json()
    assert "secret" not in read
    assert read["id"] == body["id"]
    listed = api.get("/api/v1/webhooks").json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]
    assert "secret" not in listed["results"][0]


def test_the_secret_in_the_answer_verifies_the_messages(api, receiver):
    secret = register(api, receiver.url).json()["secret"]
    sink = WebhookSink()
    sink.enqueue([outgoing_event()])
    sink.run_due()
    assert verified(receiver.received[0], secret)["type"] == CREATED


@pytest.mark.parametrize(
    "body, field",
    [
        ({"event_types": ["org.openedx.learning.certificate.nope.v1"]}, "event_types"),
        ({"event_types": "all"}, "event_types"),
        ({"colour": "blue"}, "colour"),
        ({"url": "ftp://example.org/hooks"}, "url"),
        ({"url": "not a url"}, "url"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api, receiver, body, field):
    response = api.post("/api/v1/webhooks", {"url": receiver.url, **body}, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert WebhookEndpoint.objects.count() == 0


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hooks",
        "http://10.1.2.3/hooks",
        "http://192.168.0.10/hooks",
        "http://172.16.5.4/hooks",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]:8000/hooks",
        "http://[::ffff:127.0.0.1]/hooks",
        "http://[fe80::1]/hooks",
        "http://0.0.0.0/hooks",
        "http://224.0.0.1/hooks",
        "http://100.64.0.1/hooks",
        "https://localhost/hooks",
    ],
)
def test_a_url_leading_to_a_private_address_is_refused_naming_it(api, settings, url):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    response = register(api, url)
    assert response.status_code == 400
    body = response.json()
    assert body["error_code"] == "invalid_input"
    assert url in body["errors"]["url"][0]
    assert WebhookEndpoint.objects.count() == 0


def test_a_public_address_is_accepted_without_the_setting(api, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    assert register(api, "https://1.1.1.1/hooks").status_code == 201


def test_a_host_that_does_not_resolve_is_refused(api):
    response = register(api, "https://no-such-host.invalid/hooks")
    assert response.status_code == 400
    assert "no-such-host.invalid" in response.json()["errors"]["url"][0]


def test_changing_the_url_checks_it_again(api, receiver, settings):
    endpoint_id = register(api, receiver.url).json()["id"]
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    response = api.patch(f"/api/v1/webhooks/{endpoint_id}", {"url": "http://10.0.0.1/x"}, format="json")
    assert response.status_code == 400
    assert WebhookEndpoint.objects.get().url == receiver.url


def test_staff_change_event_types_and_disable_then_enable(api, receiver):
    endpoint_id = register(api, receiver.url).json()["id"]
    WebhookSink().enqueue([outgoing_event()])
    response = api.patch(
        f"/api/v1/webhooks/{endpoint_id}", {"event_types": [REVOKED], "is_active": False}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["event_types"], body["is_active"]) == ([REVOKED], False)
    assert body["disabled_reason"] == "Disabled by staff."
    assert WebhookMessage.objects.get().state == MessageStates.CANCELLED
    body = api.patch(f"/api/v1/webhooks/{endpoint_id}", {"is_active": True}, format="json").json()
    assert (body["is_active"], body["disabled_reason"], body["disabled_at"]) == (True, "", None)


def test_delete_removes_the_endpoint_and_its_messages(api, receiver):
    endpoint_id = register(api, receiver.url).json()["id"]
    WebhookSink().enqueue([outgoing_event()])
    assert api.delete(f"/api/v1/webhooks/{endpoint_id}").status_code == 204
    assert api.get(f"/api/v1/webhooks/{endpoint_id}").status_code == 404
    assert WebhookMessage.objects.count() == 0


def test_rotating_signs_with_both_secrets_during_the_grace_period(api, receiver):
    created = register(api, receiver.url).json()
    response = api.post(
        f"/api/v1/webhooks/{created['id']}/rotate-secret", {"grace_period_seconds": 600}, format="json"
    )
    assert response.status_code == 200
    rotated = response.json()
    assert rotated["secret"] != created["secret"]
    assert rotated["previous_secret_expires_at"] is not None
    sink = WebhookSink()
    sink.enqueue([outgoing_event()])
    sink.run_due()
    [got] = receiver.received
    assert verified(got, created["secret"]) == verified(got, rotated["secret"])


def test_the_attempt_log_shows_each_attempt(api, receiver, django_assert_max_num_queries):
    endpoint_id = register(api, receiver.url).json()["id"]
    receiver.answer(503)
    sink = WebhookSink()
    events = [outgoing_event(), outgoing_event()]
    sink.enqueue(events)
    sink.run_due()
    WebhookMessage.objects.update(next_attempt_at=timezone.now())
    sink.run_due()
    with django_assert_max_num_queries(6):
        response = api.get(f"/api/v1/webhooks/{endpoint_id}/messages")
    assert response.status_code == 200
    messages = response.json()["results"]
    assert {m["webhook_id"] for m in messages} == {str(e.event_id) for e in events}
    failed_once = next(m for m in messages if len(m["attempt_log"]) == 2)
    assert failed_once["state"] == "sent"
    assert [a["status_code"] for a in failed_once["attempt_log"]] == [204, 503]
    assert failed_once["attempt_log"][1]["error"].startswith("HTTP 503")
    assert all(a["duration_ms"] >= 0 for a in failed_once["attempt_log"])
    sent = api.get(f"/api/v1/webhooks/{endpoint_id}/messages?state=sent").json()
    assert sent["count"] == 2


def test_redeliver_one_message_sends_it_again_with_the_same_webhook_id(api, receiver):
    endpoint_id = register(api, receiver.url).json()["id"]
    sink = WebhookSink()
    event = outgoing_event()
    sink.enqueue([event])
    sink.run_due()
    message = WebhookMessage.objects.get()
    response = api.post(
        f"/api/v1/webhooks/{endpoint_id}/redeliver", {"message_id": message.pk}, format="json"
    )
    assert response.status_code == 202
    assert response.json() == {"queued": 1}
    assert sink.run_due() == 1
    first, again = receiver.received
    assert first.headers["webhook-id"] == again.headers["webhook-id"] == str(event.event_id)


def test_redeliver_since_a_time_includes_events_sent_while_disabled(api, receiver):
    endpoint_id = register(api, receiver.url).json()["id"]
    sink = WebhookSink()
    before = outgoing_event()
    sink.enqueue([before])
    sink.run_due()
    api.patch(f"/api/v1/webhooks/{endpoint_id}", {"is_active": False}, format="json")
    missed = outgoing_event(username="bob")
    sink.enqueue([missed])  # no message: the endpoint is disabled
    api.patch(f"/api/v1/webhooks/{endpoint_id}", {"is_active": True}, format="json")
    since = "2026-11-01T00:00:00Z"
    response = api.post(f"/api/v1/webhooks/{endpoint_id}/redeliver", {"since": since}, format="json")
    assert response.json() == {"queued": 2}
    assert sink.run_due() == 2
    ids = [r.headers["webhook-id"] for r in receiver.received]
    assert sorted(ids[1:]) == sorted([str(before.event_id), str(missed.event_id)])


def test_redeliver_needs_exactly_one_of_message_id_and_since(api, receiver):
    endpoint_id = register(api, receiver.url).json()["id"]
    for body in ({}, {"message_id": 1, "since": "2026-01-01T00:00:00Z"}):
        assert api.post(f"/api/v1/webhooks/{endpoint_id}/redeliver", body, format="json").status_code == 400
    response = api.post(f"/api/v1/webhooks/{endpoint_id}/redeliver", {"message_id": 999}, format="json")
    assert response.status_code == 404


def test_redelivering_to_a_disabled_endpoint_is_refused(api, receiver):
    endpoint_id = register(api, receiver.url).json()["id"]
    api.patch(f"/api/v1/webhooks/{endpoint_id}", {"is_active": False}, format="json")
    response = api.post(
        f"/api/v1/webhooks/{endpoint_id}/redeliver", {"since": "2026-01-01T00:00:00Z"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["error_code"] == "endpoint_disabled"


def test_only_global_staff_manage_webhooks(receiver):
    learner = client_for(UserFactory(username="lee"))
    assert learner.get("/api/v1/webhooks").status_code == 403
    assert register(learner, receiver.url).status_code == 403
    assert APIClient().get("/api/v1/webhooks").status_code == 401
    assert WebhookEndpoint.objects.count() == 0


def test_an_unknown_endpoint_is_a_404(api):
    response = api.get("/api/v1/webhooks/6f1c2a4e-0000-4000-8000-000000000000")
    assert response.status_code == 404
    assert response.json()["error_code"] == "webhook_not_found"
