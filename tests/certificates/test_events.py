"""Tracking events, Open edX names and fields, written after commit to the tracking log."""

import json
import logging

import pytest

from coursecerts.certificates.services import (
    certificate_generate,
    certificate_invalidate,
    certificate_mark_notpassing,
)
from coursecerts.certificates.services.generation_jobs import course_generation_start
from tests.factories import InvalidationFactory, learner_in_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(caplog):
    logger = logging.getLogger("coursecerts.tracking")
    logger.addHandler(caplog.handler)
    # One JSON object a line; a course-wide run writes a chunk's events as one record of several lines.
    yield lambda: [
        json.loads(line)
        for r in caplog.records
        if r.name == "coursecerts.tracking"
        for line in r.getMessage().splitlines()
    ]
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


def test_a_course_wide_run_tracks_each_certificate_it_issues_or_revokes(course, events, captured_on_commit):
    passing = [learner_in_course(course) for _ in range(3)]
    learner_in_course(course, percent=0.2, passed=False)  # nothing issued, nothing tracked
    blocked = learner_in_course(course)
    with captured_on_commit(execute=True):
        held = certificate_generate(user=blocked, course_run=course, mode="verified", source="t")
    InvalidationFactory(generated_certificate=held)  # active, the certificate still downloadable
    caplog_before = len(events())  # the per-learner issue above
    with captured_on_commit(execute=True):
        course_generation_start(course_run=course, scope="all")
    with captured_on_commit(execute=True):
        course_generation_start(course_run=course, scope="statuses", statuses=["downloadable"])
    tracked = events()[caplog_before:]
    created = [e for e in tracked if e["name"] == "edx.certificate.created"]
    assert sorted(e["data"]["user_id"] for e in created) == sorted(u.pk for u in passing)
    assert all(e["data"]["generation_mode"] == "batch" and e["context"]["org_id"] == "edX" for e in created)
    (revoked,) = [e for e in tracked if e["name"] == "edx.certificate.revoked"]
    assert revoked["data"]["user_id"] == blocked.pk
    assert revoked["data"]["certificate_id"] == held.verify_uuid
    assert revoked["data"]["source"] == "course_regeneration"
