"""factory_boy factories. Related factories share the learner and run, so a grade, an enrollment and a
certificate made together always agree."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from coursecerts.certificates.models import (
    CertificateAllowlist,
    CertificateConfiguration,
    CertificateInvalidation,
    CertificateStatuses,
    GeneratedCertificate,
)
from coursecerts.courses.models import CourseAccessRole, CourseMode, CourseRun, Organization
from coursecerts.enrollments.models import CourseEnrollment
from coursecerts.grades.models import PersistentCourseGrade
from coursecerts.learners.models import LearnerProfile
from coursecerts.verify_student.models import IdVerification


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("short_name",)

    short_name = "edX"
    name = factory.LazyAttribute(lambda o: f"{o.short_name} University")


class CourseRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseRun

    id = factory.Sequence(lambda n: f"course-v1:edX+C{n}+2026")
    organization = factory.SubFactory(OrganizationFactory)
    display_name = factory.Sequence(lambda n: f"Course {n}")
    self_paced = True
    start = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=60))
    end = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))


class CourseModeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseMode

    course = factory.SubFactory(CourseRunFactory)
    mode_slug = "verified"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"learner{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    profile = factory.RelatedFactory("tests.factories.LearnerProfileFactory", factory_related_name="user")


class LearnerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearnerProfile
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory, profile=None)
    name = factory.LazyAttribute(lambda o: f"{o.user.username.title()} Example")


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseEnrollment

    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CourseRunFactory)
    mode = "verified"
    is_active = True


class GradeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersistentCourseGrade

    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CourseRunFactory)
    percent_grade = 0.85
    passed = True


class IdVerificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IdVerification

    user = factory.SubFactory(UserFactory)
    status = "approved"


class CourseAccessRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseAccessRole

    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CourseRunFactory)
    role = "beta_tester"


class GeneratedCertificateFactory(factory.django.DjangoModelFactory):
    """A stored certificate, written directly (as imported data would be), not through the services."""

    class Meta:
        model = GeneratedCertificate

    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CourseRunFactory)
    status = CertificateStatuses.DOWNLOADABLE
    mode = "verified"
    grade = "0.85"
    name = factory.LazyAttribute(lambda o: o.user.profile.name if hasattr(o.user, "profile") else "")
    issued_date = factory.LazyFunction(timezone.now)


class AllowlistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CertificateAllowlist

    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CourseRunFactory)
    allowlist = True
    notes = "granted"


class InvalidationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CertificateInvalidation

    generated_certificate = factory.SubFactory(GeneratedCertificateFactory)
    invalidated_by = factory.SubFactory(UserFactory, username="instructor", is_staff=True)
    notes = "cheating"
    active = True


class CertificateConfigurationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CertificateConfiguration

    course = factory.SubFactory(CourseRunFactory)
    title = ""
    is_active = True


def learner_in_course(course, *, mode="verified", percent=0.85, passed=True, grade=True, **user_kwargs):
    """A learner enrolled in `course` with a grade (unless grade=False). Returns the user."""
    user = UserFactory(**user_kwargs)
    EnrollmentFactory(user=user, course=course, mode=mode)
    if grade:
        GradeFactory(user=user, course=course, percent_grade=percent, passed=passed)
    return user


class CertificateTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "certificates.CertificateTemplate"

    name = factory.Sequence(lambda n: f"Template {n}")
    description = factory.LazyAttribute(lambda o: f"{o.name} description")
    template = "<h1>Course Certificate</h1>\n<p>{{ accomplishment_copy_name }}</p>\n"
    course_key = factory.Sequence(lambda n: f"course-v1:edX+T{n}+2026")
    mode = "verified"
    is_active = True


class CertificateTemplateAssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "certificates.CertificateTemplateAsset"

    description = factory.Sequence(lambda n: f"Asset {n}")
    asset_slug = factory.Sequence(lambda n: f"asset-{n}")
