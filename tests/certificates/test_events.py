"""Tracking events, Open edX names and fields, written after commit to the tracking log."""

import json
import logging

import pytest

from coursecerts.certificates.services import (
    certificate_generate,
    certificate_invalidate,
    certificate_mark_notpassing,
)
from tests.factories import learner_in_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(caplog):
    logger = logging.getLogger("coursecerts.tracking")
    logger.addHandler(caplog.handler)
    yield lambda: [json.loads(r.getMessage()) for r in caplog.records if r.name == "coursecerts.tracking"]
    logger.removeHandler(caplog.handler)


def test_created_then_revoked(course, events, captured_on_commit):
    user = learner_in_course(course)
    with captured_on_commit(execute=True):
        cert = certificate_generate(
            user=user, course_run=course, mode="verified", source="t", generation_mode="self"
        )
    with captured_on_commit(execute=True):
        certificate_invalidate(certificate=cert, source="certificate_invalidation_list")
    created, revoked = events()
    assert created["name"] == "edx.certificate.created"
    assert created["data"] == {
        "user_id": user.pk,
        "course_id": str(course.id),
        "certificate_id": cert.verify_uuid,
        "certificate_url": f"http://127.0.0.1:8000/certificates/{cert.verify_uuid}",
        "enrollment_mode": "verified",
        "generation_mode": "self",
    }
    assert created["context"] == {"org_id": "edX", "course_id": str(course.id)}
    assert revoked["name"] == "edx.certificate.revoked"
    assert revoked["data"]["source"] == "certificate_invalidation_list"


def test_revoked_is_only_tracked_when_the_certificate_was_downloadable(course, events, captured_on_commit):
    user = learner_in_course(course)
    with captured_on_commit(execute=True):
        cert = certificate_generate(user=user, course_run=course, mode="verified", source="t")
        cert = certificate_mark_notpassing(certificate=cert, mode="verified", grade="0.1", source="t")
        certificate_invalidate(certificate=cert, source="t")
    assert [e["name"] for e in events()] == ["edx.certificate.created", "edx.certificate.revoked"]


def test_nothing_is_tracked_when_the_transaction_rolls_back(course, events, captured_on_commit):
    user = learner_in_course(course)
    with captured_on_commit(execute=False):
        certificate_generate(user=user, course_run=course, mode="verified", source="t")
    assert events() == []
