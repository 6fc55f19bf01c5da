"""Grades, enrollments and ID verifications edited in the admin go through their services, so the certificate
triggers fire as they do from the API."""

from coursecerts.certificates.models import GeneratedCertificate
from coursecerts.enrollments.models import CourseEnrollment
from coursecerts.grades.models import PersistentCourseGrade
from coursecerts.verify_student.models import IdVerification
from tests.admin.helpers import admin_url, form_errors
from tests.factories import EnrollmentFactory, GradeFactory, UserFactory, learner_in_course


def test_a_passing_grade_entered_in_the_admin_issues_the_certificate(
    staff_client, physics, captured_on_commit
):
    learner = learner_in_course(physics, username="frank", grade=False)
    with captured_on_commit(execute=True):
        response = staff_client.post(
            admin_url(PersistentCourseGrade, "add"),
            {"user": learner.pk, "course": str(physics.id), "percent_grade": "0.9", "passed": "on"},
        )
    assert response.status_code == 302
    certificate = GeneratedCertificate.objects.get(user=learner)
    assert (certificate.status, certificate.grade) == ("downloadable", "0.9")


def test_a_grade_changed_to_failing_revokes_the_certificate(staff_client, certificate):
    grade = PersistentCourseGrade.objects.get(user=certificate.user)
    response = staff_client.post(
        admin_url(PersistentCourseGrade, "change", grade), {"percent_grade": "0.3", "letter_grade": "F"}
    )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert (certificate.status, certificate.grade) == ("notpassing", "0.3")


def test_a_grade_above_one_is_a_form_error(staff_client, physics):
    learner = UserFactory(username="gina")
    response = staff_client.post(
        admin_url(PersistentCourseGrade, "add"),
        {"user": learner.pk, "course": str(physics.id), "percent_grade": "1.5"},
    )
    assert response.status_code == 200
    assert "grade_percent_between_0_and_1" in form_errors(response)
    assert not PersistentCourseGrade.objects.exists()


def test_an_upgrade_from_audit_in_the_admin_issues_the_certificate(staff_client, physics, captured_on_commit):
    learner = learner_in_course(physics, username="hal", mode="audit")
    enrollment = CourseEnrollment.objects.get(user=learner)
    with captured_on_commit(execute=True):
        response = staff_client.post(
            admin_url(CourseEnrollment, "change", enrollment), {"mode": "verified", "is_active": "on"}
        )
    assert response.status_code == 302
    assert GeneratedCertificate.objects.get(user=learner).mode == "verified"


def test_an_approved_verification_issues_the_certificate(staff_client, physics, settings, captured_on_commit):
    settings.ENABLE_CERTIFICATES_IDV_REQUIREMENT = True
    learner = UserFactory(username="ivy")
    EnrollmentFactory(user=learner, course=physics, mode="verified")
    GradeFactory(user=learner, course=physics)
    with captured_on_commit(execute=True):
        response = staff_client.post(
            admin_url(IdVerification, "add"), {"user": learner.pk, "status": "approved"}
        )
    assert response.status_code == 302
    assert IdVerification.objects.get(user=learner).status == "approved"
    assert GeneratedCertificate.objects.get(user=learner).status == "downloadable"
