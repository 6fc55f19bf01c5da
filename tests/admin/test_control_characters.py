"""The admin refuses control characters and bidirectional overrides in names and titles, as the API does (the
models' clean() checks them, so every form that saves them is covered)."""

from django.contrib.auth import get_user_model

from coursecerts.certificates.models import CertificateTemplate
from coursecerts.courses.models import CourseRun, Organization
from tests.admin.helpers import admin_url, form_errors
from tests.admin.test_courses import run_data

MESSAGE = "Control characters and bidirectional overrides (such as U+202E) are not allowed."
HOSTILE = "Bob \u202egnp.exe\u202c Smith"


def test_a_learner_name_is_refused(staff_client):
    response = staff_client.post(
        admin_url(get_user_model(), "add"),
        {
            "username": "bob",
            "usable_password": "false",
            "profile-TOTAL_FORMS": "1",
            "profile-INITIAL_FORMS": "0",
            "profile-MIN_NUM_FORMS": "0",
            "profile-MAX_NUM_FORMS": "1",
            "profile-0-name": HOSTILE,
        },
    )
    assert response.status_code == 200
    [inline] = response.context["inline_admin_formsets"]
    assert inline.formset.errors == [{"name": [MESSAGE]}]
    assert not get_user_model().objects.filter(username="bob").exists()


def test_a_course_display_name_is_refused(staff_client):
    response = staff_client.post(admin_url(CourseRun, "add"), run_data(display_name=HOSTILE))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["display_name"] == [MESSAGE]
    assert not CourseRun.objects.exists()


def test_an_organisation_name_is_refused(staff_client):
    response = staff_client.post(admin_url(Organization, "add"), {"name": HOSTILE, "short_name": "OLI"})
    assert response.status_code == 200
    assert MESSAGE in form_errors(response)
    assert not Organization.objects.exists()


def test_a_template_name_is_refused(staff_client):
    response = staff_client.post(
        admin_url(CertificateTemplate, "add"),
        {"name": "Main\x07", "template": "<p></p>", "mode": "honor"},
    )
    assert response.status_code == 200
    assert "Control characters and bidirectional overrides (such as U+0007)" in form_errors(response)
    assert not CertificateTemplate.objects.exists()
