"""Course runs: a bad combination of display settings or a malformed key is a form error, and saving goes
through course_run_upsert (so a change of pacing fires its trigger)."""

import pytest

from coursecerts.certificates.models import CertificateGenerationCourseSetting, CertificateTemplate
from coursecerts.courses.models import CourseRun
from tests.admin.helpers import admin_url, form_errors
from tests.factories import OrganizationFactory

AVAILABLE_DATE_RULE = (
    "certificate_available_date is required with certificates_display_behavior 'end_with_date'"
)
NO_MODES = {
    "modes-TOTAL_FORMS": "0",
    "modes-INITIAL_FORMS": "0",
    "modes-MIN_NUM_FORMS": "0",
    "modes-MAX_NUM_FORMS": "1000",
}


def run_data(**overrides):
    data = {
        "id": "course-v1:edX+Bio+2026",
        "organization": OrganizationFactory().pk,
        "display_name": "Biology",
        "start_0": "2026-01-01",
        "start_1": "00:00:00",
        "end_0": "2026-06-01",
        "end_1": "00:00:00",
        "certificates_display_behavior": "end",
        "cert_html_view_enabled": "on",
        "language": "en",
        **NO_MODES,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.parametrize(
    "settings_",
    [
        {
            "certificates_display_behavior": "end",
            "certificate_available_date_0": "2026-07-01",
            "certificate_available_date_1": "00:00:00",
        },
        {
            "certificates_display_behavior": "end_with_date",
            "self_paced": "on",
            "certificate_available_date_0": "2026-07-01",
            "certificate_available_date_1": "00:00:00",
        },
        {"certificates_display_behavior": "end_with_date"},
    ],
    ids=["date with behaviour end", "date on a self-paced run", "end_with_date without a date"],
)
def test_bad_display_settings_are_a_form_error(staff_client, settings_):
    response = staff_client.post(admin_url(CourseRun, "add"), run_data(**settings_))
    assert response.status_code == 200
    assert AVAILABLE_DATE_RULE in form_errors(response)
    assert not CourseRun.objects.exists()


def test_start_after_end_is_a_form_error(staff_client):
    response = staff_client.post(admin_url(CourseRun, "add"), run_data(start_0="2026-09-01"))
    assert "The course start must not be after its end." in form_errors(response)


def test_a_malformed_course_key_is_a_form_error(staff_client):
    response = staff_client.post(admin_url(CourseRun, "add"), run_data(id="not a key"))
    assert response.status_code == 200
    assert "'not a key' is not a valid course key" in form_errors(response)
    assert not CourseRun.objects.exists()


def test_a_run_is_added_with_its_modes(staff_client):
    modes = {"modes-TOTAL_FORMS": "2", "modes-0-mode_slug": "verified", "modes-1-mode_slug": "audit"}
    response = staff_client.post(
        admin_url(CourseRun, "add"),
        run_data(
            certificates_display_behavior="end_with_date",
            certificate_available_date_0="2026-07-01",
            certificate_available_date_1="00:00:00",
            **modes,
        ),
    )
    assert response.status_code == 302
    run = CourseRun.objects.get()
    assert (str(run.id), run.certificate_available_date.date().isoformat()) == (
        "course-v1:edX+Bio+2026",
        "2026-07-01",
    )
    assert sorted(run.modes.values_list("mode_slug", flat=True)) == ["audit", "verified"]


def test_changing_the_pacing_fires_its_trigger(staff_client, physics):
    data = run_data(id=None, organization=physics.organization.pk, self_paced=None)
    response = staff_client.post(admin_url(CourseRun, "change", physics), data)
    assert response.status_code == 302
    physics.refresh_from_db()
    assert physics.self_paced is False
    assert CertificateGenerationCourseSetting.get(physics.id).self_generation_enabled is False


def test_course_runs_are_found_by_part_of_their_key(staff_client, physics):
    response = staff_client.get(admin_url(CourseRun), {"q": "edx+phys"})
    assert list(response.context["cl"].result_list) == [physics]


def test_a_malformed_key_in_a_change_url_is_not_a_crash(staff_client, physics):
    response = staff_client.get(admin_url(CourseRun) + "nonsense/change/", follow=True)
    assert response.status_code == 200
    assert "doesn’t exist" in response.content.decode()


def test_a_template_with_a_malformed_course_key_is_a_form_error(staff_client):
    response = staff_client.post(
        admin_url(CertificateTemplate, "add"),
        {"name": "T", "template": "<p></p>", "course_key": "edX/bad key", "mode": "honor"},
    )
    assert "is not a valid course key" in form_errors(response)
    assert not CertificateTemplate.objects.exists()
