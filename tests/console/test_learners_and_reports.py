"""Looking a learner up, and the run's downloads."""

import csv
import io

import pytest
from django.urls import reverse

from coursecerts.certificates.models import CertificateHistory
from coursecerts.certificates.services.generation_jobs import course_generation_start

pytestmark = pytest.mark.django_db


def _lookup(client, run, q):
    return client.get(reverse("console:learners", args=[run.id]), {"q": q})


def test_it_shows_the_certificate_the_decision_and_the_links(client, run, course_staff, learners, settings):
    settings.SITE_URL = "https://certs.example.com"
    client.force_login(course_staff)
    ada = learners["ada"]
    certificate = ada.certificates.get()
    CertificateHistory.objects.create(
        certificate=certificate, source="grade_passed", status_after="downloadable"
    )
    page = _lookup(client, run, "ada").content.decode()
    assert 'id="certificate-status"' in page and "downloadable" in page
    assert f'href="https://certs.example.com/certificates/{certificate.verify_uuid}"' in page
    assert f'href="/certificates/{certificate.verify_uuid}/pdf"' in page
    assert f'href="/certificates/{certificate.verify_uuid}/credential.json"' in page
    assert "grade_passed" in page  # the history


def test_it_finds_a_learner_by_email_and_says_why_they_have_no_certificate(client, run, instructor, learners):
    client.force_login(instructor)
    response = _lookup(client, run, "CY@example.com")
    record = response.context["learner"]
    assert record["user"] == learners["cy"]
    assert record["decision"].reason.value == "not_passing"
    assert "Grade below the passing mark" in response.content.decode()
    assert 'id="link-pdf"' not in response.content.decode()


def test_a_learner_of_another_run_is_not_found(client, run, instructor, db):
    from tests.factories import CourseRunFactory, learner_in_course

    learner_in_course(CourseRunFactory(), username="zed")
    client.force_login(instructor)
    page = _lookup(client, run, "zed").content.decode()
    assert "No learner “zed” is enrolled in this run" in page


def test_no_role_no_lookup(client, run, nobody, learners):
    client.force_login(nobody)
    assert _lookup(client, run, "ada").status_code == 404


def test_course_staff_download_the_report_csv(client, run, course_staff, learners):
    client.force_login(course_staff)
    page = client.get(reverse("console:run", args=[run.id])).content.decode()
    href = f"/api/v1/courses/{run.id}/report?format=csv"
    assert f'href="{href}"' in page
    response = client.get(href)
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {row["username"]: row["eligible"] for row in rows} == {"ada": "True", "bob": "True", "cy": "False"}


def test_the_generation_history_csv(client, run, instructor, learners):
    course_generation_start(course_run=run, scope="all", requested_by=instructor)
    client.force_login(instructor)
    response = client.get(reverse("console:generation_history_csv", args=[run.id]))
    assert response["Content-Disposition"] == 'attachment; filename="generation-history-DS101-2026.csv"'
    (row,) = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert (
        row["generated_by"] == "ines"
        and row["task_name"] == "generated"
        and row["candidates"] == "All Learners"
    )


def test_no_role_no_history(client, run, nobody):
    client.force_login(nobody)
    assert client.get(reverse("console:generation_history_csv", args=[run.id])).status_code == 404
