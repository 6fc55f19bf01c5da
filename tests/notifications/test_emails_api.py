"""/api/v1/courses/{course_key}/email-settings, /emails, /emails/resend and
/api/v1/learners/{username}/certificates-page-link: the course team's switch and resends, the run's emails with
their failures, the platform's signed link to a learner's page."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.core import mail

from coursecerts.notifications.models import EmailStates, LearnerEmail
from tests.api.conftest import COURSE_KEY, assert_error
from tests.factories import learner_in_course

pytestmark = pytest.mark.django_db

BASE = f"/api/v1/courses/{COURSE_KEY}"


def issue(course, user, captured_on_commit):
    from coursecerts.certificates.services import certificate_generate

    with captured_on_commit(execute=True):
        return certificate_generate(user=user, course_run=course, mode="verified", grade="0.85", source="t")


def test_the_switch_turns_a_run_s_issue_emails_off_and_on(
    instructor_api, course_staff_api, physics, captured_on_commit
):
    assert course_staff_api.get(f"{BASE}/email-settings").json() == {
        "course_key": COURSE_KEY,
        "emails_enabled": True,
    }
    assert_error(
        course_staff_api.put(f"{BASE}/email-settings", {"emails_enabled": False}, format="json"),
        403,
        "permission_denied",
    )

    off = instructor_api.put(f"{BASE}/email-settings", {"emails_enabled": False}, format="json")
    assert off.status_code == 200 and off.json()["emails_enabled"] is False
    mail.outbox.clear()
    issue(physics, learner_in_course(physics, username="quiet"), captured_on_commit)
    assert mail.outbox == []

    instructor_api.put(f"{BASE}/email-settings", {"emails_enabled": True}, format="json")
    issue(physics, learner_in_course(physics, username="told"), captured_on_commit)
    assert [message.to for message in mail.outbox] == [[learner.email] for learner in [_user("told")]]


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def test_the_switch_takes_true_or_false_only(instructor_api):
    body = assert_error(
        instructor_api.put(f"{BASE}/email-settings", {"emails_enabled": "no"}, format="json"),
        400,
        "invalid_input",
    )
    assert "emails_enabled" in body["errors"]


def test_resend_to_one_learner_sends_again_even_when_the_run_s_emails_are_off(
    instructor_api, certificate, captured_on_commit
):
    instructor_api.put(f"{BASE}/email-settings", {"emails_enabled": False}, format="json")
    mail.outbox.clear()
    with captured_on_commit(execute=True):
        answer = instructor_api.post(f"{BASE}/emails/resend", {"usernames": ["alice"]}, format="json")

    assert answer.status_code == 202
    assert answer.json() == {"course_key": COURSE_KEY, "queued": 1}
    assert [message.to for message in mail.outbox] == [[certificate.user.email]]


def test_resend_to_everyone_in_the_run(instructor_api, physics, certificate, captured_on_commit):
    others = [learner_in_course(physics) for _ in range(2)]
    for learner in others:
        issue(physics, learner, captured_on_commit)
    mail.outbox.clear()
    with captured_on_commit(execute=True):
        answer = instructor_api.post(f"{BASE}/emails/resend", {}, format="json")

    assert answer.json()["queued"] == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [certificate.user.email] + [u.email for u in others]
    )


def test_resend_refuses_learners_without_a_certificate_and_outsiders(
    instructor_api, outsider_api, staff_api, certificate
):
    assert_error(
        instructor_api.post(f"{BASE}/emails/resend", {"usernames": ["nobody"]}, format="json"),
        409,
        "nothing_to_resend",
    )
    assert_error(
        instructor_api.post(f"{BASE}/emails/resend", {"usernames": []}, format="json"), 400, "invalid_input"
    )
    assert_error(outsider_api.post(f"{BASE}/emails/resend", {}, format="json"), 403, "permission_denied")
    assert_error(
        staff_api.post("/api/v1/courses/course-v1:No+Such+Run/emails/resend", {}, format="json"),
        404,
        "course_not_found",
    )


def test_the_run_s_emails_show_failures_with_the_reason(course_staff_api, physics, captured_on_commit):
    issue(physics, learner_in_course(physics, username="noaddress", email=""), captured_on_commit)
    issue(physics, learner_in_course(physics, username="fine"), captured_on_commit)

    answer = course_staff_api.get(f"{BASE}/emails", {"state": "failed"})
    assert answer.status_code == 200
    (row,) = answer.json()["results"]
    assert (row["username"], row["state"], row["kind"]) == ("noaddress", "failed", "issued")
    assert row["last_error"] == "The learner has no email address."
    assert (
        course_staff_api.get(f"{BASE}/emails", {"username": "fine"}).json()["results"][0]["state"] == "sent"
    )
    assert_error(course_staff_api.get(f"{BASE}/emails", {"state": "lost"}), 400, "invalid_input")
    assert LearnerEmail.objects.filter(state=EmailStates.SENT).count() == 1


def test_the_platform_mints_a_signed_link_to_a_learner_s_page(staff_api, alice_api, client, certificate):
    answer = staff_api.post("/api/v1/learners/alice/certificates-page-link")
    assert answer.status_code == 200
    body = answer.json()
    assert body["username"] == "alice" and body["expires"]
    page = client.get(urlsplit(body["url"]).path)
    assert page.status_code == 200
    assert certificate.verify_uuid in page.content.decode()

    assert_error(alice_api.post("/api/v1/learners/alice/certificates-page-link"), 403, "permission_denied")
    assert_error(staff_api.post("/api/v1/learners/nobody/certificates-page-link"), 404, "user_not_exist")
