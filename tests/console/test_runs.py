"""The runs list and a run's page: who sees which run, and the counts each run shows."""

import pytest
from django.urls import reverse

from coursecerts.certificates.models import CertificateGenerationJob, JobStates
from tests.factories import CourseAccessRoleFactory, CourseRunFactory

pytestmark = pytest.mark.django_db


def test_it_sends_an_anonymous_visitor_to_sign_in(client):
    response = client.get("/console/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/console/")


def test_a_person_sees_only_the_runs_they_have_a_role_in(client, run, instructor):
    CourseRunFactory(display_name="Someone else's course")
    client.force_login(instructor)
    page = client.get("/console/").content.decode()
    assert "Data Science 101" in page
    assert "Someone else&#x27;s course" not in page and "Someone else's course" not in page


def test_global_staff_see_every_run(client, run, global_staff):
    other = CourseRunFactory(display_name="Other course")
    client.force_login(global_staff)
    page = client.get("/console/").content.decode()
    assert "Data Science 101" in page and other.display_name in page


def test_a_person_with_no_role_sees_no_run(client, run, nobody):
    client.force_login(nobody)
    response = client.get("/console/")
    assert response.status_code == 200
    assert "You have no role in any course run" in response.content.decode()
    assert "Data Science 101" not in response.content.decode()
    assert client.get(reverse("console:run", args=[run.id])).status_code == 404


def test_each_run_shows_certificates_by_status_and_mode_the_reconcile_figure_and_the_latest_job(
    client, run, instructor, learners
):
    CertificateGenerationJob.objects.create(
        course=run, scope="all", state=JobStates.SUCCEEDED, total=3, done=3
    )
    client.force_login(instructor)
    response = client.get("/console/")
    (summary,) = response.context["summaries"]
    assert summary.by_status == {"downloadable": 1}
    assert summary.by_mode == {"verified": 1}
    assert summary.eligible_without_certificate == 1  # bob
    assert summary.latest_job.state == JobStates.SUCCEEDED
    page = response.content.decode()
    assert "downloadable&nbsp;1" in page and "Succeeded" in page


def test_the_runs_list_reads_in_a_fixed_number_of_queries(
    client, run, global_staff, learners, django_assert_max_num_queries
):
    for n in range(3):
        CourseRunFactory(display_name=f"More {n}")
    client.force_login(global_staff)
    client.get("/console/")  # warm up (session, content types)
    with django_assert_max_num_queries(60):
        client.get("/console/")


def test_course_staff_read_a_run_but_are_told_they_cannot_act(client, run, course_staff):
    client.force_login(course_staff)
    page = client.get(reverse("console:run", args=[run.id])).content.decode()
    assert "only its instructors and global staff can change them" in page


def test_an_unknown_or_malformed_run_is_404(client, global_staff):
    client.force_login(global_staff)
    assert client.get("/console/course-v1:edX+Nope+2026/").status_code == 404
    assert client.get("/console/not-a-key/").status_code == 404


def test_a_role_in_another_run_does_not_open_this_one(client, run):
    other_role = CourseAccessRoleFactory(course=CourseRunFactory(), role="instructor")
    client.force_login(other_role.user)
    assert client.get(reverse("console:run", args=[run.id])).status_code == 404
