"""Every combination of the facts that matter (mode x grade x existing certificate x allowlist x invalidation x
ID verification), under every policy: the set-based path writes exactly what the per-learner path writes."""

import itertools

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from coursecerts.certificates import selectors
from coursecerts.certificates.models import (
    CertificateAllowlist,
    CertificateInvalidation,
    GeneratedCertificate,
)
from coursecerts.certificates.services import certificate_generation_attempt
from coursecerts.certificates.services.bulk_generation import decide_and_write
from coursecerts.enrollments.models import CourseEnrollment
from coursecerts.grades.models import PersistentCourseGrade
from coursecerts.learners.models import LearnerProfile
from coursecerts.verify_student.models import IdVerification
from tests.certificates.test_course_generation_equivalence import outcome
from tests.factories import CourseRunFactory

pytestmark = pytest.mark.django_db

MODES = ["audit", "honor", "verified", "no-id-professional"]
GRADES = [None, (0.91, True), (0.32, False)]
CERTS = [None, ("downloadable", "verified"), ("downloadable", "audit"), ("notpassing", "verified"),
         ("unavailable", "honor"), ("unverified", "verified"), ("error", "verified")]  # fmt: skip
COMBOS = [
    c for c in itertools.product(MODES, GRADES, CERTS, [False, True], [False, True], [False, True])
    if not (c[4] and c[2] is None)  # an invalidation needs a certificate
]  # fmt: skip


def build(course, users):
    CourseEnrollment.objects.bulk_create(
        CourseEnrollment(user=u, course=course, mode=c[0]) for u, c in zip(users, COMBOS, strict=True)
    )
    PersistentCourseGrade.objects.bulk_create(
        PersistentCourseGrade(user=u, course=course, percent_grade=c[1][0], passed=c[1][1])
        for u, c in zip(users, COMBOS, strict=True) if c[1]
    )  # fmt: skip
    CertificateAllowlist.objects.bulk_create(
        CertificateAllowlist(user=u, course=course, allowlist=True)
        for u, c in zip(users, COMBOS, strict=True)
        if c[3]
    )
    certs = GeneratedCertificate.objects.bulk_create(
        GeneratedCertificate(user=u, course=course, status=c[2][0], mode=c[2][1], name="Old", grade="0.5")
        for u, c in zip(users, COMBOS, strict=True) if c[2]
    )  # fmt: skip
    invalidated = {u.pk for u, c in zip(users, COMBOS, strict=True) if c[4]}
    CertificateInvalidation.objects.bulk_create(
        CertificateInvalidation(generated_certificate=cert, invalidated_by=users[0])
        for cert in certs if cert.user_id in invalidated
    )  # fmt: skip


@pytest.mark.parametrize("idv_required", [False, True])
@pytest.mark.parametrize("honor_disabled", [False, True])
def test_set_based_equals_per_learner_for_every_combination(idv_required, honor_disabled):
    User = get_user_model()
    users = User.objects.bulk_create(User(username=f"combo{i}") for i in range(len(COMBOS)))
    LearnerProfile.objects.bulk_create(LearnerProfile(user=u, name=f"Name {u.username}") for u in users)
    IdVerification.objects.bulk_create(
        IdVerification(user=u, status="approved") for u, c in zip(users, COMBOS, strict=True) if c[5]
    )
    per_learner, set_based = CourseRunFactory(display_name="Same"), CourseRunFactory(display_name="Same")
    build(per_learner, users)
    build(set_based, users)
    rules = {
        "ENABLE_CERTIFICATES_IDV_REQUIREMENT": idv_required,
        "DISABLE_HONOR_CERTIFICATES": honor_disabled,
    }
    with override_settings(**rules):
        for user in users:
            certificate_generation_attempt(user=user, course_run=per_learner, source="course_generation")
        rows = selectors.course_learner_facts(course_run=set_based)
        tally = decide_and_write(course_run=set_based, rows=rows, source="course_generation")
    expected = outcome(per_learner)
    assert outcome(set_based) == expected
    assert tally.changed > 0 and sum(tally.outcomes.values()) == len(COMBOS)
