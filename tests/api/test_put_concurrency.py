"""Racing first writes of the v1 PUTs: a platform's event workers send the same fact in parallel, and a course
team's tools retry.

Every PUT is an idempotent upsert (ADR 0009), also under parallel callers: each racing request answers 201 (the
one that created) or 200 (the others), never 400 or 500, and the run ends with exactly one row holding the
sent values. Threads wait at a barrier, then all send at once; several keys are raced so that the first writes
really collide. Needs a server database with concurrent writers (PostgreSQL, MariaDB)."""

import threading

import pytest
from django.db import connection

from coursecerts.certificates.models import CertificateConfiguration, GeneratedCertificate
from coursecerts.courses.models import CourseAccessRole, CourseRun
from coursecerts.enrollments.models import CourseEnrollment
from coursecerts.grades.models import PersistentCourseGrade
from coursecerts.learners.models import LearnerProfile
from coursecerts.verify_student.models import IdVerification
from tests.api.conftest import COURSE_KEY, client_for
from tests.factories import EnrollmentFactory, UserFactory

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

THREADS = 6
KEYS = 5


def race(client, puts):
    """Send the (url, body) PUTs all at once, one thread each; the status codes, in order."""
    barrier = threading.Barrier(len(puts), timeout=20)
    statuses = [None] * len(puts)

    def worker(index, url, body):
        try:
            barrier.wait()
            statuses[index] = client.put(url, body, format="json").status_code
        except Exception as exc:  # a crash in the thread is a failed PUT: shown in the assertion
            statuses[index] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, *put)) for i, put in enumerate(puts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def assert_one_created(statuses):
    assert (statuses.count(201), statuses.count(200)) == (1, len(statuses) - 1), statuses


@pytest.fixture
def api(staff):
    return client_for(staff)


def test_racing_first_puts_of_a_learner_create_one_learner(api):
    for n in range(KEYS):
        url = f"/api/v1/learners/racer{n}"
        assert_one_created(race(api, [(url, {"email": f"racer{n}@example.com", "name": "Racer"})] * THREADS))
        assert LearnerProfile.objects.filter(user__username=f"racer{n}", name="Racer").count() == 1


def test_racing_first_puts_of_an_enrollment_create_one_enrollment(api, physics):
    for n in range(KEYS):
        UserFactory(username=f"racer{n}")
        url = f"/api/v1/courses/{COURSE_KEY}/enrollments/racer{n}"
        assert_one_created(race(api, [(url, {"mode": "verified"})] * THREADS))
        assert CourseEnrollment.objects.get(user__username=f"racer{n}").mode == "verified"


def test_racing_first_passing_grades_create_one_grade_and_one_certificate(api, physics):
    for n in range(KEYS):
        racer = UserFactory(username=f"racer{n}")
        EnrollmentFactory(user=racer, course=physics)
        url = f"/api/v1/courses/{COURSE_KEY}/grades/racer{n}"
        assert_one_created(race(api, [(url, {"percent": 0.9, "passed": True})] * THREADS))
        grade = PersistentCourseGrade.objects.get(user=racer, course=physics)
        assert (grade.percent_grade, grade.passed) == (0.9, True)
        assert GeneratedCertificate.objects.get(user=racer, course=physics).status == "downloadable"


def test_racing_first_id_verifications_create_one_verification(api):
    for n in range(KEYS):
        UserFactory(username=f"racer{n}")
        url = f"/api/v1/learners/racer{n}/id-verification"
        assert_one_created(race(api, [(url, {"status": "approved"})] * THREADS))
        assert IdVerification.objects.get(user__username=f"racer{n}").status == "approved"


def test_racing_first_puts_of_a_course_run_create_one_run(api):
    for n in range(KEYS):
        key = f"course-v1:edX+Race{n}+2026"
        body = {"display_name": "Race", "modes": ["audit", "verified"]}
        assert_one_created(race(api, [(f"/api/v1/courses/{key}", body)] * THREADS))
        run = CourseRun.objects.get(pk=key)
        assert sorted(run.modes.values_list("mode_slug", flat=True)) == ["audit", "verified"]


def test_racing_first_certificate_configurations_create_one_configuration(api):
    for n in range(KEYS):
        key = f"course-v1:edX+Race{n}+2026"
        api.put(f"/api/v1/courses/{key}", {"display_name": "Race"}, format="json")
        url = f"/api/v1/courses/{key}/certificate-configuration"
        body = {"title": "Raced", "is_active": True, "signatories": [{"name": "Dr. Race"}]}
        assert_one_created(race(api, [(url, body)] * THREADS))
        configuration = CertificateConfiguration.objects.get(course_id=key)
        assert list(configuration.signatories.values_list("name", flat=True)) == ["Dr. Race"]


def test_racing_role_puts_leave_each_person_exactly_one_role(api, physics):
    """A promotion racing a demotion: each person ends with one of the two roles, never both."""
    for n in range(KEYS * 2):
        UserFactory(username=f"racer{n}")
        url = f"/api/v1/courses/{COURSE_KEY}/roles/racer{n}"
        statuses = race(api, [(url, {"role": "staff"}), (url, {"role": "instructor"})] * (THREADS // 2))
        assert set(statuses) <= {200, 201}, statuses
        roles = list(
            CourseAccessRole.objects.filter(user__username=f"racer{n}").values_list("role", flat=True)
        )
        assert roles in (["staff"], ["instructor"])


def test_racing_allowlist_puts_add_the_learner_once(api, physics):
    from coursecerts.certificates.models import CertificateAllowlist

    for n in range(KEYS):
        EnrollmentFactory(user=UserFactory(username=f"racer{n}"), course=physics)
        url = f"/api/v1/courses/{COURSE_KEY}/allowlist/racer{n}"
        assert_one_created(race(api, [(url, {"notes": "raced"})] * THREADS))
        assert CertificateAllowlist.objects.get(user__username=f"racer{n}").notes == "raced"


def test_racing_invalidation_puts_invalidate_once(api, physics):
    from coursecerts.certificates.models import CertificateInvalidation
    from coursecerts.certificates.services import certificate_generation_attempt
    from tests.factories import learner_in_course

    for n in range(KEYS):
        racer = learner_in_course(physics, username=f"racer{n}")
        certificate_generation_attempt(user=racer, course_run=physics, source="test")
        url = f"/api/v1/courses/{COURSE_KEY}/invalidations/racer{n}"
        assert_one_created(race(api, [(url, {"notes": "raced"})] * THREADS))
        assert CertificateInvalidation.objects.get(generated_certificate__user=racer).active is True


def test_racing_date_override_puts_create_one_override(api, physics):
    from coursecerts.certificates.models import CertificateDateOverride
    from coursecerts.certificates.services import certificate_generation_attempt
    from tests.factories import learner_in_course

    for n in range(KEYS):
        racer = learner_in_course(physics, username=f"racer{n}")
        certificate_generation_attempt(user=racer, course_run=physics, source="test")
        url = f"/api/v1/certificates/{racer.certificates.get().verify_uuid}/date-override"
        assert_one_created(race(api, [(url, {"date": "2026-01-15", "reason": "raced"})] * THREADS))
        assert CertificateDateOverride.objects.get(generated_certificate__user=racer).reason == "raced"
