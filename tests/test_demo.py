"""`coursecerts demo`: what it loads, what it generates, and that a second run changes nothing."""

import re
import subprocess
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from coursecerts.certificates import demo
from coursecerts.certificates.models import (
    CertificateAllowlist,
    CertificateConfiguration,
    CertificateInvalidation,
    CertificateStatuses,
    GeneratedCertificate,
    Signatory,
)
from coursecerts.certificates.services.pdf import certificate_pdf_get_or_render, pdf_storage
from coursecerts.courses.models import CourseAccessRole, CourseMode, CourseRun, Organization
from coursecerts.enrollments.models import CourseEnrollment
from coursecerts.grades.models import PersistentCourseGrade
from coursecerts.learners.models import LearnerProfile
from coursecerts.verify_student.models import IdVerification

SMALL = 60  # learners: enough for every kind of learner, fast enough for every test run


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """The demo's sample logo and signatures, and PDFs, are written here, not in the working tree's var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CERTIFICATE_PDF_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT


def run_demo(**options) -> str:
    stdout = StringIO()
    call_command("demo", stdout=stdout, stderr=StringIO(), **options)
    return stdout.getvalue()


def snapshot() -> dict:
    """Row counts of every project and auth model, and each certificate's verify_uuid and modified date."""
    models = [
        m
        for m in apps.get_models()
        if m._meta.app_label.startswith(
            ("certificates", "courses", "learners", "enrollments", "grades", "verify_student", "auth")
        )
    ]
    counts = {m._meta.label: m.objects.count() for m in models}
    certificates = {
        (c.user.username, str(c.course_id)): (c.verify_uuid, c.status, c.modified_date, c.download_url)
        for c in GeneratedCertificate.objects.select_related("user")
    }
    return {"counts": counts, "certificates": certificates}


@pytest.mark.django_db
class TestDemoContent:
    @pytest.fixture(autouse=True)
    def loaded(self):
        self.output = run_demo(learners=SMALL)

    def test_it_loads_one_organisation_and_two_runs(self):
        assert Organization.objects.get().short_name == "OLI"
        self_paced = CourseRun.objects.get(self_paced=True)
        instructor_paced = CourseRun.objects.get(self_paced=False)
        assert self_paced.certificate_available_date is None
        assert instructor_paced.certificates_display_behavior == "end_with_date"
        assert instructor_paced.certificate_available_date < timezone.now()
        assert CourseMode.objects.filter(course=instructor_paced).count() >= 4

    def test_each_run_has_an_active_configuration_with_two_signatories(self):
        assert CertificateConfiguration.objects.filter(is_active=True).count() == 2
        for configuration in CertificateConfiguration.objects.all():
            assert configuration.signatories.count() == 2
        assert all(s.name and s.title and s.organization for s in Signatory.objects.all())

    def test_it_loads_the_learners_in_mixed_modes(self):
        assert get_user_model().objects.filter(username__startswith="demo-learner-").count() == SMALL
        assert LearnerProfile.objects.filter(user__username="demo-learner-0001").exclude(name="").exists()
        modes = set(CourseEnrollment.objects.values_list("mode", flat=True))
        assert {"audit", "honor", "verified"} <= modes and len(modes) >= 5
        grades = PersistentCourseGrade.objects.all()
        assert grades.filter(passed=True).exists() and grades.filter(passed=False).exists()

    def test_some_learners_have_non_latin_names(self):
        names = set(LearnerProfile.objects.values_list("name", flat=True))
        for script in (r"[\u0600-\u06FF]", r"[\u0590-\u05FF]", r"[\u4E00-\u9FFF]"):  # Arabic, Hebrew, Chinese
            assert any(re.search(script, name) for name in names), script

    def test_some_learners_are_id_verified_and_some_are_not(self):
        approved = IdVerification.objects.filter(status="approved").count()
        assert 0 < approved < SMALL

    def test_it_adds_beta_testers_and_allowlisted_learners_some_failing(self):
        assert CourseAccessRole.objects.filter(role="beta_tester").count() == 6
        allowlisted = CertificateAllowlist.objects.filter(allowlist=True)
        assert allowlisted.count() == 6
        failing = PersistentCourseGrade.objects.filter(
            passed=False, user__in=allowlisted.values("user"), course__in=allowlisted.values("course")
        )
        assert failing.exists()
        for entry in allowlisted:
            certificate = GeneratedCertificate.objects.get(user=entry.user, course=entry.course)
            assert certificate.status == CertificateStatuses.DOWNLOADABLE

    def test_beta_testers_get_no_certificate(self):
        for role in CourseAccessRole.objects.filter(role="beta_tester"):
            assert not GeneratedCertificate.objects.filter(user=role.user, course=role.course).exists()

    def test_it_invalidates_exactly_one_certificate_of_a_learner_not_allowlisted(self):
        invalidation = CertificateInvalidation.objects.get()
        assert invalidation.active and invalidation.notes == "Demo: academic-integrity review"
        assert invalidation.invalidated_by.username == "admin"
        certificate = invalidation.generated_certificate
        assert certificate.status == CertificateStatuses.UNAVAILABLE
        assert not CertificateAllowlist.objects.filter(
            user=certificate.user, course=certificate.course
        ).exists()

    def test_a_few_certificates_are_legacy_pdfs(self):
        legacy = GeneratedCertificate.objects.exclude(download_url="")
        assert 3 <= legacy.count() <= 5
        for certificate in legacy:
            assert certificate.status == CertificateStatuses.DOWNLOADABLE
            assert re.fullmatch(r"[0-9a-f]{32}", certificate.download_uuid)
            assert certificate.download_url == (
                f"https://s3.amazonaws.com/verify.example.org/downloads/{certificate.download_uuid}/Certificate.pdf"
            )

    def test_the_demo_login_opens_the_console_with_both_runs(self, client):
        client.force_login(get_user_model().objects.get(username="admin"))
        page = client.get("/console/").content.decode()
        for run in CourseRun.objects.all():
            assert run.display_name in page

    def test_it_creates_the_demo_superuser(self):
        admin = get_user_model().objects.get(username="admin")
        assert admin.is_superuser and admin.is_staff and admin.email == "admin@example.com"
        assert admin.check_password("coursecerts-demo")

    def test_it_prints_the_summary_and_the_login(self):
        assert "Certificates by mode and status" in self.output
        assert re.search(r"verified\s+\d+", self.output)
        assert "Learners with no certificate, by reason" in self.output
        assert "Enrollment mode does not lead to a certificate" in self.output
        assert "Admin: http://127.0.0.1:8000/admin/  login: admin / coursecerts-demo" in self.output
        assert "Course-team console: http://127.0.0.1:8000/console/" in self.output

    def test_a_second_run_changes_nothing(self):
        before = snapshot()
        output = run_demo(learners=SMALL)
        assert snapshot() == before
        assert "Demo already loaded" in output
        assert "certificates already up to date" in output
        assert "Invalidation already done" in output
        assert "Legacy PDF certificates already present: 4" in output
        assert (
            output.split("Certificates by mode and status")[1]
            == self.output.split("Certificates by mode and status")[1]
        )

    def test_a_larger_run_only_adds_learners(self):
        before = snapshot()["certificates"]
        run_demo(learners=SMALL + 30)
        after = snapshot()["certificates"]
        assert get_user_model().objects.filter(username__startswith="demo-learner-").count() == SMALL + 30
        assert {key: after[key] for key in before} == before
        assert CertificateInvalidation.objects.count() == 1


@pytest.mark.django_db
def test_it_keeps_a_password_the_operator_changed():
    admin = get_user_model().objects.create_superuser("admin", "ops@example.com", "operator-secret")
    output = run_demo(learners=10)
    admin.refresh_from_db()
    assert admin.check_password("operator-secret") and admin.email == "ops@example.com"
    assert "coursecerts-demo" not in output
    assert "login: admin (its password was changed" in output


@pytest.mark.django_db
def test_with_the_id_verification_requirement_some_certificates_are_unverified(settings):
    settings.ENABLE_CERTIFICATES_IDV_REQUIREMENT = True
    run_demo(learners=SMALL)
    assert GeneratedCertificate.objects.filter(status=CertificateStatuses.UNVERIFIED).exists()
    assert GeneratedCertificate.objects.filter(status=CertificateStatuses.DOWNLOADABLE).exists()


@pytest.mark.django_db
def test_it_rejects_a_learner_count_below_one():
    with pytest.raises(CommandError, match="at least 1"):
        run_demo(learners=0)
    assert not CourseRun.objects.exists()


@pytest.mark.django_db
def test_the_default_demo_has_about_a_thousand_learners():
    output = run_demo()
    assert get_user_model().objects.filter(username__startswith="demo-learner-").count() == 1000
    assert 1200 <= CourseEnrollment.objects.count() <= 1500
    assert GeneratedCertificate.objects.filter(status=CertificateStatuses.DOWNLOADABLE).count() > 400
    assert "Admin: http://127.0.0.1:8000/admin/" in output


def test_learner_data_is_deterministic():
    assert demo.learner_spec(42) == demo.learner_spec(42)
    assert demo.learner_spec(3).name == "ليلى حداد"
    specs = [demo.learner_spec(n) for n in range(1, 1001)]
    percents = [e.percent for s in specs for e in s.enrollments if e.percent is not None]
    assert 0.65 < sum(percents) / len(percents) < 0.75
    assert all(0 <= p <= 1 for p in percents)


@pytest.mark.django_db
def test_generation_is_set_based_its_queries_do_not_grow_with_the_learners():
    """The demo generates a run's learners in chunks (learners_generate), not one learner at a time: three
    times the learners cost the same number of queries (after the organisation's one-time issuer set-up)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def generation_queries(learners: int) -> int:
        demo.demo_load(learners=learners)
        with CaptureQueriesContext(connection) as queries:
            demo.demo_generate(learner_ids=demo.demo_learner_ids())
        return len(queries)

    generation_queries(10)  # once per organisation: its issuer key and first status list (ADR 0019)
    GeneratedCertificate.objects.all().delete()
    small = generation_queries(30)
    GeneratedCertificate.objects.all().delete()
    assert generation_queries(90) == small


@pytest.mark.django_db
def test_the_page_does_not_read_certificate_twice():
    """The demo's configuration title is a course title ("... has successfully completed <title>"), not the
    name of a certificate."""
    run_demo(learners=10)
    titles = set(GeneratedCertificate.objects.values_list("course_title", flat=True))
    titles |= set(CertificateConfiguration.objects.values_list("title", flat=True))
    assert "Data Science Foundations: Statistics, Python and Visualisation" in titles
    assert not [title for title in titles if "certificate" in title.lower()]


@pytest.mark.django_db
def test_the_organisation_and_signatories_get_sample_images(tmp_path):
    """So that the demo's certificates show what a real one looks like: a logo, and a signature above each name."""
    run_demo(learners=10)
    logo = Organization.objects.get().logo
    assert logo and logo.read().startswith(b"\x89PNG")
    signatories = Signatory.objects.all()
    assert signatories.count() == 4 and all(s.signature_image for s in signatories)
    certificate = GeneratedCertificate.objects.filter(status=CertificateStatuses.DOWNLOADABLE).first()
    stored = certificate_pdf_get_or_render(certificate=certificate, language="en")
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(pdf_storage().open(stored.name).read())
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], check=True, capture_output=True, text=True)
    assert len(listing.stdout.splitlines()[2:]) >= 3  # the logo and two signatures (and their alpha masks)


@pytest.mark.django_db
def test_sample_images_fill_only_what_is_missing():
    run_demo(learners=10)
    kept, emptied = Signatory.objects.order_by("pk")[:2]
    kept.signature_image.save("operator.png", ContentFile(kept.signature_image.read()))
    Signatory.objects.filter(pk=emptied.pk).update(signature_image="")
    run_demo(learners=10)
    kept.refresh_from_db()
    emptied.refresh_from_db()
    assert kept.signature_image.name.startswith("signatures/operator")
    assert emptied.signature_image
