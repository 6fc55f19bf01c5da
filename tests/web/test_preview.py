"""The staff preview /certificates/course/<course key>?preview=<mode> (README "Web certificates")."""

import datetime as dt

import pytest
from django.utils import timezone

from coursecerts.certificates.models import GeneratedCertificate
from tests.factories import CourseAccessRoleFactory, CourseModeFactory, UserFactory

pytestmark = pytest.mark.django_db


def preview(client, course_run, mode="verified", **params):
    return client.get(
        f"/certificates/course/{course_run.id}", {"preview": mode, **params} if mode else params
    )


@pytest.mark.parametrize("role", ["staff", "instructor"])
def test_course_staff_and_instructors_see_a_sample(client, course_run, role):
    user = UserFactory(username=f"course-{role}")
    CourseAccessRoleFactory(user=user, course=course_run, role=role)
    client.force_login(user)
    response = preview(client, course_run)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Sample Learner" in body and "Data Science 101" in body and "Ada Lovelace" in body
    assert "Verified Certificate of Achievement" in body
    assert 'id="preview-banner"' in body and 'id="download-pdf"' not in body
    assert response["Cache-Control"] == "private, no-store"
    assert not GeneratedCertificate.objects.exists()


def test_global_staff_see_it_before_any_certificate_exists(client, course_run):
    client.force_login(UserFactory(username="ops", is_staff=True))
    response = preview(client, course_run, mode="honor")
    assert response.status_code == 200
    assert b"Certificate of Achievement" in response.content


def test_the_preview_date_is_the_end_of_a_run_shown_at_its_end(client, course_run):
    course_run.self_paced = False
    course_run.end = timezone.now() + dt.timedelta(days=5)
    course_run.save()
    client.force_login(UserFactory(username="ops", is_staff=True))
    end = course_run.end
    assert f"Issued {end:%B} {end.day}, {end.year}" in preview(client, course_run).content.decode()


def test_an_inactive_configuration_still_previews(client, course_run):
    course_run.certificate_configuration.is_active = False
    course_run.certificate_configuration.save()
    client.force_login(UserFactory(username="ops", is_staff=True))
    assert preview(client, course_run).status_code == 200


def test_without_a_mode_it_previews_the_first_mode_other_than_audit(client, course_run):
    CourseModeFactory(course=course_run, mode_slug="audit")
    CourseModeFactory(course=course_run, mode_slug="professional")
    client.force_login(UserFactory(username="ops", is_staff=True))
    assert b"Professional Certificate" in preview(client, course_run, mode=None).content


def test_learners_beta_testers_and_other_courses_staff_get_403(client, course_run, certificate):
    outsiders = [certificate.user, UserFactory(username="beta")]
    CourseAccessRoleFactory(user=outsiders[1], course=course_run, role="beta_tester")
    other_staff = UserFactory(username="elsewhere")
    CourseAccessRoleFactory(user=other_staff, role="staff")
    for user in [*outsiders, other_staff]:
        client.force_login(user)
        assert preview(client, course_run).status_code == 403, user.username


def test_anonymous_visitors_are_sent_to_log_in(client, course_run):
    response = preview(client, course_run)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/certificates/course/")


def test_an_unknown_mode_is_a_clear_400(client, course_run):
    client.force_login(UserFactory(username="ops", is_staff=True))
    response = preview(client, course_run, mode="platinum")
    assert response.status_code == 400
    assert b"Unknown mode 'platinum'" in response.content


@pytest.mark.parametrize("key", ["course-v1:OLI+Nope+2026", "not-a-course-key", "course-v1:bad"])
def test_unknown_or_malformed_course_keys_give_404(client, key):
    client.force_login(UserFactory(username="ops", is_staff=True))
    assert client.get(f"/certificates/course/{key}", {"preview": "verified"}).status_code == 404


def test_preview_in_arabic(client, course_run):
    client.force_login(UserFactory(username="ops", is_staff=True))
    body = preview(client, course_run, lang="ar").content.decode()
    assert 'dir="rtl"' in body and "متعلّم تجريبي" in body


def test_a_run_without_any_configuration_previews_without_signatories(client):
    from tests.factories import CourseRunFactory

    run = CourseRunFactory(display_name="Bare Course")
    client.force_login(UserFactory(username="ops", is_staff=True))
    response = client.get(f"/certificates/course/{run.id}", {"preview": "honor"})
    assert response.status_code == 200
    assert b"Bare Course" in response.content and b'id="signatories"' not in response.content
