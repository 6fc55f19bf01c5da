"""The triggers: what a grade becoming passing or failing, a move to another mode, an allowlist entry, an
approved ID verification or a change of pacing does to certificates. Each grade and mode rule is one function,
called by both forms that sit side by side below it: the per-learner form (the signal receivers in
coursecerts.certificates.handlers, for a PUT, the admin or an event) and the set-based form (the bulk import,
coursecerts.api.v1.import_files, ADR 0009). The other triggers have only the per-learner form.

Generation owed is recorded in the outbox in the caller's transaction and drained after commit (ADR 0013); it
is then decided by eligibility.decide like every other path. AUTO_CERTIFICATE_GENERATION decides *when*
generation runs automatically after a grade, never who is eligible, and never revocation.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from coursecerts.certificates.eligibility import Policy, is_mode_eligible
from coursecerts.certificates.models import (
    PASSED_STATUSES,
    CertificateAllowlist,
    CertificateGenerationCourseSetting,
    GeneratedCertificate,
)
from coursecerts.certificates.outbox import generation_owed_record
from coursecerts.certificates.services import certificate_mark_notpassing
from coursecerts.certificates.services.generation import format_grade
from coursecerts.common.bulk_rows import rows_where_in, table
from coursecerts.courses.models import CourseRun
from coursecerts.enrollments.models import CourseEnrollment
from coursecerts.events.services import outbox_kick

# --- a grade became passing (COURSE_GRADE_NOW_PASSED) --------------------------------------------------------


def passing_owes_generation(
    user_ids: Collection[int], *, course_run: CourseRun, certified: Collection[int] | None = None
) -> set[int]:
    """The rule: when automatic generation is on, learners whose grade passes owe a generation attempt, unless
    their certificate passes already. `certified` is the run's learners holding a passing certificate, when
    the caller has read them (the import reads them once for two rules); else they are read here."""
    if not settings.AUTO_CERTIFICATE_GENERATION or not user_ids:
        return set()
    if certified is None:
        certified = _certified(course_run, user_ids=user_ids)
    return set(user_ids) - set(certified)


def grade_passed(*, user, course_run: CourseRun) -> None:
    """Per learner: record the generation a grade that became passing owes."""
    owed = passing_owes_generation([user.pk], course_run=course_run)
    generation_owed_record(course_run=course_run, sources={"grade_passed": owed})


def grades_passed(
    *, course_run: CourseRun, now_passing: set[int], passing: set[int], modes: Mapping[int, str]
) -> dict[str, set[int]]:
    """Set-based, for an import: {source: user ids} owing generation. "grade_passed": the rule above for the
    grades that became passing. "import": the same rule by state rather than by change, for the file's other
    passing learners in an eligible mode (`modes`: the file's learners and their modes), so that a file sent
    again issues what an earlier import's lost generation did not (tests/api/test_course_import.py)."""
    if not settings.AUTO_CERTIFICATE_GENERATION or not passing:
        return {"grade_passed": set(), "import": set()}
    again = (passing - now_passing) & _in_eligible_mode(modes)
    certified = _certified(course_run, user_ids=now_passing | again)  # read once for both rules
    return {
        "grade_passed": passing_owes_generation(now_passing, course_run=course_run, certified=certified),
        "import": passing_owes_generation(again, course_run=course_run, certified=certified),
    }


def _certified(course_run: CourseRun, *, user_ids: Collection[int] | None = None) -> set[int]:
    """The learners of the run (of `user_ids`, if given) whose certificate passes."""
    if user_ids is not None:  # the import's many learners: their ids bound as one array on PostgreSQL
        sql = (
            f"SELECT user_id FROM {table(GeneratedCertificate)} WHERE course_id = %s "
            f"AND status IN ({', '.join(['%s'] * len(PASSED_STATUSES))}) AND {{in}}"
        )
        params = [str(course_run.pk), *sorted(status.value for status in PASSED_STATUSES)]
        user = GeneratedCertificate._meta.get_field("user")
        return {user_id for (user_id,) in rows_where_in(sql, user, user_ids, params=params)}
    certificates = GeneratedCertificate.objects.filter(course=course_run, status__in=PASSED_STATUSES)
    return set(certificates.values_list("user_id", flat=True))


# --- a grade went from passing to failing (COURSE_GRADE_NOW_FAILED) ------------------------------------------
# Not through eligibility.decide: decide treats a downloadable certificate as final (check_existing_certificate,
# can_record_status), so it would leave the certificate of a learner whose grade fails downloadable, where this
# trigger revokes it (tests/certificates/test_triggers.py, test_a_grade_that_fails_revokes_a_passing_certificate;
# Open edX's failing-grade listener does the same). The rule is its own, and it lives here once.


def failing_revokes(
    *, course_run: CourseRun, percents: Mapping[int, float], modes: Mapping[int, str | None] | None = None
) -> int:
    """The rule: the passing certificate of a learner whose grade went from passing to failing becomes
    notpassing, with the failing grade (no switch; allowlisted learners keep theirs). `percents`: {user id:
    failing percent}; `modes`: their enrollments' modes, if the caller knows them (else read here, for the
    certificates revoked only). Through the service, one learner at a time: rare, and each needs its history
    row. Returns how many were revoked."""
    if not percents:
        return 0
    allowlisted = CertificateAllowlist.objects.filter(course=course_run, allowlist=True).values("user_id")
    certificates = list(
        GeneratedCertificate.objects.filter(
            course=course_run, status__in=PASSED_STATUSES, user_id__in=sorted(percents)
        )
        .exclude(user_id__in=allowlisted)
        .select_related("user", "course")
    )
    if certificates and modes is None:
        modes = dict(
            CourseEnrollment.objects.filter(
                course=course_run, user_id__in=[c.user_id for c in certificates]
            ).values_list("user_id", "mode")
        )
    for certificate in certificates:
        certificate_mark_notpassing(
            certificate=certificate,
            mode=modes.get(certificate.user_id),
            grade=format_grade(percents[certificate.user_id]),
            source="notpassing_signal",
        )
    return len(certificates)


def grade_failed(*, user, course_run: CourseRun, percent: float) -> None:
    """Per learner: revoke a passing certificate when the grade fails."""
    failing_revokes(course_run=course_run, percents={user.pk: percent})


# --- an existing enrollment moved to another mode (ENROLLMENT_TRACK_UPDATED) ---------------------------------


def mode_change_owes_generation(modes: Mapping[int, str]) -> set[int]:
    """The rule: a move to an eligible mode owes a generation attempt (no switch); a downgrade never revokes.
    `modes`: {user id: new mode}."""
    return _in_eligible_mode(modes)


def _in_eligible_mode(modes: Mapping[int, str]) -> set[int]:
    policy = Policy.from_settings()
    return {user_id for user_id, mode in modes.items() if is_mode_eligible(mode, policy)}


def track_updated(*, user, course_run: CourseRun, mode: str) -> None:
    """Per learner: record the generation a move to an eligible mode owes."""
    owed = mode_change_owes_generation({user.pk: mode})
    generation_owed_record(course_run=course_run, sources={"enrollment_track_updated": owed})


# --- a learner added to the allowlist (ALLOWLIST_ENTRY_ADDED) ------------------------------------------------


def allowlist_added(*, user, course_run: CourseRun, entry: CertificateAllowlist) -> None:
    """Per learner: with automatic generation on, an allowlist entry that allows owes a generation attempt."""
    if settings.AUTO_CERTIFICATE_GENERATION and entry.allowlist:
        generation_owed_record(course_run=course_run, sources={"allowlist": [user.pk]})


# --- an ID verification approved (IDV_ATTEMPT_APPROVED) ------------------------------------------------------


def idv_approved(*, user) -> None:
    """Per learner: with automatic generation on, each of the learner's active enrollments owes a generation
    attempt."""
    if not settings.AUTO_CERTIFICATE_GENERATION:
        return
    for enrollment in CourseEnrollment.objects.filter(user=user, is_active=True).select_related("course"):
        generation_owed_record(course_run=enrollment.course, sources={"idv_approved": [user.pk]})


# --- a run's pacing changed (COURSE_PACING_CHANGED) ----------------------------------------------------------


def pacing_changed(*, course_run: CourseRun) -> None:
    """Self-paced runs let learners generate their own certificates; instructor-paced runs do not."""
    current = CertificateGenerationCourseSetting.get(course_run.id)
    if current is None or current.self_generation_enabled != course_run.self_paced:
        CertificateGenerationCourseSetting.objects.create(
            course_key=course_run.id,
            self_generation_enabled=course_run.self_paced,
            language_specific_templates_enabled=bool(current and current.language_specific_templates_enabled),
            include_hours_of_effort=current.include_hours_of_effort if current else None,
        )


# --- an import: the grade and mode rules above, set-based ----------------------------------------------------


@dataclass(frozen=True)
class ImportTriggers:
    generation_queued: int  # learners recorded in the outbox as owing a generation attempt
    certificates_marked_notpassing: int


@dataclass
class ImportOwed:
    """The generation an import owes, gathered over its chunks: {source: user ids}, in the order in which a
    learner named by two sources is recorded under the first."""

    sources: dict[str, set[int]] = field(
        default_factory=lambda: {"grade_passed": set(), "enrollment_track_updated": set(), "import": set()}
    )


def import_triggers_apply(
    *,
    course_run: CourseRun,
    modes: Mapping[int, str],
    percents: Mapping[int, float | None],
    mode_changed: Mapping[int, str],
    now_passing: set[int],
    now_failing: set[int],
    passing: set[int],
) -> ImportTriggers:
    """The triggers the per-learner services would fire for an import's changes, applied in bulk inside the
    import's transaction: `modes` and `percents` are the file's learners' (user id keys), the rest the
    transitions the bulk writers returned. The generation owed is one outbox entry for the whole file, each
    learner under the first source that names them; when there is none, an earlier import's leftovers are
    drained after this commit. (import_triggers_decide and import_owed_record, for a file written in chunks.)"""
    owed = ImportOwed()
    revoked = import_triggers_decide(
        course_run=course_run,
        owed=owed,
        modes=modes,
        percents=percents,
        mode_changed=mode_changed,
        now_passing=now_passing,
        now_failing=now_failing,
        passing=passing,
    )
    return ImportTriggers(
        generation_queued=import_owed_record(course_run=course_run, owed=owed),
        certificates_marked_notpassing=revoked,
    )


def import_triggers_decide(
    *,
    course_run: CourseRun,
    owed: ImportOwed,
    modes: Mapping[int, str],
    percents: Mapping[int, float | None],
    mode_changed: Mapping[int, str],
    now_passing: set[int],
    now_failing: set[int],
    passing: set[int],
) -> int:
    """import_triggers_apply for one chunk of a file: revokes now (returns how many), adds the generation owed
    to `owed`, for import_owed_record once the whole file is written."""
    owed_by_passing = grades_passed(
        course_run=course_run, now_passing=now_passing, passing=passing, modes=modes
    )
    owed.sources["grade_passed"] |= owed_by_passing["grade_passed"]
    owed.sources["enrollment_track_updated"] |= mode_change_owes_generation(mode_changed)
    owed.sources["import"] |= owed_by_passing["import"]
    return failing_revokes(
        course_run=course_run, percents={user_id: percents[user_id] for user_id in now_failing}, modes=modes
    )


def import_owed_record(*, course_run: CourseRun, owed: ImportOwed) -> int:
    """Record the generation `owed` as one outbox entry; returns how many learners it names."""
    queued: set[int] = set()
    sources = {}
    for source, ids in owed.sources.items():
        sources[source] = sorted(ids - queued)
        queued.update(ids)
    if generation_owed_record(course_run=course_run, sources=sources) is None:
        transaction.on_commit(outbox_kick, robust=True)  # an earlier import's leftovers run now
    return len(queued)
