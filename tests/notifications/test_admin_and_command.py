"""The admin shows every email with its state and the server's answer, and retries or resends; the per-run switch
is in the admin with a resend-to-everyone action; `resend_learner_emails` is dry unless --commit."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from coursecerts.certificates.services import certificate_generate
from coursecerts.notifications.models import CourseRunEmailSettings, EmailStates, LearnerEmail
from tests.factories import learner_in_course

pytestmark = pytest.mark.django_db


def issue(course, user, captured_on_commit):
    with captured_on_commit(execute=True):
        return certificate_generate(user=user, course_run=course, mode="verified", grade="0.85", source="t")


def test_failed_emails_are_listed_with_the_reason_and_retried_from_the_admin(
    client, staff, course, captured_on_commit
):
    user = learner_in_course(course, username="nomail", email="")
    issue(course, user, captured_on_commit)
    client.force_login(staff)

    listing = client.get("/admin/notifications/learneremail/", {"state__exact": "failed"})
    assert listing.status_code == 200
    assert "nomail" in listing.content.decode()
    assert "The learner has no email address." in listing.content.decode()

    user.email = "found@example.org"
    user.save()
    email = LearnerEmail.objects.get()
    with captured_on_commit(execute=True):
        client.post(
            "/admin/notifications/learneremail/", {"action": "retry_now", "_selected_action": [email.pk]}
        )
    from coursecerts.notifications.tasks import send_learner_emails

    send_learner_emails.delay()
    assert LearnerEmail.objects.get().state == EmailStates.SENT
    assert mail.outbox[-1].to == ["found@example.org"]


def test_the_run_switch_and_its_resend_action_in_the_admin(client, staff, course, captured_on_commit):
    learners = [learner_in_course(course) for _ in range(2)]
    for learner in learners:
        issue(course, learner, captured_on_commit)
    client.force_login(staff)
    added = client.post(
        "/admin/notifications/courserunemailsettings/add/",
        {"course_run": str(course.pk), "emails_enabled": ""},
    )
    assert added.status_code == 302
    setting = CourseRunEmailSettings.objects.get()
    assert (setting.emails_enabled, setting.changed_by) == (False, staff)

    mail.outbox.clear()
    with captured_on_commit(execute=True):
        client.post(
            "/admin/notifications/courserunemailsettings/",
            {"action": "resend_to_everyone", "_selected_action": [str(course.pk)]},
        )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in learners)


def test_the_command_is_dry_unless_commit(course, captured_on_commit):
    ada = learner_in_course(course, username="ada")
    issue(course, ada, captured_on_commit)
    mail.outbox.clear()
    out = StringIO()

    call_command("resend_learner_emails", "-c", str(course.pk), stdout=out)
    assert "Dry run: 1 learners" in out.getvalue()
    assert LearnerEmail.objects.count() == 1

    with captured_on_commit(execute=True):
        call_command("resend_learner_emails", "-c", str(course.pk), "-u", "ada", "--commit", stdout=out)
    assert "1 emails owed" in out.getvalue()
    assert [m.to for m in mail.outbox] == [[ada.email]]

    with pytest.raises(CommandError, match="No course run"):
        call_command("resend_learner_emails", "-c", "course-v1:No+Such+Run", stdout=out)
    with pytest.raises(CommandError, match="None of these learners"):
        call_command("resend_learner_emails", "-c", str(course.pk), "-u", "nobody", "--commit", stdout=out)
