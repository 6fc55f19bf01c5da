"""`coursecerts import_openedx` from a real MariaDB holding Open edX's schema (schema.sql) into the test database
(SQLite by default; PostgreSQL and MariaDB in .ci/run's stages)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from coursecerts.certificates.models import (
    CertificateAllowlist,
    CertificateConfiguration,
    CertificateDateOverride,
    CertificateGenerationCourseSetting,
    CertificateHistory,
    CertificateHtmlViewConfiguration,
    CertificateInvalidation,
    CertificateTemplate,
    GeneratedCertificate,
)
from coursecerts.courses.models import CourseAccessRole, CourseMode, CourseRun, Organization
from coursecerts.enrollments.models import CourseEnrollment
from coursecerts.grades.models import PersistentCourseGrade
from coursecerts.learners.models import LearnerProfile
from coursecerts.openedx.importer import run as import_run
from coursecerts.openedx.models import ImportTableProgress
from coursecerts.verify_student.models import IdVerification
from tests.openedx import fixtures as f

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def run_import(edx, *args) -> str:
    out = io.StringIO()
    call_command("import_openedx", "--database-url", edx.url, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def snapshot() -> dict:
    """Every imported row, as values: a run that changes nothing leaves it equal."""
    models = [
        Organization, CourseRun, CourseMode, CourseAccessRole, CourseEnrollment, PersistentCourseGrade,
        IdVerification, GeneratedCertificate, CertificateHistory, CertificateAllowlist, CertificateInvalidation,
        CertificateDateOverride, CertificateGenerationCourseSetting, CertificateTemplate,
        CertificateHtmlViewConfiguration, CertificateConfiguration, LearnerProfile, get_user_model(),
    ]  # fmt: skip
    return {m.__name__: sorted(map(str, m.objects.values_list())) for m in models}


def cert(username: str, course=f.ENDED) -> GeneratedCertificate:
    return GeneratedCertificate.objects.get(user__username=username, course_id=course)


def test_everything_is_imported_with_the_open_edx_values(edx):
    output = run_import(edx)

    assert Organization.objects.get(short_name="OLI").name == "Open Learning Initiative"
    ended = CourseRun.objects.get(pk=f.ENDED)
    assert (ended.display_name, ended.self_paced, ended.certificates_display_behavior, ended.language) == (
        "Data Science 101", False, "end", "en",
    )  # fmt: skip
    assert ended.end == dt.datetime(2025, 6, 1, tzinfo=UTC)
    # A self-paced run has no available date (ADR 0003); the adjustment is reported.
    self_paced = CourseRun.objects.get(pk=f.SELF)
    assert (self_paced.self_paced, self_paced.certificate_available_date) == (True, None)
    assert "self-paced run with end_with_date" in output
    assert ended.certificate_configuration.is_active
    assert set(CourseMode.objects.filter(course=ended).values_list("mode_slug", flat=True)) == {
        "audit",
        "verified",
    }

    alice = get_user_model().objects.get(username="alice")
    assert (alice.email, alice.is_active, alice.profile.name) == ("alice@example.com", True, "Alice Liddell")
    assert get_user_model().objects.get(username="frank").is_active is False
    assert CourseEnrollment.objects.get(user=alice, course=ended).mode == "verified"
    assert not CourseEnrollment.objects.get(user__username="carol").is_active
    grade = PersistentCourseGrade.objects.get(user=alice, course=ended)
    assert (grade.percent_grade, grade.passed, grade.letter_grade) == (0.91, True, "A")
    assert PersistentCourseGrade.objects.get(user__username="carol").passed is False
    # The strongest Open edX role per person and run; org-wide and other roles are not course roles here.
    roles = dict(CourseAccessRole.objects.values_list("user__username", "role"))
    assert roles == {"edx_staff": "instructor", "carol": "beta_tester"}
    verifications = {v.user.username: (v.status, v.expires_at) for v in IdVerification.objects.all()}
    assert verifications["alice"] == ("approved", dt.datetime(2026, 1, 1, tzinfo=UTC))
    assert verifications["dave"] == ("approved", dt.datetime(2025, 2, 1, tzinfo=UTC) + dt.timedelta(days=365))
    assert verifications["erin"] == ("denied", None)

    a = cert("alice")
    assert (a.verify_uuid, a.status, a.mode, a.grade) == (f.UUID_ALICE, "downloadable", "verified", "0.91")
    assert a.name == "Alice Liddell"  # what the LMS printed: the profile name, not the stale column
    assert (a.created_date, a.modified_date) == (
        dt.datetime(2025, 6, 1, 10, tzinfo=UTC), dt.datetime(2025, 6, 3, 12, tzinfo=UTC),
    )  # fmt: skip
    assert (a.issued_date, a.course_title) == (dt.datetime(2025, 6, 3, 12, tzinfo=UTC), "Data Science 101")
    assert cert("carol").status == "audit_passing"  # legacy statuses stay
    frank = cert("frank")
    assert (frank.status, frank.error_reason, frank.issued_date) == ("notpassing", "old", None)
    dave = cert("dave")
    assert (dave.download_url, dave.download_uuid, dave.key) == (
        "https://s3.example/cert/13.pdf",
        "d" * 32,
        "k" * 32,
    )
    assert f"13 -> {dave.verify_uuid}" in output and len(dave.verify_uuid) == 32
    history = CertificateHistory.objects.get(certificate=a)
    assert (history.source, history.status_before, history.status_after) == (
        "openedx_import",
        "",
        "downloadable",
    )

    allow = CertificateAllowlist.objects.get()
    assert (allow.user.username, allow.allowlist, allow.notes) == ("carol", True, "scholarship")
    assert allow.created == dt.datetime(2025, 3, 1, tzinfo=UTC)
    invalidation = CertificateInvalidation.objects.get()
    assert (invalidation.generated_certificate, invalidation.invalidated_by.username) == (
        cert("erin"),
        "edx_staff",
    )
    assert (invalidation.notes, invalidation.active) == ("plagiarism", True)
    override = CertificateDateOverride.objects.get()
    assert (override.generated_certificate, override.reason) == (cert("bob", f.SELF), "exam review")
    setting = CertificateGenerationCourseSetting.get(ended.pk)
    assert (setting.self_generation_enabled, setting.language_specific_templates_enabled) == (True, True)
    assert CertificateGenerationCourseSetting.objects.count() == 1  # the newest Open edX row only
    template = CertificateTemplate.objects.get()
    assert (template.name, template.mode, template.is_active) == ("OLI verified", "verified", False)
    assert "port it from Mako" in output
    configuration = CertificateHtmlViewConfiguration.current()
    assert (
        configuration.enabled
        and json.loads(configuration.configuration)["default"]["platform_name"] == "OLI Learn"
    )


def test_rows_coursecerts_cannot_accept_are_reported_with_their_ids_and_the_others_import(edx):
    output = run_import(edx)

    assert "REJECTED course_overviews_courseoverview (1, not imported): malformed course key" in output
    assert "ids not a course key" in output
    assert f"learner is not in the database's auth_user (or was rejected): ids {f.ORPHAN_CERT_ID}" in output
    assert f"no course overview, or the overview was rejected): ids {f.MALFORMED_CERT_ID}" in output
    assert "mode 'space-cadet' is not one coursecerts knows: ids 4" in output
    assert GeneratedCertificate.objects.count() == 6


def test_a_second_run_changes_nothing(edx):
    run_import(edx)
    before = snapshot()

    output = run_import(edx)

    assert snapshot() == before
    tables = ("auth_user", "certificates_", "student_")
    counts = [line.split() for line in output.splitlines() if line.startswith(tables)]
    assert all(row[2:4] == ["0", "0"] for row in counts), output


def test_a_row_changed_in_the_lms_is_updated_with_history(edx):
    run_import(edx)
    # Frank passes after a regrade; watermark: the change is newer than the last run's start.
    edx.execute(
        "UPDATE certificates_generatedcertificate SET status='downloadable', grade='0.75', "
        "modified_date=UTC_TIMESTAMP(6) WHERE id=15"
    )
    edx.execute("UPDATE auth_userprofile SET name='Frank Ocean Jr' WHERE user_id=7")
    edx.execute("UPDATE student_courseenrollment SET mode='honor' WHERE id=1")

    run_import(edx)

    frank = cert("frank")
    assert (frank.status, frank.grade, frank.name) == ("downloadable", "0.75", "Frank Ocean Jr")
    assert frank.issued_date is not None and frank.course_title == "Data Science 101"
    change = frank.history.order_by("-pk").first()
    assert (change.status_before, change.status_after) == ("notpassing", "downloadable")
    assert change.source == "openedx_import"
    assert LearnerProfile.objects.get(user__username="frank").name == "Frank Ocean Jr"
    assert CourseEnrollment.objects.get(user__username="alice", course_id=f.ENDED).mode == "honor"


def test_an_issued_record_stays_frozen_when_the_lms_re_saves_the_row(edx):
    run_import(edx)
    issued = cert("alice").issued_date
    edx.execute(
        "UPDATE course_overviews_courseoverview SET display_name='Renamed', modified=UTC_TIMESTAMP(6)"
    )
    edx.execute("UPDATE certificates_generatedcertificate SET modified_date=UTC_TIMESTAMP(6) WHERE id=10")

    run_import(edx)

    alice = cert("alice")
    assert (alice.issued_date, alice.course_title) == (issued, "Data Science 101")


def test_dry_run_writes_nothing_and_says_what_would_change(edx):
    before = snapshot()

    output = run_import(edx, "--dry-run")

    assert snapshot() == before
    assert not ImportTableProgress.objects.exists()
    assert "DRY RUN" in output and "would be given one" in output
    assert "certificates_generatedcertificate                          8         6" in output


def test_courses_narrows_the_import(edx):
    run_import(edx, "--courses", f.SELF)

    assert list(GeneratedCertificate.objects.values_list("user__username", flat=True)) == ["bob"]
    assert not CourseRun.objects.filter(pk=f.ENDED).exists()
    # bob, and edx_staff who overrode bob's date
    assert set(get_user_model().objects.values_list("username", flat=True)) == {"bob", "edx_staff"}


def test_a_stopped_run_resumes_where_it_stopped(edx, monkeypatch):
    original = import_run.STEPS
    failing = [
        import_run.Step(s.query, _fail, s.resumable, s.grouped, s.tables) if s.query.table.startswith("certificates_c")
        else s
        for s in original
    ]  # fmt: skip
    monkeypatch.setattr(import_run, "STEPS", failing)
    with pytest.raises(RuntimeError):
        run_import(edx)
    assert GeneratedCertificate.objects.count() == 6
    assert not CertificateAllowlist.objects.exists()
    monkeypatch.setattr(import_run, "STEPS", original)

    output = run_import(edx)

    assert "resumed a stopped run" in output
    assert CertificateAllowlist.objects.count() == 1
    assert GeneratedCertificate.objects.count() == 6
    # the tables the stopped run finished are not read again
    assert ImportTableProgress.objects.filter(table="certificates_generatedcertificate").count() == 1


def _fail(*args):
    raise RuntimeError("stopped")


def test_the_public_url_serves_the_imported_certificate_with_the_lms_name_and_title(edx, client):
    run_import(edx)

    page = client.get(f"/certificates/{f.UUID_ALICE}")

    assert page.status_code == 200
    body = page.content.decode()
    assert "Alice Liddell" in body and "Data Science 101" in body


def test_an_invalidated_imported_certificate_answers_410(edx, client):
    run_import(edx)

    assert client.get(f"/certificates/{f.UUID_ERIN}").status_code == 410
    assert client.get(f"/certificates/{f.UUID_FRANK}").status_code == 404  # never issued


def test_course_export_fills_signatories_and_title(edx, tmp_path):
    from PIL import Image

    root = tmp_path / "course"
    (root / "policies" / "2025_SP").mkdir(parents=True)
    (root / "static").mkdir()
    (root / "course.xml").write_text('<course url_name="2025_SP" org="OLI" course="DATA101"/>')
    Image.new("RGB", (4, 4), "black").save(root / "static" / "sig.png")
    policy = {"course/2025_SP": {"certificates": {"certificates": [{
        "name": "Verified", "is_active": True, "course_title": "Data Science, Verified Track",
        "signatories": [{"name": "Dr. Ada", "title": "Dean", "organization": "OLI",
                         "signature_image_path": "/asset-v1:OLI+DATA101+2025_SP+type@asset+block@sig.png"}],
    }]}}}  # fmt: skip
    (root / "policies" / "2025_SP" / "policy.json").write_text(json.dumps(policy))

    run_import(edx, "--course-export", str(tmp_path))

    configuration = CertificateConfiguration.objects.get(course_id=f.ENDED)
    assert (configuration.title, configuration.is_active) == ("Data Science, Verified Track", True)
    signatory = configuration.signatories.get()
    assert (signatory.name, signatory.title, signatory.organization) == ("Dr. Ada", "Dean", "OLI")
    assert signatory.signature_image.name.startswith("signatures/")
    assert cert("alice").course_title == "Data Science, Verified Track"


def test_a_bad_database_url_is_a_command_error(db):
    with pytest.raises(CommandError, match="mysql://user:password@host"):
        call_command("import_openedx", "--database-url", "postgres://x/y", stdout=io.StringIO())


def test_the_source_is_read_in_a_read_only_transaction(edx):
    from coursecerts.openedx.importer.source import SourceDatabase, SourceUrl

    with SourceDatabase(SourceUrl.parse(edx.url)) as source, pytest.raises(Exception, match="READ ONLY"):
        with source.connection.cursor() as cursor:
            cursor.execute("UPDATE auth_user SET email='x' WHERE id=2")
