"""Who gets a certificate: pure functions of a learner's facts (Open edX generation_handler, minus its writes).

Nothing here reads the database or changes anything. `decide()` takes the facts the selectors gathered and
the policy from settings, and returns a Decision: what the services should do and why. The per-learner path
(a grade event) and the course-wide path use this same function.

The algorithm (Open edX's, tests/certificates/test_eligibility.py):
1. Allowlisted learners take the allowlist path, everyone else the regular path.
2. Regular path first checks: not a CCX run, not a beta tester, a passing grade.
3. Both paths then check, in order: no active invalidation; enrolled (an inactive enrollment counts); an
   eligible mode; ID verification when required; an existing downloadable certificate is final unless the
   learner upgraded from an ineligible mode; web certificates enabled.
4. If all pass: generate a downloadable certificate.
5. Otherwise, if a status may be recorded: invalidated -> unavailable; ID missing with a passing grade (or
   allowlisted) -> unverified; regular path, not passing -> notpassing. Else nothing is written.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import models

from coursecerts.certificates.models import CertificateStatuses
from coursecerts.courses.models import NON_VERIFIED_MODES, CourseModes

log = logging.getLogger(__name__)

# Read once: an enum's .values builds a new list on every access, and course-wide runs ask 100,000 times.
_KNOWN_MODES = frozenset(CourseModes.values)


class Reason(models.TextChoices):
    """Why a learner gets, or does not get, a certificate. The label is the sentence shown to people."""

    ELIGIBLE = "eligible", "Passed the course"
    ALLOWLISTED = "allowlisted", "On the certificate allowlist"
    CCX = "ccx", "Custom (CCX) courses do not issue certificates"
    BETA_TESTER = "beta_tester", "Beta testers do not receive certificates"
    NO_GRADE = "no_grade", "No course grade"
    NOT_PASSING = "not_passing", "Grade below the passing mark"
    INVALIDATED = "invalidated", "The certificate has been invalidated"
    NOT_ENROLLED = "not_enrolled", "Not enrolled in the course"
    MODE_INELIGIBLE = "mode_ineligible", "Enrollment mode does not lead to a certificate"
    ID_NOT_VERIFIED = "id_not_verified", "Identity not verified"
    ALREADY_DOWNLOADABLE = "already_downloadable", "Already holds a downloadable certificate"
    WEB_CERTIFICATES_DISABLED = "web_certificates_disabled", "Web certificates are not enabled for the course"


class Action(models.TextChoices):
    """What the services do with a decision."""

    GENERATE = "generate"  # upsert with status downloadable (or unverified, see Decision.status)
    MARK_UNVERIFIED = "mark_unverified"
    INVALIDATE = "invalidate"
    MARK_NOTPASSING = "mark_notpassing"
    NONE = "none"  # write nothing


class Path(models.TextChoices):
    ALLOWLIST = "allowlist"
    REGULAR = "regular"


@dataclass(frozen=True)
class LearnerFacts:
    """Everything the rules read about one learner in one run, gathered by the selectors."""

    enrollment_mode: str | None  # None when not enrolled; an inactive enrollment still has its mode
    is_allowlisted: bool = False
    grade_passed: bool | None = None  # None when there is no grade
    grade_percent: float | None = None
    is_beta_tester: bool = False
    is_id_verified: bool = False
    has_active_invalidation: bool = False
    certificate_status: str | None = None  # None when there is no certificate
    certificate_mode: str | None = None
    is_ccx: bool = False
    cert_html_view_enabled: bool = True  # the run's own flag


@dataclass(frozen=True)
class Policy:
    """The settings the rules depend on (read once, passed in, so the rules stay pure)."""

    idv_required: bool = False
    honor_disabled: bool = False
    html_view_enabled: bool = True  # the global CERTIFICATES_HTML_VIEW

    @classmethod
    def from_settings(cls) -> Policy:
        from django.conf import settings

        return cls(
            idv_required=settings.ENABLE_CERTIFICATES_IDV_REQUIREMENT,
            honor_disabled=settings.DISABLE_HONOR_CERTIFICATES,
            html_view_enabled=settings.CERTIFICATES_HTML_VIEW,
        )


@dataclass(frozen=True)
class Decision:
    action: Action
    reason: Reason
    path: Path
    status: str | None = None  # the status the certificate will have after the action (None: unchanged/none)

    @property
    def eligible(self) -> bool:
        return self.action == Action.GENERATE and self.status == CertificateStatuses.DOWNLOADABLE

    @property
    def outcome(self) -> str:
        """The resulting status, or "no certificate" when nothing is and will be stored."""
        return self.status or "no_certificate"

    @property
    def message(self) -> str:
        return str(self.reason.label)


# --- single rules: each returns the failing Reason, or None when the rule is satisfied -------------------


def is_mode_eligible(mode: str | None, policy: Policy) -> bool:
    """Every mode but audit; honor too unless honor certificates are disabled (CourseMode rule)."""
    if mode is None or mode == CourseModes.AUDIT:
        return False
    if mode == CourseModes.HONOR and policy.honor_disabled:
        return False
    return mode in _KNOWN_MODES


def is_idv_missing(facts: LearnerFacts, policy: Policy) -> bool:
    """The requirement is on, the mode needs it, and the learner has no approved, unexpired verification."""
    return (
        policy.idv_required and facts.enrollment_mode not in NON_VERIFIED_MODES and not facts.is_id_verified
    )


def is_passing(facts: LearnerFacts) -> bool:
    return bool(facts.grade_passed)


def web_certificates_enabled(facts: LearnerFacts, policy: Policy) -> bool:
    return policy.html_view_enabled and facts.cert_html_view_enabled


def check_regular_path(facts: LearnerFacts) -> Reason | None:
    if facts.is_ccx:
        return Reason.CCX
    if facts.is_beta_tester:
        return Reason.BETA_TESTER
    if facts.grade_passed is None:
        return Reason.NO_GRADE
    if not facts.grade_passed:
        return Reason.NOT_PASSING
    return None


def check_existing_certificate(facts: LearnerFacts, policy: Policy) -> Reason | None:
    """A downloadable certificate is final, except when the learner upgraded from an ineligible mode
    (audit -> verified): then it is generated again in the new mode."""
    if facts.certificate_status != CertificateStatuses.DOWNLOADABLE:
        return None
    upgraded = is_mode_eligible(facts.enrollment_mode, policy) and not is_mode_eligible(
        facts.certificate_mode, policy
    )
    return None if upgraded else Reason.ALREADY_DOWNLOADABLE


def check_common(facts: LearnerFacts, policy: Policy) -> Reason | None:
    if facts.has_active_invalidation:
        return Reason.INVALIDATED
    if facts.enrollment_mode is None:
        return Reason.NOT_ENROLLED
    if not is_mode_eligible(facts.enrollment_mode, policy):
        return Reason.MODE_INELIGIBLE
    if is_idv_missing(facts, policy):
        return Reason.ID_NOT_VERIFIED
    if reason := check_existing_certificate(facts, policy):
        return reason
    if not web_certificates_enabled(facts, policy):
        return Reason.WEB_CERTIFICATES_DISABLED
    return None


def can_record_status(facts: LearnerFacts, policy: Policy, path: Path) -> bool:
    """Whether a non-downloadable status may be written to explain a refusal (Open edX _can_set_*_cert_status)."""
    valid_downloadable = (
        facts.certificate_status == CertificateStatuses.DOWNLOADABLE and not facts.has_active_invalidation
    )
    if valid_downloadable or facts.enrollment_mode is None:
        return False
    if not is_mode_eligible(facts.enrollment_mode, policy) or not web_certificates_enabled(facts, policy):
        return False
    if path == Path.REGULAR:
        return not facts.is_ccx and not facts.is_beta_tester
    return facts.is_allowlisted


# --- the decision -----------------------------------------------------------------------------------------


def decide(facts: LearnerFacts, policy: Policy) -> Decision:
    """What to do for one learner in one run, and why. Pure: the caller acts on the result."""
    path = Path.ALLOWLIST if facts.is_allowlisted else Path.REGULAR
    refusal = (check_regular_path(facts) if path == Path.REGULAR else None) or check_common(facts, policy)
    if refusal is None:
        reason = Reason.ALLOWLISTED if path == Path.ALLOWLIST else Reason.ELIGIBLE
        return Decision(Action.GENERATE, reason, path, CertificateStatuses.DOWNLOADABLE)
    return _decide_refusal(facts, policy, path, refusal)


def _decide_refusal(facts: LearnerFacts, policy: Policy, path: Path, refusal: Reason) -> Decision:
    current = facts.certificate_status
    if not can_record_status(facts, policy, path):
        return Decision(Action.NONE, refusal, path, current)
    if facts.has_active_invalidation and current is not None:
        action = Action.NONE if current == CertificateStatuses.UNAVAILABLE else Action.INVALIDATE
        return Decision(action, Reason.INVALIDATED, path, CertificateStatuses.UNAVAILABLE)
    idv_missing = is_idv_missing(facts, policy)
    if idv_missing and (is_passing(facts) or facts.is_allowlisted):
        if current is None:
            return Decision(Action.GENERATE, Reason.ID_NOT_VERIFIED, path, CertificateStatuses.UNVERIFIED)
        action = Action.NONE if current == CertificateStatuses.UNVERIFIED else Action.MARK_UNVERIFIED
        return Decision(action, Reason.ID_NOT_VERIFIED, path, CertificateStatuses.UNVERIFIED)
    if path == Path.REGULAR and not idv_missing and not is_passing(facts) and current is not None:
        action = Action.NONE if current == CertificateStatuses.NOTPASSING else Action.MARK_NOTPASSING
        return Decision(action, refusal, path, CertificateStatuses.NOTPASSING)
    return Decision(Action.NONE, refusal, path, current)
