import pytest
from django.urls import reverse

from coursecerts.certificates.models import CertificateGenerationJob, GeneratedCertificate
from tests.factories import learner_in_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff)
    return client


def act(admin_client, course, action):
    url = reverse("admin:courses_courserun_changelist")
    return admin_client.post(url, {"action": action, "_selected_action": [str(course.pk)]}, follow=True)


def test_generate_action_runs_the_course_and_links_to_its_progress(
    admin_client, course, staff, captured_on_commit
):
    learner_in_course(course)
    learner_in_course(course, percent=0.1, passed=False)
    with captured_on_commit(execute=True):
        response = act(admin_client, course, "generate_certificates")
    job = CertificateGenerationJob.objects.get()
    assert f"Started generation for {course.id}" in response.text and "2 learners" in response.text
    assert job.requested_by == staff and GeneratedCertificate.objects.count() == 1
    page = admin_client.get(reverse("admin:certificates_certificategenerationjob_change", args=[job.pk]))
    assert page.status_code == 200 and "2 / 2 (100%)" in page.text and "succeeded" in page.text


def test_dry_run_action_reports_and_writes_nothing(admin_client, course):
    learner_in_course(course)
    learner_in_course(course, mode="audit")
    response = act(admin_client, course, "generate_certificates_dry_run")
    assert f"Dry run of {course.id}: 2 enrolled learners without a certificate; nothing was written." in (
        response.text
    )
    assert f"Outcomes for {course.id}: downloadable: 1, no_certificate: 1." in response.text
    assert "by reason: Enrollment mode does not lead to a certificate: 1." in response.text
    assert not GeneratedCertificate.objects.exists() and not CertificateGenerationJob.objects.exists()


def test_dry_run_csv_action_downloads_who_would_get_what(admin_client, course):
    import csv
    import io

    learner_in_course(course, username="passer")
    learner_in_course(course, username="=auditor", mode="audit")
    response = act(admin_client, course, "generate_certificates_dry_run_csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["course_id"], r["username"], r["outcome"], r["reason"]) for r in rows] == [
        (str(course.id), "passer", "downloadable", "eligible"),
        (str(course.id), "'=auditor", "no_certificate", "mode_ineligible"),
    ]
    assert not GeneratedCertificate.objects.exists() and not CertificateGenerationJob.objects.exists()


def test_jobs_cannot_be_added_or_edited(admin_client):
    assert admin_client.get(reverse("admin:certificates_certificategenerationjob_add")).status_code == 403
    assert (
        admin_client.get(reverse("admin:certificates_certificategenerationjob_changelist")).status_code == 200
    )
