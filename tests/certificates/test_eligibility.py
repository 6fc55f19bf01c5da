"""The eligibility rules (certificates/eligibility.py), as pure functions: no database."""

from dataclasses import replace

import pytest

from coursecerts.certificates.eligibility import (
    Action,
    LearnerFacts,
    Path,
    Policy,
    Reason,
    decide,
    is_mode_eligible,
)
from coursecerts.certificates.models import CertificateStatuses as S

PASSING = LearnerFacts(enrollment_mode="verified", grade_passed=True, grade_percent=0.9, is_id_verified=True)
FAILING = replace(PASSING, grade_passed=False, grade_percent=0.3)
POLICY = Policy()
IDV = Policy(idv_required=True)


def test_a_passing_enrolled_learner_gets_a_downloadable_certificate():
    decision = decide(PASSING, POLICY)
    assert (decision.action, decision.status, decision.reason, decision.path) == (
        Action.GENERATE,
        S.DOWNLOADABLE,
        Reason.ELIGIBLE,
        Path.REGULAR,
    )
    assert decision.eligible is True


@pytest.mark.parametrize(
    "mode",
    [
        "honor",
        "verified",
        "professional",
        "no-id-professional",
        "masters",
        "credit",
        "executive-education",
        "paid-executive-education",
        "unpaid-executive-education",
        "paid-bootcamp",
        "unpaid-bootcamp",
    ],
)
def test_every_mode_but_audit_is_eligible(mode):
    assert is_mode_eligible(mode, POLICY) is True
    assert decide(replace(PASSING, enrollment_mode=mode), POLICY).status == S.DOWNLOADABLE


def test_audit_is_never_eligible_even_allowlisted():
    for facts in (
        replace(PASSING, enrollment_mode="audit"),
        replace(PASSING, enrollment_mode="audit", is_allowlisted=True),
    ):
        decision = decide(facts, POLICY)
        assert decision.action == Action.NONE
        assert decision.reason == Reason.MODE_INELIGIBLE


def test_honor_is_ineligible_when_honor_certificates_are_disabled():
    facts = replace(PASSING, enrollment_mode="honor")
    assert decide(facts, Policy(honor_disabled=True)).reason == Reason.MODE_INELIGIBLE
    assert decide(facts, POLICY).status == S.DOWNLOADABLE


def test_not_enrolled_gets_nothing():
    decision = decide(replace(PASSING, enrollment_mode=None), POLICY)
    assert (decision.action, decision.reason, decision.outcome) == (
        Action.NONE,
        Reason.NOT_ENROLLED,
        "no_certificate",
    )


def test_regular_path_needs_a_grade_and_a_pass():
    assert decide(replace(PASSING, grade_passed=None, grade_percent=None), POLICY).reason == Reason.NO_GRADE
    decision = decide(FAILING, POLICY)
    assert (decision.action, decision.reason) == (Action.NONE, Reason.NOT_PASSING)


def test_failing_with_an_existing_certificate_marks_it_notpassing():
    decision = decide(replace(FAILING, certificate_status=S.UNAVAILABLE, certificate_mode="verified"), POLICY)
    assert (decision.action, decision.status) == (Action.MARK_NOTPASSING, S.NOTPASSING)


def test_failing_with_a_notpassing_certificate_writes_nothing_again():
    decision = decide(replace(FAILING, certificate_status=S.NOTPASSING), POLICY)
    assert (decision.action, decision.status) == (Action.NONE, S.NOTPASSING)


def test_failing_does_not_revoke_a_valid_downloadable_certificate():
    """Generation never revokes a valid downloadable certificate; only the grade-failed trigger does."""
    decision = decide(
        replace(FAILING, certificate_status=S.DOWNLOADABLE, certificate_mode="verified"), POLICY
    )
    assert (decision.action, decision.status) == (Action.NONE, S.DOWNLOADABLE)


def test_beta_testers_get_nothing_on_the_regular_path_but_can_be_allowlisted():
    assert decide(replace(PASSING, is_beta_tester=True), POLICY).reason == Reason.BETA_TESTER
    decision = decide(replace(PASSING, is_beta_tester=True, is_allowlisted=True), POLICY)
    assert (decision.status, decision.path) == (S.DOWNLOADABLE, Path.ALLOWLIST)


def test_allowlisted_learners_need_no_grade():
    for facts in (
        replace(FAILING, is_allowlisted=True),
        replace(PASSING, is_allowlisted=True, grade_passed=None),
    ):
        decision = decide(facts, POLICY)
        assert (decision.action, decision.status, decision.reason) == (
            Action.GENERATE,
            S.DOWNLOADABLE,
            Reason.ALLOWLISTED,
        )


def test_ccx_runs_issue_no_regular_certificates():
    assert decide(replace(PASSING, is_ccx=True), POLICY).reason == Reason.CCX
    assert decide(replace(PASSING, is_ccx=True, is_allowlisted=True), POLICY).status == S.DOWNLOADABLE


def test_an_active_invalidation_blocks_and_makes_the_certificate_unavailable():
    facts = replace(
        PASSING, has_active_invalidation=True, certificate_status=S.DOWNLOADABLE, certificate_mode="verified"
    )
    decision = decide(facts, POLICY)
    assert (decision.action, decision.status, decision.reason) == (
        Action.INVALIDATE,
        S.UNAVAILABLE,
        Reason.INVALIDATED,
    )
    already = decide(replace(facts, certificate_status=S.UNAVAILABLE), POLICY)
    assert (already.action, already.status) == (Action.NONE, S.UNAVAILABLE)


def test_an_invalidation_also_blocks_allowlisted_learners():
    facts = replace(
        PASSING, is_allowlisted=True, has_active_invalidation=True, certificate_status=S.UNAVAILABLE
    )
    assert decide(facts, POLICY).reason == Reason.INVALIDATED


class TestIdVerification:
    def test_required_and_missing_gives_an_unverified_certificate(self):
        decision = decide(replace(PASSING, is_id_verified=False), IDV)
        assert (decision.action, decision.status, decision.reason) == (
            Action.GENERATE,
            S.UNVERIFIED,
            Reason.ID_NOT_VERIFIED,
        )

    def test_required_and_present_gives_a_downloadable_certificate(self):
        assert decide(PASSING, IDV).status == S.DOWNLOADABLE

    @pytest.mark.parametrize("mode", ["honor", "no-id-professional"])
    def test_exempt_modes_need_no_verification(self, mode):
        assert (
            decide(replace(PASSING, enrollment_mode=mode, is_id_verified=False), IDV).status == S.DOWNLOADABLE
        )

    def test_not_required_means_not_checked(self):
        assert decide(replace(PASSING, is_id_verified=False), POLICY).status == S.DOWNLOADABLE

    def test_existing_certificate_is_marked_unverified(self):
        facts = replace(PASSING, is_id_verified=False, certificate_status=S.NOTPASSING)
        assert (decide(facts, IDV).action, decide(facts, IDV).status) == (
            Action.MARK_UNVERIFIED,
            S.UNVERIFIED,
        )

    def test_allowlisted_without_verification_is_unverified(self):
        assert decide(replace(FAILING, is_id_verified=False, is_allowlisted=True), IDV).status == S.UNVERIFIED

    def test_missing_verification_and_failing_changes_nothing(self):
        facts = replace(FAILING, is_id_verified=False, certificate_status=S.UNAVAILABLE)
        decision = decide(facts, IDV)
        assert (decision.action, decision.status) == (Action.NONE, S.UNAVAILABLE)


class TestExistingDownloadable:
    def test_a_downloadable_certificate_is_final(self):
        decision = decide(
            replace(PASSING, certificate_status=S.DOWNLOADABLE, certificate_mode="verified"), POLICY
        )
        assert (decision.action, decision.reason) == (Action.NONE, Reason.ALREADY_DOWNLOADABLE)

    def test_except_after_an_upgrade_from_an_ineligible_mode(self):
        decision = decide(
            replace(PASSING, certificate_status=S.DOWNLOADABLE, certificate_mode="audit"), POLICY
        )
        assert (decision.action, decision.status) == (Action.GENERATE, S.DOWNLOADABLE)

    def test_honor_to_verified_is_an_upgrade_only_when_honor_is_disabled(self):
        facts = replace(PASSING, certificate_status=S.DOWNLOADABLE, certificate_mode="honor")
        assert decide(facts, POLICY).action == Action.NONE
        assert decide(facts, Policy(honor_disabled=True)).action == Action.GENERATE

    @pytest.mark.parametrize("status", [S.NOTPASSING, S.UNAVAILABLE, S.UNVERIFIED, S.ERROR, S.GENERATING])
    def test_every_other_status_is_regenerated(self, status):
        assert decide(replace(PASSING, certificate_status=status), POLICY).status == S.DOWNLOADABLE


def test_web_certificates_must_be_enabled_globally_and_for_the_run():
    assert (
        decide(replace(PASSING, cert_html_view_enabled=False), POLICY).reason
        == Reason.WEB_CERTIFICATES_DISABLED
    )
    assert decide(PASSING, Policy(html_view_enabled=False)).reason == Reason.WEB_CERTIFICATES_DISABLED
    # and no status is recorded for them either
    decision = decide(
        replace(FAILING, cert_html_view_enabled=False, certificate_status=S.UNAVAILABLE), POLICY
    )
    assert decision.action == Action.NONE
