"""Property: for random courses, the set-based path and the per-learner path write the same certificates,
statuses and history. Two identical runs are built; one is decided learner by learner through
certificate_generation_attempt, the other in bulk through decide_and_write; the results must match."""

from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from coursecerts.certificates import selectors
from coursecerts.certificates.models import CertificateHistory, GeneratedCertificate
from coursecerts.certificates.services import certificate_generation_attempt
from coursecerts.certificates.services.bulk_generation import decide_and_write
from tests.factories import (
    AllowlistFactory,
    CourseAccessRoleFactory,
    CourseRunFactory,
    EnrollmentFactory,
    GeneratedCertificateFactory,
    GradeFactory,
    IdVerificationFactory,
    InvalidationFactory,
    UserFactory,
)

MODES = ["audit", "honor", "verified", "professional", "no-id-professional", "masters"]
STATUSES = ["downloadable", "notpassing", "unavailable", "unverified", "error"]

learner = st.fixed_dictionaries({
    "mode": st.sampled_from(MODES),
    "active": st.booleans(),
    "grade": st.none() | st.tuples(st.floats(0, 1), st.booleans()) | st.tuples(st.floats(0, 0.5), st.just(False)),
    "allowlisted": st.integers(0, 3).map(lambda n: n == 0),
    "beta": st.integers(0, 9).map(lambda n: n == 0),
    "idv": st.sampled_from([None, "approved", "denied"]),
    "certificate": st.none() | st.tuples(st.sampled_from(STATUSES), st.sampled_from(MODES)),
    "invalidated": st.integers(0, 3).map(lambda n: n == 0),
})  # fmt: skip
policy = st.fixed_dictionaries({
    "ENABLE_CERTIFICATES_IDV_REQUIREMENT": st.booleans(),
    "DISABLE_HONOR_CERTIFICATES": st.booleans(),
})  # fmt: skip


def build(course, users, specs):
    for user, spec in zip(users, specs, strict=True):
        EnrollmentFactory(user=user, course=course, mode=spec["mode"], is_active=spec["active"])
        if spec["grade"]:
            GradeFactory(user=user, course=course, percent_grade=spec["grade"][0], passed=spec["grade"][1])
        if spec["allowlisted"]:
            AllowlistFactory(user=user, course=course)
        if spec["beta"]:
            CourseAccessRoleFactory(user=user, course=course, role="beta_tester")
        if spec["certificate"]:
            status, mode = spec["certificate"]
            cert = GeneratedCertificateFactory(user=user, course=course, status=status, mode=mode, name="Old")
            if spec["invalidated"]:
                InvalidationFactory(generated_certificate=cert, invalidated_by=users[0])


def outcome(course):
    certs = {
        c.user_id: (c.status, c.mode, c.grade, c.name, c.course_title, c.issued_date is None, c.download_url)
        for c in GeneratedCertificate.objects.filter(course=course)
    }
    history = sorted(
        (h.certificate.user_id, h.source, h.status_before, h.status_after, h.mode_before, h.mode_after,
         h.grade_before, h.grade_after, h.name_before, h.name_after)
        for h in CertificateHistory.objects.filter(certificate__course=course).select_related("certificate")
    )  # fmt: skip
    return certs, history


class SetBasedEqualsPerLearnerTests(TestCase):
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(specs=st.lists(learner, min_size=1, max_size=12), rules=policy)
    def test_both_paths_write_the_same_certificates_and_history(self, specs, rules):
        with override_settings(**rules):
            users = [UserFactory() for _ in specs]
            for user in users[:2]:
                IdVerificationFactory(user=user, status="approved")
            for user, spec in zip(users, specs, strict=True):
                if spec["idv"] and user.pk not in {u.pk for u in users[:2]}:
                    IdVerificationFactory(user=user, status=spec["idv"])
            per_learner, set_based = (
                CourseRunFactory(display_name="Same"),
                CourseRunFactory(display_name="Same"),
            )
            build(per_learner, users, specs)
            build(set_based, users, specs)

            for user in users:
                certificate_generation_attempt(user=user, course_run=per_learner, source="course_generation")
            rows = selectors.course_learner_facts(course_run=set_based)
            decide_and_write(course_run=set_based, rows=rows, source="course_generation")

            assert outcome(per_learner) == outcome(set_based)
