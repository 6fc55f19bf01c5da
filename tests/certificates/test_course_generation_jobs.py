"""Course-wide generation: who it covers, dry runs, jobs and chunks, resuming, and its query budget."""

import datetime as dt

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coursecerts.certificates.generation_dry_run import course_generation_dry_run
from coursecerts.certificates.generation_selectors import (
    GenerationRequestError,
    candidate_user_ids,
    job_summary,
)
from coursecerts.certificates.models import (
    CertificateGenerationChunk,
    CertificateGenerationHistory,
    CertificateHistory,
    GeneratedCertificate,
    JobStates,
)
from coursecerts.certificates.services.generation_jobs import chunk_process, course_generation_start
from tests.factories import AllowlistFactory, GeneratedCertificateFactory, UserFactory, learner_in_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def learners(course):
    """Three passing, two failing, one audit."""
    return {
        "pass": [learner_in_course(course, username=f"pass{i}") for i in range(3)],
        "fail": [learner_in_course(course, percent=0.2, passed=False, username=f"fail{i}") for i in range(2)],
        "audit": [learner_in_course(course, mode="audit", username="audit0")],
    }


class TestCandidates:
    def test_all_skips_learners_who_hold_a_certificate_other_than_unavailable(self, course, learners):
        GeneratedCertificateFactory(user=learners["pass"][0], course=course)
        GeneratedCertificateFactory(user=learners["pass"][1], course=course, status="unavailable")
        ids = candidate_user_ids(course_run=course, scope="all")
        assert learners["pass"][0].pk not in ids and learners["pass"][1].pk in ids and len(ids) == 5

    def test_all_covers_active_enrollments_only(self, course, learners):
        learners["fail"][0].enrollments.update(is_active=False)
        assert learners["fail"][0].pk not in candidate_user_ids(course_run=course, scope="all")

    def test_allowlist_scopes(self, course, learners):
        AllowlistFactory(user=learners["fail"][0], course=course)
        AllowlistFactory(user=learners["pass"][0], course=course)
        GeneratedCertificateFactory(user=learners["pass"][0], course=course)
        assert set(candidate_user_ids(course_run=course, scope="allowlist")) == {
            learners["fail"][0].pk, learners["pass"][0].pk}  # fmt: skip
        assert candidate_user_ids(course_run=course, scope="allowlist_not_generated") == [
            learners["fail"][0].pk
        ]

    def test_statuses_scope_takes_learners_whose_certificate_has_one_of_them(self, course, learners):
        GeneratedCertificateFactory(user=learners["fail"][0], course=course, status="notpassing")
        GeneratedCertificateFactory(user=learners["pass"][0], course=course, status="downloadable")
        ids = candidate_user_ids(course_run=course, scope="statuses", statuses=["notpassing"])
        assert ids == [learners["fail"][0].pk]

    @pytest.mark.parametrize("statuses", [[], ["unavailable"], ["downloadable", "bogus"]])
    def test_only_the_open_edx_regeneration_statuses_are_accepted(self, course, statuses):
        with pytest.raises(
            GenerationRequestError, match="Please select certificate statuses from the list only"
        ):
            candidate_user_ids(course_run=course, scope="statuses", statuses=statuses)

    def test_learners_scope_names_unknown_usernames(self, course, learners):
        with pytest.raises(GenerationRequestError, match="Unknown learners: ghost"):
            candidate_user_ids(course_run=course, scope="learners", usernames=["pass0", "ghost"])

    def test_an_unknown_scope_is_refused(self, course):
        with pytest.raises(GenerationRequestError, match="Unknown scope 'everyone'"):
            candidate_user_ids(course_run=course, scope="everyone")


def test_a_dry_run_writes_nothing_and_says_who_would_get_what(course, learners):
    summary = course_generation_dry_run(course_run=course, scope="all")
    assert summary["total"] == 6 and summary["changed"] == 0
    assert summary["outcomes"] == {"downloadable": 3, "no_certificate": 3}
    assert summary["reasons"] == {"not_passing": 2, "mode_ineligible": 1}
    assert not GeneratedCertificate.objects.exists() and not CertificateGenerationHistory.objects.exists()


@override_settings(CERTIFICATE_GENERATION_CHUNK_SIZE=2)
def test_a_run_generates_the_course_in_chunks_and_reports_progress(
    course, learners, staff, captured_on_commit
):
    with captured_on_commit(execute=True):
        job, created = course_generation_start(course_run=course, scope="all", requested_by=staff)
    summary = job_summary(job)
    assert created and job.chunks.count() == 3
    assert (summary["state"], summary["done"], summary["total"]) == ("succeeded", 6, 6)
    assert summary["result"]["outcomes"] == {"downloadable": 3, "no_certificate": 3}
    assert GeneratedCertificate.objects.filter(course=course, status="downloadable").count() == 3
    assert set(CertificateHistory.objects.values_list("source", "actor")) == {("course_generation", staff.pk)}
    history = CertificateGenerationHistory.objects.get()
    assert (history.task_id, history.generated_by, history.get_task_name()) == (
        str(job.pk),
        staff,
        "generated",
    )


def test_regeneration_by_status_is_recorded_as_a_regeneration(course, learners, captured_on_commit):
    GeneratedCertificateFactory(user=learners["pass"][0], course=course, status="notpassing")
    with captured_on_commit(execute=True):
        job, _ = course_generation_start(course_run=course, scope="statuses", statuses=["notpassing"])
    assert GeneratedCertificate.objects.get(user=learners["pass"][0]).status == "downloadable"
    assert (
        job.history.is_regeneration
        and job.history.get_certificate_generation_candidates() == "didn't receive"
    )
    assert CertificateHistory.objects.get().source == "course_regeneration"


def test_an_empty_run_finishes_at_once(course):
    job, _ = course_generation_start(course_run=course, scope="all")
    assert job_summary(job)["state"] == "succeeded"


def test_a_second_start_joins_the_unfinished_run(course, learners):
    first, created = course_generation_start(course_run=course, scope="all", dispatch=False)
    second, created_again = course_generation_start(
        course_run=course, scope="statuses", statuses=["notpassing"]
    )
    assert created and not created_again and first.pk == second.pk


@override_settings(CERTIFICATE_GENERATION_CHUNK_SIZE=2, CERTIFICATE_GENERATION_LEASE_SECONDS=60)
def test_a_killed_worker_chunk_is_taken_again_after_its_lease_and_the_run_completes(
    course, learners, captured_on_commit
):
    job, _ = course_generation_start(course_run=course, scope="all", dispatch=False)
    first, second, third = job.chunks.order_by("index")
    chunk_process(chunk_id=first.pk)
    # A worker claimed the second chunk and died before committing: claimed, nothing written.
    CertificateGenerationChunk.objects.filter(pk=second.pk).update(
        state=JobStates.RUNNING, claimed_at=timezone.now()
    )
    assert chunk_process(chunk_id=second.pk) is None  # its lease still holds: nobody else may take it
    CertificateGenerationChunk.objects.filter(pk=second.pk).update(
        claimed_at=timezone.now() - dt.timedelta(minutes=5)
    )
    with captured_on_commit(execute=True):
        again, created = course_generation_start(course_run=course, scope="all")
    assert not created and job_summary(again)["state"] == "succeeded"
    assert GeneratedCertificate.objects.filter(course=course).count() == 3
    assert CertificateHistory.objects.count() == 3  # nothing written twice
    assert job_summary(job)["done"] == 6


def test_a_redelivered_chunk_message_changes_nothing(course, learners, captured_on_commit):
    with captured_on_commit(execute=True):
        job, _ = course_generation_start(course_run=course, scope="all")
    chunk = job.chunks.get()
    assert chunk_process(chunk_id=chunk.pk) is None
    assert CertificateHistory.objects.count() == 3


def test_a_chunk_that_fails_is_marked_failed_and_retried_on_resume(
    course, learners, monkeypatch, captured_on_commit
):
    from coursecerts.certificates.services import bulk_generation

    job, _ = course_generation_start(course_run=course, scope="all", dispatch=False)
    chunk = job.chunks.get()
    original = bulk_generation.decide_and_write

    def boom(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(bulk_generation, "decide_and_write", boom)
    with pytest.raises(RuntimeError):
        chunk_process(chunk_id=chunk.pk)
    chunk.refresh_from_db()
    assert chunk.state == JobStates.FAILED and not GeneratedCertificate.objects.exists()
    monkeypatch.setattr(bulk_generation, "decide_and_write", original)
    with captured_on_commit(execute=True):
        course_generation_start(course_run=course, scope="all")
    assert job_summary(job)["state"] == "succeeded" and GeneratedCertificate.objects.count() == 3


def _chunk_queries(course, count):
    for i in range(count):
        learner_in_course(course, username=f"q{count}-{i}", percent=0.9 if i % 2 else 0.1, passed=bool(i % 2))
    job, _ = course_generation_start(course_run=course, scope="all", dispatch=False)
    with CaptureQueriesContext(connection) as queries:
        chunk_process(chunk_id=job.chunks.get().pk)
    return len(queries)


def test_a_chunk_costs_the_same_number_of_queries_whatever_its_size():
    from tests.factories import CourseRunFactory

    _chunk_queries(CourseRunFactory(), 2)  # once per organisation: its Open Badges issuer key and status list
    small, large = _chunk_queries(CourseRunFactory(), 5), _chunk_queries(CourseRunFactory(), 60)
    assert small == large, f"{small} queries for 5 learners, {large} for 60"
    # 7 of them issue the chunk's Open Badges credentials (credentials.services.issuance), 1 finds the certificates
    # of other runs of the course that the chunk's renew (services.renewal). PostgreSQL and MariaDB lock the
    # chunk's learner profiles first (one more query); PostgreSQL's COPY returns no ids, so the new certificates'
    # ids are read back (one more), and its COPYs count as queries (common.bulk_rows logs them) but for the
    # outbox's (events.outgoing writes it outside Django's cursor).
    assert large <= {"sqlite": 38, "mysql": 39, "postgresql": 39}[connection.vendor]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plans")
def test_a_chunk_reads_only_its_own_range_of_the_course(course):
    """Each chunk's reads of enrollments, grades and certificates search the (course, user) index by course and
    user id range; with only the course_id index SQLite would read the whole course's rows for every chunk,
    and a course's run would cost the square of its size."""
    from coursecerts.certificates import selectors

    learners = [learner_in_course(course, username=f"r{i}") for i in range(60)]
    GeneratedCertificateFactory(user=learners[0], course=course)
    with CaptureQueriesContext(connection) as queries:
        selectors.course_learner_facts(course_run=course, user_ids=[u.pk for u in learners])
    tables = (
        "enrollments_courseenrollment",
        "grades_persistentcoursegrade",
        "certificates_generatedcertificate",
    )
    searched = set()
    with connection.cursor() as cursor:
        for query in queries:
            plan = "\n".join(
                row[-1] for row in cursor.execute("EXPLAIN QUERY PLAN " + query["sql"]).fetchall()
            )
            for table in tables:
                if f'FROM "{table}"' in query["sql"]:
                    assert "(course_id=? AND user_id>? AND user_id<?)" in plan, f"{query['sql']}\n{plan}"
                    assert "(course_id=?)" not in plan and "SCAN" not in plan, f"{query['sql']}\n{plan}"
                    searched.add(table)
    assert searched == set(tables)


def test_unknown_usernames_start_nothing(course):
    UserFactory(username="known")
    with pytest.raises(GenerationRequestError):
        course_generation_start(course_run=course, scope="learners", usernames=["known", "nobody"])
    assert not CertificateGenerationHistory.objects.exists()


def test_a_chunk_task_retries_a_passing_failure_and_the_run_succeeds(course, learners, failing_reads):
    from coursecerts.certificates.tasks import generate_certificates_chunk

    job, _ = course_generation_start(course_run=course, scope="all", dispatch=False)
    failing_reads["times"] = 2
    generate_certificates_chunk.apply(kwargs={"chunk_id": job.chunks.get().pk})
    assert job.chunks.get().attempts == 3
    assert job_summary(job)["state"] == "succeeded" and GeneratedCertificate.objects.count() == 3


@override_settings(CERTIFICATE_GENERATION_CHUNK_SIZE=2)
def test_a_chunk_that_keeps_failing_fails_the_job_with_its_error_and_a_new_start_retries_it(
    course, learners, failing_reads, captured_on_commit
):
    """Chunk 1 fails on every attempt (1 + 3 retries); chunks 0 and 2 are written. The job then says failed,
    with what was done and the error, and starting the course again joins it and finishes the job."""
    from coursecerts.certificates.tasks import generate_certificates_chunk

    job, _ = course_generation_start(course_run=course, scope="all", dispatch=False)
    first, second, third = job.chunks.order_by("index")
    generate_certificates_chunk.apply(kwargs={"chunk_id": first.pk})
    failing_reads["times"] = 4
    with pytest.raises(RuntimeError, match="database went away"):
        generate_certificates_chunk.apply(kwargs={"chunk_id": second.pk})
    second.refresh_from_db()
    assert (second.state, second.attempts) == (JobStates.FAILED, 4)
    assert job_summary(job)["state"] == "running"  # chunk 2 is still to come
    generate_certificates_chunk.apply(kwargs={"chunk_id": third.pk})
    summary = job_summary(job)
    assert (summary["state"], summary["done"]) == ("failed", 4)
    assert summary["error"] == "1 chunk(s) failed; chunk 1: RuntimeError: database went away"
    assert sum(summary["result"]["outcomes"].values()) == 4
    with captured_on_commit(execute=True):
        again, created = course_generation_start(course_run=course, scope="all")
    summary = job_summary(again)
    assert (again.pk, created, summary["state"], summary["done"], summary["error"]) == (
        job.pk, False, "succeeded", 6, None)  # fmt: skip
    assert GeneratedCertificate.objects.filter(status="downloadable").count() == 3
    assert CertificateHistory.objects.count() == 3
