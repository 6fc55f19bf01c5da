"""Generate and regenerate from the console: the dry run, the confirmation, the job and its progress, and who
may do what (instructors and global staff act; course staff only read; no role, nothing)."""

import csv
import io

import pytest
from django.urls import reverse

from coursecerts.certificates.models import CertificateGenerationJob, GeneratedCertificate, JobStates

pytestmark = pytest.mark.django_db


def _url(run, name="console:generate"):
    return reverse(name, args=[run.id])


def test_a_dry_run_counts_by_outcome_and_reason_and_writes_nothing(client, run, instructor, learners):
    client.force_login(instructor)
    response = client.post(_url(run), {"kind": "generate", "generate-scope": "all", "dry_run": "1"})
    assert response.status_code == 200
    dry_run = response.context["dry_run"]
    assert dry_run["total"] == 2  # bob and cy: ada holds a certificate
    assert dry_run["outcomes"] == {"downloadable": 1, "no_certificate": 1}
    assert dry_run["reasons"] == {"not_passing": 1}
    page = response.content.decode()
    assert "Grade below the passing mark" in page
    assert GeneratedCertificate.objects.filter(course=run).count() == 1


def test_the_dry_run_csv_says_who_gets_what(client, run, instructor, learners):
    client.force_login(instructor)
    response = client.post(_url(run), {"kind": "generate", "generate-scope": "all", "dry_run": "1"})
    href = response.context["dry_run_query"]
    assert "csrfmiddlewaretoken" not in href
    rows = list(
        csv.DictReader(io.StringIO(client.get(f"{_url(run, 'console:dry_run_csv')}?{href}").content.decode()))
    )
    assert [(r["username"], r["outcome"], r["reason"]) for r in rows] == [
        ("bob", "downloadable", "eligible"),
        ("cy", "no_certificate", "not_passing"),
    ]


def test_generating_asks_for_confirmation_then_starts_the_job(
    client, run, instructor, learners, captured_on_commit
):
    client.force_login(instructor)
    ask = client.post(_url(run), {"kind": "generate", "generate-scope": "all"})
    assert ask.status_code == 200
    assert "Generate certificates for: All learners without a certificate?" in ask.content.decode()
    assert not CertificateGenerationJob.objects.exists()
    with captured_on_commit(execute=True):
        done = client.post(_url(run), {"kind": "generate", "generate-scope": "all", "confirmed": "yes"})
    job = CertificateGenerationJob.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("console:job", args=[run.id, job.pk])
    assert job.requested_by == instructor and job.state == JobStates.SUCCEEDED  # eager Celery in tests
    assert GeneratedCertificate.objects.get(user=learners["bob"]).status == "downloadable"
    page = client.get(done["Location"]).content.decode()
    assert "Generation started for 2 learners." in page and 'data-state="succeeded"' in page


def test_regenerate_by_status(client, run, instructor, learners):
    client.force_login(instructor)
    data = {"kind": "regenerate", "regenerate-statuses": ["downloadable"], "confirmed": "yes"}
    client.post(_url(run), data)
    job = CertificateGenerationJob.objects.get()
    assert job.scope == "statuses" and job.task_input == {"statuses_to_regenerate": ["downloadable"]}


def test_named_learners_are_required_with_that_scope(client, run, instructor, learners):
    client.force_login(instructor)
    response = client.post(_url(run), {"kind": "generate", "generate-scope": "learners", "dry_run": "1"})
    assert (
        "Name at least one learner (usernames) for scope &#x27;learners&#x27;." in response.content.decode()
    )
    response = client.post(
        _url(run),
        {"kind": "generate", "generate-scope": "learners", "generate-usernames": "bob, cy", "dry_run": "1"},
    )
    assert response.context["dry_run"]["total"] == 2


def test_an_unfinished_job_shows_its_progress_which_polls_until_it_ends(client, run, course_staff):
    job = CertificateGenerationJob.objects.create(
        course=run, scope="all", state=JobStates.RUNNING, total=10, done=3
    )
    client.force_login(course_staff)
    page = client.get(_url(run)).content.decode()
    progress = reverse("console:job_progress", args=[run.id, job.pk])
    assert f'hx-get="{progress}"' in page and 'value="3"' in page and 'max="10"' in page
    CertificateGenerationJob.objects.filter(pk=job.pk).update(
        state=JobStates.SUCCEEDED,
        done=10,
        result={"outcomes": {"downloadable": 10}, "reasons": {}, "changed": 10},
    )
    fragment = client.get(progress).content.decode()
    assert (
        "hx-get" not in fragment
        and 'data-state="succeeded"' in fragment
        and 'data-outcome="downloadable">10<' in fragment
    )


def test_course_staff_see_the_jobs_but_cannot_generate(client, run, course_staff, learners):
    client.force_login(course_staff)
    page = client.get(_url(run)).content.decode()
    assert 'id="generate-form"' not in page
    assert "Only the run's instructors and global staff can generate certificates." in page
    response = client.post(_url(run), {"kind": "generate", "generate-scope": "all", "confirmed": "yes"})
    assert response.status_code == 403
    assert (
        client.get(f"{_url(run, 'console:dry_run_csv')}?kind=generate&generate-scope=all").status_code == 403
    )
    assert not CertificateGenerationJob.objects.exists()


def test_global_staff_generate(client, run, global_staff, learners):
    client.force_login(global_staff)
    client.post(_url(run), {"kind": "generate", "generate-scope": "all", "confirmed": "yes"})
    assert CertificateGenerationJob.objects.get().requested_by == global_staff


def test_no_role_nothing(client, run, nobody, learners):
    job = CertificateGenerationJob.objects.create(course=run, scope="all", total=1)
    client.force_login(nobody)
    assert client.get(_url(run)).status_code == 404
    assert (
        client.post(_url(run), {"kind": "generate", "generate-scope": "all", "confirmed": "yes"}).status_code
        == 404
    )
    assert client.get(reverse("console:job", args=[run.id, job.pk])).status_code == 404
    assert client.get(reverse("console:job_progress", args=[run.id, job.pk])).status_code == 404


def test_a_post_without_the_csrf_token_is_refused(run, instructor, learners):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(instructor)
    response = client.post(_url(run), {"kind": "generate", "generate-scope": "all", "confirmed": "yes"})
    assert response.status_code == 403
    assert not CertificateGenerationJob.objects.exists()
