"""A real HTTP receiver on loopback for the webhook tests, and outgoing events to send to it.

The receiver is http.server in a thread (HTTP/1.1, keep-alive). It answers each POST with the next planned
answer (status, headers), or 204 once the plan is used up, and records every request it got: headers and the
exact body bytes, which the tests verify with the official `standardwebhooks` library."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings
from django.utils import timezone

from coursecerts.events.models import OutgoingEvent
from coursecerts.events.webhooks.services import webhook_endpoint_create


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    server: ThreadingHTTPServer
    received: list[Received] = field(default_factory=list)
    plan: list[tuple[int, dict]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    delay: float = 0.0

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hooks?team=1"

    def answer(self, *statuses, headers: dict | None = None) -> None:
        """Plan the next answers: answer(500, 500) then 204 for the rest."""
        self.plan.extend((status, headers or {}) for status in statuses)

    def next_answer(self) -> tuple[int, dict]:
        with self.lock:
            return self.plan.pop(0) if self.plan else (204, {})


def _handler(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with receiver.lock:
                receiver.received.append(Received(self.path, dict(self.headers.items()), body))
            status, headers = receiver.next_answer()
            if receiver.delay:
                threading.Event().wait(receiver.delay)
            reply = b"" if status == 204 else b'{"ok": true}'
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    return Handler


class Server(ThreadingHTTPServer):
    request_queue_size = 128  # a connection per delivery thread at once (the default backlog is 5)


def start_receiver(port: int = 0) -> Receiver:
    receiver = Receiver(server=None)  # type: ignore[arg-type]
    server = Server(("127.0.0.1", port), _handler(receiver))
    server.daemon_threads = True
    receiver.server = server
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return receiver


@pytest.fixture(autouse=True)
def _private_addresses_allowed(settings):
    """The receiver is on loopback: tests allow it, except the SSRF tests, which turn this off."""
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    settings.WEBHOOK_DELIVERY_THREADS = 4


@pytest.fixture
def receiver():
    receiver = start_receiver()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture
def endpoint(db, receiver):
    return webhook_endpoint_create(url=receiver.url)


def outgoing_event(*, event_type="org.openedx.learning.certificate.created.v1", username="alice"):
    """An outgoing event as the certificate services write it (coursecerts.certificates.events): openedx-events'
    CertificateData as its Avro record dict, and the certificate's verify_uuid."""
    course_key = "course-v1:edX+Physics+2026"
    data = {
        "certificate": {
            "user": {
                "id": 1,
                "is_active": True,
                "pii": {"username": username, "email": f"{username}@example.org", "name": "Alice Ng"},
            },
            "course": {"course_key": course_key, "display_name": "Physics", "start": None, "end": None},
            "mode": "verified",
            "grade": "0.9",
            "download_url": "",
            "name": "Alice Ng",
            "current_status": "downloadable",
            "previous_status": "",
        }
    }
    return OutgoingEvent.objects.create(
        event_type=event_type,
        time=datetime(2026, 11, 2, 10, 30, tzinfo=UTC),
        course_key=course_key,
        user_id=1,
        data=data,
        verify_uuid=uuid.uuid4().hex,
        created=timezone.now(),
    )


def expected_data(event: OutgoingEvent, *, username: str = "alice") -> dict:
    """The `data` of the event's webhook body, as README "Webhooks" documents it."""
    return {
        "username": username,
        "course_key": "course-v1:edX+Physics+2026",
        "mode": "verified",
        "status": "downloadable",
        "previous_status": "",
        "grade": "0.9",
        "name": "Alice Ng",
        "verify_uuid": event.verify_uuid,
        "certificate_url": f"{settings.SITE_URL}/certificates/{event.verify_uuid}",
    }


def verified(received: Received, secret: str) -> dict:
    """The message as the official library reads it, after checking its signature with `secret`."""
    from standardwebhooks import Webhook

    return Webhook(secret).verify(received.body, received.headers)
