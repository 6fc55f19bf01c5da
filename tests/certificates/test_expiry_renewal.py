"""Renewal (ADR 0025): passing a later run of the same course, or a renewal the course team grants, issues a
certificate that links the one it renews; both histories show the chain."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from coursecerts.certificates.display import PublicState, certificate_record_status
from coursecerts.certificates.models import CertificateAllowlist, CertificateHistory
from coursecerts.certificates.services import certificate_generation_attempt
from coursecerts.certificates.services.bulk_generation import learners_generate
from coursecerts.certificates.services.renewal import renewal_chain
from tests.api.conftest import assert_error, client_for
from tests.factories import (
    CourseAccessRoleFactory,
    CourseRunFactory,
    EnrollmentFactory,
    GradeFactory,
    UserFactory,
    learner_in_course,
)

pytestmark = pytest.mark.django_db

NOW = timezone.now()


@pytest.fixture
def run_2026(db):
    return CourseRunFactory(
        id="course-v1:edX+Safety+2026",
        start=NOW - dt.timedelta(days=400),
        end=NOW - dt.timedelta(days=300),
        certificate_validity_days=365,
    )


@pytest.fixture
def run_2027(db):
    return CourseRunFactory(
        id="course-v1:edX+Safety+2027",
        start=NOW - dt.timedelta(days=30),
        end=NOW - dt.timedelta(days=1),
        certificate_validity_days=365,
    )


def passes(user, run):
    EnrollmentFactory(user=user, course=run)
    GradeFactory(user=user, course=run, percent_grade=0.9, passed=True)
    certificate_generation_attempt(user=user, course_run=run, source="grade_passed")
    return user.certificates.get(course=run)


def notes(certificate) -> list[str]:
    return list(
        CertificateHistory.objects.filter(certificate=certificate, source="renewal").values_list(
            "note", flat=True
        )
    )


def test_passing_a_later_run_renews_the_certificate_and_both_histories_show_it(run_2026, run_2027):
    learner = UserFactory(username="dana")
    with time_machine.travel(NOW - dt.timedelta(days=300), tick=False):
        first = passes(learner, run_2026)
    assert first.previous_certificate is None
    with time_machine.travel(NOW + dt.timedelta(days=70), tick=False):
        assert certificate_record_status(first).state is PublicState.EXPIRED
        second = passes(learner, run_2027)
        assert certificate_record_status(second).state is PublicState.VALID
    assert second.previous_certificate_id == first.pk
    assert second.expires_date == second.issued_date + dt.timedelta(days=365)
    assert notes(second) == [f"Renews certificate {first.verify_uuid} of course-v1:edX+Safety+2026"]
    assert notes(first) == [f"Renewed by certificate {second.verify_uuid} of course-v1:edX+Safety+2027"]
    assert [c.pk for c in renewal_chain(second)] == [second.pk, first.pk]
    other_course = CourseRunFactory(id="course-v1:edX+Art+2027")
    assert passes(learner, other_course).previous_certificate is None
    staff = client_for(UserFactory(username="root", is_staff=True))
    history = staff.get(f"/api/v1/certificates/{second.verify_uuid}/history").json()
    assert [row["source"] for row in history] == ["grade_passed", "renewal"]


def test_course_wide_generation_links_renewals_too(run_2026, run_2027):
    learners = [learner_in_course(run_2026, username=f"l{i}") for i in range(3)]
    learners_generate(course_run=run_2026, user_ids=[u.pk for u in learners], source="test")
    for learner in learners[:2]:
        EnrollmentFactory(user=learner, course=run_2027)
        GradeFactory(user=learner, course=run_2027, percent_grade=0.9, passed=True)
    learners_generate(course_run=run_2027, user_ids=[u.pk for u in learners[:2]], source="test")
    for learner in learners[:2]:
        new, old = learner.certificates.get(course=run_2027), learner.certificates.get(course=run_2026)
        assert new.previous_certificate_id == old.pk
        assert notes(old) == [f"Renewed by certificate {new.verify_uuid} of course-v1:edX+Safety+2027"]
    assert not learners[2].certificates.get(course=run_2026).renewals.exists()


def test_the_course_team_grants_a_renewal(run_2026, run_2027):
    learner = UserFactory(username="erin")
    first = passes(learner, run_2026)
    EnrollmentFactory(user=learner, course=run_2027)  # enrolled in the later run, not graded
    instructor = UserFactory(username="ivy")
    CourseAccessRoleFactory(user=instructor, course=run_2027, role="instructor")
    staff_member = UserFactory(username="sam")
    CourseAccessRoleFactory(user=staff_member, course=run_2027, role="staff")
    url = f"/api/v1/certificates/{first.verify_uuid}/renewals"
    body = {"course_key": str(run_2027.id), "note": "Completed the refresher module"}

    assert_error(client_for(staff_member).post(url, body, format="json"), 403, "permission_denied")
    answer = client_for(instructor).post(url, body, format="json")
    assert answer.status_code == 200, answer.content
    second = learner.certificates.get(course=run_2027)
    assert answer.json() == {
        "outcome": "downloadable",
        "reason": answer.json()["reason"],
        "verify_uuid": second.verify_uuid,
        "certificate_url": f"http://127.0.0.1:8000/certificates/{second.verify_uuid}",
        "renews": first.verify_uuid,
    }
    assert second.previous_certificate_id == first.pk
    entry = CertificateAllowlist.objects.get(user=learner, course=run_2027)
    assert "Completed the refresher module" in entry.notes
    assert_error(client_for(instructor).post(url, body, format="json"), 409, "already_renewed")


def test_a_renewal_is_refused_outside_a_later_run_of_the_same_course(run_2026, run_2027):
    learner = UserFactory(username="fay")
    later = passes(learner, run_2027)
    staff = client_for(UserFactory(username="root", is_staff=True))
    backwards = staff.post(
        f"/api/v1/certificates/{later.verify_uuid}/renewals", {"course_key": str(run_2026.id)}, format="json"
    )
    assert_error(backwards, 409, "not_a_later_run")
    other = CourseRunFactory(id="course-v1:edX+Art+2027")
    elsewhere = staff.post(
        f"/api/v1/certificates/{later.verify_uuid}/renewals", {"course_key": str(other.id)}, format="json"
    )
    assert_error(elsewhere, 404, "certificate_not_found")
