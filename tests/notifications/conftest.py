"""A real SMTP server on loopback (aiosmtpd) that records what it is given, and can be told to refuse."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings

from coursecerts.events.models import SinkCursor
from coursecerts.events.relay import newest_event_id
from coursecerts.notifications.sink import EMAIL_SINK
from tests.api.conftest import (  # noqa: F401  (the API tests' personas and clients, for test_emails_api.py)
    alice,
    alice_api,
    certificate,
    course_staff,
    course_staff_api,
    instructor,
    instructor_api,
    outsider,
    outsider_api,
    physics,
    staff_api,
)


@dataclass
class SmtpSink:
    """The handler: every message accepted, each session counted; `fail_with` makes DATA answer that reply."""

    messages: list = field(default_factory=list)
    sessions: int = 0
    fail_with: str = ""
    refuse: set = field(default_factory=set)  # addresses answered 550 at RCPT

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.fail_with:
            return self.fail_with
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    handler = SmtpSink()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=controller.port,
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_TIMEOUT=5,
    ):
        yield handler
    controller.stop()


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Files (PDFs, previews) in a temporary folder; rate limits (in the cache) start unused."""
    from django.core.cache import cache

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CERTIFICATE_PDF_ROOT = tmp_path / "private"
    settings.EMAIL_FILE_PATH = tmp_path / "emails"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def email_cursor(db):
    """The email sink's cursor, as installation leaves it (post_migrate)."""
    SinkCursor.objects.get_or_create(name=EMAIL_SINK, defaults={"position": newest_event_id()})
