"""Every model an operator manages has a changelist, an add page (where adding by hand is allowed) and a
change page that load with data in them."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from coursecerts.certificates import models as cert
from coursecerts.certificates.services import certificate_invalidation_create, date_override_set
from coursecerts.courses.models import CourseAccessRole, CourseMode, CourseRun, Organization
from coursecerts.enrollments.models import CourseEnrollment
from coursecerts.grades.models import PersistentCourseGrade
from coursecerts.learners.models import LearnerProfile
from coursecerts.verify_student.models import IdVerification
from tests.admin.helpers import admin_url
from tests.factories import (
    AllowlistFactory,
    CertificateConfigurationFactory,
    CourseAccessRoleFactory,
    CourseModeFactory,
    CourseRunFactory,
    GeneratedCertificateFactory,
    IdVerificationFactory,
    learner_in_course,
)

MANAGED_MODELS = [
    Organization,
    CourseRun,
    CourseMode,
    CourseAccessRole,
    get_user_model(),
    LearnerProfile,
    CourseEnrollment,
    PersistentCourseGrade,
    IdVerification,
    cert.CertificateConfiguration,
    cert.CertificateTemplate,
    cert.CertificateTemplateAsset,
    cert.GeneratedCertificate,
    cert.CertificateAllowlist,
    cert.CertificateInvalidation,
    cert.CertificateDateOverride,
    cert.CertificateGenerationHistory,
    cert.CertificateGenerationCourseSetting,
    cert.CertificateHtmlViewConfiguration,
    cert.CertificateGenerationConfiguration,
    cert.CertificateGenerationCommandConfiguration,
    cert.ModifiedCertificateTemplateCommandConfiguration,
    cert.PurgeReferencestoPDFCertificatesCommandConfiguration,
]
# Managed inline on their parent's page, not on their own.
INLINE_ONLY = {CourseMode}
REGISTERED = [model for model in MANAGED_MODELS if model not in INLINE_ONLY]
# Written only by generation: no add page.
NO_ADD = {cert.GeneratedCertificate, cert.CertificateGenerationHistory}


def label(model):
    return model._meta.label


@pytest.fixture
def every_record(physics, certificate, staff, settings, tmp_path):
    """At least one row of every managed model, made the way the platform or an operator would make it."""
    settings.MEDIA_ROOT = tmp_path
    chemistry = CourseRunFactory(id="course-v1:MITx+Chem+2025")  # two runs: the course filters show
    GeneratedCertificateFactory(course=chemistry, status="notpassing")
    CourseModeFactory(course=physics)
    CourseAccessRoleFactory(course=physics)
    IdVerificationFactory(user=certificate.user)
    configuration = CertificateConfigurationFactory(course=physics)
    configuration.signatories.create(name="Dr. Ada", title="Dean")
    cert.CertificateTemplate.objects.create(name="Default", template="<p>{{ name }}</p>", language="")
    cert.CertificateTemplateAsset.objects.create(
        description="Logo", asset_slug="logo", asset=SimpleUploadedFile("logo.png", b"png")
    )
    date_override_set(certificate=certificate, date=certificate.issued_date, reason="late grade", actor=staff)
    other = learner_in_course(physics, username="bob")
    AllowlistFactory(user=other, course=physics)
    invalidated = GeneratedCertificateFactory(
        user=learner_in_course(physics, username="carol"), course=physics
    )
    certificate_invalidation_create(certificate=invalidated, invalidated_by=staff, notes="copied")
    cert.CertificateGenerationHistory.objects.create(
        course=physics,
        generated_by=staff,
        is_regeneration=True,
        task_input={"statuses_to_regenerate": ["notpassing"]},
    )
    cert.CertificateGenerationCourseSetting.objects.create(
        course_key=physics.id, self_generation_enabled=True
    )
    cert.CertificateHtmlViewConfiguration.objects.create(configuration='{"default": {}}', enabled=True)
    for model in (
        cert.CertificateGenerationConfiguration,
        cert.CertificateGenerationCommandConfiguration,
        cert.ModifiedCertificateTemplateCommandConfiguration,
        cert.PurgeReferencestoPDFCertificatesCommandConfiguration,
    ):
        model.objects.create(enabled=True)


def test_every_managed_model_is_registered():
    assert [label(m) for m in REGISTERED if not admin.site.is_registered(m)] == []


@pytest.mark.parametrize("model", REGISTERED, ids=label)
def test_changelist_loads(staff_client, every_record, model):
    response = staff_client.get(admin_url(model))
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


@pytest.mark.parametrize("model", REGISTERED, ids=label)
def test_add_page_loads_unless_adding_by_hand_is_refused(staff_client, every_record, model):
    response = staff_client.get(admin_url(model, "add"))
    assert response.status_code == (403 if model in NO_ADD else 200)


@pytest.mark.parametrize("model", REGISTERED, ids=label)
def test_change_page_loads(staff_client, every_record, model):
    response = staff_client.get(admin_url(model, "change", model.objects.first()))
    assert response.status_code == 200
