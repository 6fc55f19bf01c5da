"""The admin: endpoints registered through the service (URL checked, secret made), messages with their
attempts, and the redeliver / disable actions."""

from __future__ import annotations

import pytest

from coursecerts.events.webhooks.delivery import WebhookSink
from coursecerts.events.webhooks.models import MessageStates, WebhookEndpoint, WebhookMessage
from tests.events.webhooks.conftest import outgoing_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff)
    return client


def test_an_endpoint_added_in_the_admin_gets_a_secret(admin_client, receiver):
    response = admin_client.post(
        "/admin/webhooks/webhookendpoint/add/", {"url": receiver.url, "description": ""}
    )
    assert response.status_code == 302
    assert WebhookEndpoint.objects.get().secret.startswith("whsec_")


def test_the_admin_refuses_a_private_address(admin_client, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    response = admin_client.post("/admin/webhooks/webhookendpoint/add/", {"url": "http://10.0.0.7/x"})
    assert response.status_code == 200
    assert "http://10.0.0.7/x leads to a loopback, private" in response.content.decode()
    assert WebhookEndpoint.objects.count() == 0


def test_a_message_shows_its_attempts_and_can_be_redelivered(admin_client, receiver, endpoint):
    receiver.answer(500)
    sink = WebhookSink()
    sink.enqueue([outgoing_event()])
    sink.run_due()
    message = WebhookMessage.objects.get()
    page = admin_client.get(f"/admin/webhooks/webhookmessage/{message.pk}/change/").content.decode()
    assert "HTTP 500 (only a 2xx answer is success)." in page
    assert admin_client.get("/admin/webhooks/webhookmessage/").status_code == 200
    admin_client.post(
        "/admin/webhooks/webhookmessage/", {"action": "redeliver", "_selected_action": [message.pk]}
    )
    message.refresh_from_db()
    assert (message.state, message.attempts) == (MessageStates.PENDING, 0)
    assert sink.run_due() == 1


def test_the_disable_action_cancels_pending_messages(admin_client, receiver, endpoint):
    WebhookSink().enqueue([outgoing_event()])
    admin_client.post(
        "/admin/webhooks/webhookendpoint/", {"action": "disable", "_selected_action": [str(endpoint.pk)]}
    )
    endpoint.refresh_from_db()
    assert endpoint.is_active is False
    assert WebhookMessage.objects.get().state == MessageStates.CANCELLED
