"""PUT / DELETE /api/v1/courses/{course_key}/invalidations/{username} — invalidate; DELETE re-validates."""

import pytest

from coursecerts.certificates.models import CertificateInvalidation, GeneratedCertificate
from tests.api.conftest import COURSE_KEY, assert_error
from tests.factories import AllowlistFactory, GeneratedCertificateFactory, UserFactory, learner_in_course

pytestmark = pytest.mark.django_db


def url(username="alice"):
    return f"/api/v1/courses/{COURSE_KEY}/invalidations/{username}"


def test_put_invalidates_and_delete_revalidates(instructor_api, certificate):
    created = instructor_api.put(url(), {"notes": "plagiarism"}, format="json")
    assert created.status_code == 201
    body = created.json()
    assert (body["invalidated_by"], body["notes"], body["active"]) == ("ivy_instructor", "plagiarism", True)
    certificate.refresh_from_db()
    assert certificate.status == "unavailable"
    again = instructor_api.put(url(), {"notes": "plagiarism, confirmed"}, format="json")
    assert again.status_code == 200 and again.json()["notes"] == "plagiarism, confirmed"
    revalidated = instructor_api.delete(url())
    assert revalidated.status_code == 200
    assert revalidated.json() == {"certificate_status": "downloadable", "reason": "eligible"}
    assert not CertificateInvalidation.objects.filter(active=True).exists()
    assert_error(instructor_api.delete(url()), 409, "invalidation_not_allowed")


def test_the_dashboard_preconditions(instructor_api, physics, certificate):
    assert_error(instructor_api.put(url("nobody"), {}, format="json"), 404, "user_not_exist")
    learner_in_course(physics, username="bob")
    body = assert_error(instructor_api.put(url("bob"), {}, format="json"), 404, "no_certificate_for_user")
    assert "does not have certificate for the course Physics" in body["detail"]
    carol = UserFactory(username="carol")
    GeneratedCertificateFactory(user=carol, course=physics, status="notpassing")
    assert (
        "already invalid"
        in assert_error(instructor_api.put(url("carol"), {}, format="json"), 409, "invalidation_not_allowed")[
            "detail"
        ]
    )
    AllowlistFactory(user=certificate.user, course=physics)
    assert (
        "Certificate Exception list"
        in assert_error(instructor_api.put(url(), {}, format="json"), 409, "invalidation_not_allowed")[
            "detail"
        ]
    )
    assert GeneratedCertificate.objects.get(pk=certificate.pk).status == "downloadable"


def test_permissions(course_staff_api, alice_api, anonymous, certificate):
    assert course_staff_api.put(url(), {}, format="json").status_code == 403
    assert alice_api.delete(url()).status_code == 403
    assert anonymous.put(url(), {}, format="json").status_code == 401
