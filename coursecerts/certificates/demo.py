"""The demo of `coursecerts demo`: one organisation, two course runs and about 1,000 learners, then their
certificates.

Everything is deterministic (fixed usernames; each learner's name, modes and grades come from a
random.Random seeded with the learner's number, so learner 42 is the same whatever the learner count) and
idempotent: rows that exist are left as they are (an operator may have edited them), only missing ones are
created, and generation on unchanged facts writes nothing.

Learner facts are loaded with bulk_create, not with the data-in services: those fire the triggers, which
would generate certificates one learner at a time in the middle of the load. Generation then runs explicitly,
set-based, once the facts are in: learners_generate, the writer of course-wide generation (ADR 0007), on chunks
of each run's learners.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from coursecerts.certificates.eligibility import Reason
from coursecerts.certificates.generation_dry_run import course_generation_dry_run
from coursecerts.certificates.models import (
    CertificateAllowlist,
    CertificateConfiguration,
    CertificateGenerationCourseSetting,
    CertificateHistory,
    CertificateInvalidation,
    CertificateStatuses,
    GeneratedCertificate,
    GenerationScopes,
    Signatory,
)
from coursecerts.certificates.services import certificate_invalidation_create
from coursecerts.certificates.services.bulk_generation import learners_generate_in_chunks
from coursecerts.courses.models import CourseAccessRole, CourseModes, CourseRoles, CourseRun, Organization
from coursecerts.courses.services import course_run_upsert, organization_upsert
from coursecerts.enrollments.models import CourseEnrollment
from coursecerts.grades.models import PersistentCourseGrade
from coursecerts.learners.models import LearnerProfile
from coursecerts.verify_student.models import IdVerification, IdVerificationStatus

SEED = 2026
DEFAULT_LEARNERS = 1000
PASS_MARK = 0.6
USERNAME_PREFIX = "demo-learner-"
ADMIN_USERNAME, ADMIN_PASSWORD, ADMIN_EMAIL = "admin", "coursecerts-demo", "admin@example.com"
INVALIDATION_NOTES = "Demo: academic-integrity review"
LEGACY_PDF_COUNT = 4
LEGACY_PDF_URL = "https://s3.amazonaws.com/verify.example.org/downloads/{}/Certificate.pdf"
LEGACY_URL_PREFIX = LEGACY_PDF_URL.split("{}")[0]
BETA_TESTERS_PER_RUN = 3
ALLOWLIST_PER_RUN = (2, 1)  # (failing, passing) learners put on the allowlist of each run

# Sample images, so the demo's certificates look like real ones: drawn for the demo, committed as package data.
ASSETS = Path(__file__).resolve().parent / "demo_assets"
LOGO_FILE = "oli-logo.png"
SIGNATURE_FILES = ("signature-1.png", "signature-2.png")

ORGANIZATION = {
    "short_name": "OLI",
    "name": "Open Learning Institute",
    "description": "A fictional university that offers open online courses.",
}


@dataclass(frozen=True)
class RunSpec:
    key: str
    display_name: str
    self_paced: bool
    modes: dict[str, int]  # mode -> weight of learners enrolling in it
    certificate_title: str
    signatories: tuple[tuple[str, str, str], ...]  # (name, title, organization)
    enroll_probability: float


RUNS = (
    RunSpec(
        key="course-v1:OLI+DATA101+2026_SP",
        display_name="Data Science Foundations",
        self_paced=True,
        modes={"audit": 35, "honor": 15, "verified": 38, "no-id-professional": 12},
        # What the certificate prints instead of the course's name (Open edX's course_title override): a course
        # title, since the page reads "... has successfully completed <title>".
        certificate_title="Data Science Foundations: Statistics, Python and Visualisation",
        signatories=(
            ("Dr. Amara Okafor", "Professor of Statistics", "Open Learning Institute"),
            ("Lucas Moreau", "Director of Online Learning", "Open Learning Institute"),
        ),
        enroll_probability=0.7,
    ),
    RunSpec(
        key="course-v1:OLI+CLIM201+2026_T2",
        display_name="Climate Science and Policy",
        self_paced=False,
        modes={"audit": 30, "honor": 8, "verified": 37, "professional": 12, "masters": 13},
        certificate_title="",  # the course title is printed
        signatories=(
            ("Prof. Ingrid Halvorsen", "Chair, Department of Earth Sciences", "Open Learning Institute"),
            ("Dr. Rahul Mehta", "Lead Instructor", "Open Learning Institute"),
        ),
        enroll_probability=0.45,
    ),
)

# Realistic, varied names (a learner's name is a first name and a last name drawn from these).
FIRST_NAMES = """
    Amara Lucas Sofia Mateo Aisha Liam Priya Noah Chiara Kenji Fatima Oliver Elena Tomás
    Ngozi Ethan Hana Diego Inès Kwame Maya Arjun Zoë Jonas Leilani Camila Sven Amélie
    Tariq Yuki Rosa Björn Adaeze Hugo Nadia Pedro Freya Ravi Lucía Malik
""".split()
LAST_NAMES = """
    Okafor Moreau Rossi García Khan Smith Patel Müller Nakamura Haddad Johansson Silva Nguyen
    Kowalski O'Brien Mensah Fernández Dubois Novak Sato Costa Andersen Mbeki Chen Kim Rahman
    Schneider Álvarez Lindqvist Adeyemi Romano Eriksen Díaz Kaur Walker Baptiste Horváth
    Papadopoulos Yılmaz Oyelaran
""".split()
# Names in other scripts (Arabic, Hebrew, Chinese and a few more), to show that certificates print them.
NON_LATIN_NAMES = [
    name.strip()
    for name in """
    ليلى حداد | נועה כהן | 王小明 | عمر الخطيب | דוד לוי | 李静 | يوسف منصور | מיכל אברהם | 陈伟 | 佐藤 花子 |
    Анна Смирнова | Νίκος Παπαδόπουλος | प्रिया शर्मा | 김민준
""".split("|")
]
# Learner number -> index in NON_LATIN_NAMES: an Arabic, a Hebrew and a Chinese name among the first learners.
FIXED_NON_LATIN = {3: 0, 11: 1, 27: 2}

IDV_OUTCOMES = {
    IdVerificationStatus.APPROVED: 70,
    None: 15,
    IdVerificationStatus.PENDING: 8,
    IdVerificationStatus.DENIED: 4,
    IdVerificationStatus.EXPIRED: 3,
}


# --- the learners, as pure data ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EnrollmentSpec:
    run_key: str
    mode: str
    is_active: bool
    percent: float | None  # None: no grade yet

    @property
    def passed(self) -> bool:
        return self.percent is not None and self.percent >= PASS_MARK

    @property
    def is_candidate(self) -> bool:
        """Could lead to a certificate: an eligible mode, actively enrolled, graded."""
        return self.mode != CourseModes.AUDIT and self.is_active and self.percent is not None


@dataclass(frozen=True)
class LearnerSpec:
    number: int
    name: str
    idv_status: str | None
    enrollments: tuple[EnrollmentSpec, ...] = field(default=())

    @property
    def username(self) -> str:
        return f"{USERNAME_PREFIX}{self.number:04d}"

    @property
    def email(self) -> str:
        return f"{self.username}@example.org"


def learner_spec(number: int) -> LearnerSpec:
    """Learner `number`'s demo data, the same on every machine and whatever the learner count."""
    rng = random.Random(f"{SEED}:{number}")
    if number in FIXED_NON_LATIN:
        name = NON_LATIN_NAMES[FIXED_NON_LATIN[number]]
    elif rng.random() < 0.03:
        name = rng.choice(NON_LATIN_NAMES)
    else:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    runs = [run for run in RUNS if rng.random() < run.enroll_probability] or [rng.choice(RUNS)]
    idv_status = rng.choices(list(IDV_OUTCOMES), weights=list(IDV_OUTCOMES.values()))[0]
    return LearnerSpec(number, name, idv_status, tuple(_enrollment_spec(rng, run) for run in runs))


def _enrollment_spec(rng: random.Random, run: RunSpec) -> EnrollmentSpec:
    mode = rng.choices(list(run.modes), weights=list(run.modes.values()))[0]
    is_active = rng.random() >= 0.04  # an inactive enrollment still counts for certificates
    percent = None if rng.random() < 0.04 else round(min(1.0, max(0.0, rng.gauss(0.7, 0.15))), 2)
    return EnrollmentSpec(run.key, mode, is_active, percent)


def special_learners(specs: list[LearnerSpec]) -> tuple[dict, dict]:
    """Per run, the usernames of its beta testers (passing, eligible mode) and of its allowlisted learners
    (some failing, one passing; actively enrolled in an eligible mode, as the allowlist requires). The first
    fitting learners by number, so a larger demo keeps the choices of a smaller one."""
    beta, allowlist = {}, {}
    for run in RUNS:
        candidates = [
            (s.username, e) for s in specs for e in s.enrollments if e.run_key == run.key and e.is_candidate
        ]
        beta[run.key] = [u for u, e in candidates if e.passed][:BETA_TESTERS_PER_RUN]
        rest = [(u, e) for u, e in candidates if u not in beta[run.key]]
        failing = [u for u, e in rest if not e.passed][: ALLOWLIST_PER_RUN[0]]
        passing = [u for u, e in rest if e.passed][: ALLOWLIST_PER_RUN[1]]
        allowlist[run.key] = failing + passing
    return beta, allowlist


# --- loading -----------------------------------------------------------------------------------------------


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    admin_created: bool = False


@transaction.atomic
def demo_load(*, learners: int = DEFAULT_LEARNERS) -> LoadReport:
    """Create whatever part of the demo is missing: organisation, runs with modes, certificate configurations
    and signatories, learners with profiles, enrollments, grades, ID verifications, beta testers, allowlist,
    and the demo superuser. Existing rows are never changed, except that a missing logo or signature image is
    given a sample one."""
    report = LoadReport()
    runs = _ensure_runs(report)
    specs = [learner_spec(number) for number in range(1, learners + 1)]
    users = _ensure_learners(specs, report)
    _ensure_learner_facts(specs, users, runs, report)
    _, report.admin_created = demo_admin_ensure()
    return report


def _ensure_runs(report: LoadReport) -> dict[str, CourseRun]:
    organization = _ensure_organization(report)
    runs = {}
    for spec in RUNS:
        run = CourseRun.objects.filter(pk=spec.key).first()
        if run is None:
            run, _ = course_run_upsert(
                course_key=spec.key,
                display_name=spec.display_name,
                organization=organization,
                modes=list(spec.modes),
                language="en",
                **_run_dates(spec),
            )
            report.created["course runs"] += 1
        _ensure_certificate_configuration(run, spec, report)
        if spec.self_paced and CertificateGenerationCourseSetting.get(run.id) is None:
            # Self-paced runs let learners generate their own certificates (as Open edX sets on publish).
            CertificateGenerationCourseSetting.objects.create(course_key=run.id, self_generation_enabled=True)
        runs[spec.key] = run
    return runs


def _ensure_organization(report: LoadReport) -> Organization:
    organization = Organization.objects.filter(short_name=ORGANIZATION["short_name"]).first()
    if organization is None:
        organization = organization_upsert(**ORGANIZATION)
        report.created["organisations"] += 1
    if not organization.logo:
        organization.logo.save(LOGO_FILE, _asset(LOGO_FILE))
        report.created["sample images"] += 1
    return organization


def _asset(name: str) -> ContentFile:
    return ContentFile((ASSETS / name).read_bytes())


def _run_dates(spec: RunSpec) -> dict:
    """Dates relative to the day the demo is first loaded (never moved afterwards): the self-paced run is
    open, the instructor-paced one ended five weeks ago and its certificates became available three weeks
    ago."""
    today = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    if spec.self_paced:
        return {
            "self_paced": True,
            "start": today - dt.timedelta(days=120),
            "end": today + dt.timedelta(days=245),
        }
    return {
        "self_paced": False,
        "start": today - dt.timedelta(days=150),
        "end": today - dt.timedelta(days=35),
        "certificates_display_behavior": "end_with_date",
        "certificate_available_date": today - dt.timedelta(days=21),
    }


def _ensure_certificate_configuration(run: CourseRun, spec: RunSpec, report: LoadReport) -> None:
    if CertificateConfiguration.objects.filter(course=run).exists():
        _ensure_signature_images(run, report)
        return
    configuration = CertificateConfiguration.objects.create(
        course=run, title=spec.certificate_title, is_active=True
    )
    for order, (name, title, organization) in enumerate(spec.signatories):
        Signatory.objects.create(
            configuration=configuration, name=name, title=title, organization=organization, order=order
        )
    report.created["certificate configurations"] += 1
    report.created["signatories"] += len(spec.signatories)
    _ensure_signature_images(run, report)


def _ensure_signature_images(run: CourseRun, report: LoadReport) -> None:
    """A sample signature for each of the run's signatories who has none (an operator's image is kept)."""
    signatories = Signatory.objects.filter(configuration__course=run).order_by("order", "pk")
    for index, signatory in enumerate(signatories):
        if not signatory.signature_image:
            name = SIGNATURE_FILES[index % len(SIGNATURE_FILES)]
            signatory.signature_image.save(name, _asset(name))
            report.created["sample images"] += 1


def _ensure_learners(specs: list[LearnerSpec], report: LoadReport) -> dict:
    """Auth users (with unusable passwords: learners sign in on the platform, not here) and their profiles."""
    User = get_user_model()
    existing = set(
        User.objects.filter(username__startswith=USERNAME_PREFIX).values_list("username", flat=True)
    )
    new = [
        User(username=s.username, email=s.email, password=make_password(None))
        for s in specs
        if s.username not in existing
    ]
    User.objects.bulk_create(new, batch_size=500)
    report.created["learners"] += len(new)
    users = {u.username: u for u in User.objects.filter(username__startswith=USERNAME_PREFIX)}
    with_profile = set(
        LearnerProfile.objects.filter(user__in=users.values()).values_list("user_id", flat=True)
    )
    profiles = [
        LearnerProfile(user=users[s.username], name=s.name)
        for s in specs
        if users[s.username].pk not in with_profile
    ]
    LearnerProfile.objects.bulk_create(profiles, batch_size=500)
    return users


def _ensure_learner_facts(
    specs: list[LearnerSpec], users: dict, runs: dict[str, CourseRun], report: LoadReport
) -> None:
    enrollments, grades, verifications = [], [], []
    for spec in specs:
        user = users[spec.username]
        if spec.idv_status is not None:
            verifications.append(IdVerification(user=user, status=spec.idv_status))
        for e in spec.enrollments:
            run = runs[e.run_key]
            enrollments.append(CourseEnrollment(user=user, course=run, mode=e.mode, is_active=e.is_active))
            if e.percent is not None:
                grades.append(
                    PersistentCourseGrade(
                        user=user,
                        course=run,
                        percent_grade=e.percent,
                        passed=e.passed,
                        letter_grade="Pass" if e.passed else "",
                    )
                )
    beta, allowlist = special_learners(specs)
    roles = [
        CourseAccessRole(user=users[u], course=runs[key], role=CourseRoles.BETA_TESTER)
        for key, usernames in beta.items()
        for u in usernames
    ]
    entries = [
        CertificateAllowlist(
            user=users[u], course=runs[key], allowlist=True, notes="Demo: course team exception"
        )
        for key, usernames in allowlist.items()
        for u in usernames
    ]
    in_runs = {"course__in": list(runs.values())}
    report.created["enrollments"] += _create_missing(enrollments, CourseEnrollment.objects.filter(**in_runs))
    report.created["grades"] += _create_missing(grades, PersistentCourseGrade.objects.filter(**in_runs))
    report.created["ID verifications"] += _create_missing(
        verifications, IdVerification.objects.all(), ("user_id",)
    )
    # One role per person and run: a learner with another role there keeps it.
    report.created["beta testers"] += _create_missing(roles, CourseAccessRole.objects.filter(**in_runs))
    report.created["allowlist entries"] += _create_missing(
        entries, CertificateAllowlist.objects.filter(**in_runs)
    )


def _create_missing(objects: list, existing, key=("user_id", "course_id")) -> int:
    """bulk_create the objects whose natural key is not in the `existing` queryset. Returns how many."""
    present = {tuple(str(v) for v in row) for row in existing.values_list(*key)}
    new = [o for o in objects if tuple(str(getattr(o, name)) for name in key) not in present]
    if new:
        type(new[0]).objects.bulk_create(new, batch_size=500)
    return len(new)


def demo_admin_ensure():
    """The demo superuser, created when missing. An existing account is left alone (its password too)."""
    User = get_user_model()
    admin = User.objects.filter(username=ADMIN_USERNAME).first()
    if admin is not None:
        return admin, False
    return User.objects.create_superuser(ADMIN_USERNAME, ADMIN_EMAIL, ADMIN_PASSWORD), True


def demo_admin_has_demo_password() -> bool:
    admin = get_user_model().objects.filter(username=ADMIN_USERNAME).first()
    return admin is not None and admin.check_password(ADMIN_PASSWORD)


# --- generating --------------------------------------------------------------------------------------------


def demo_runs() -> list[CourseRun]:
    return list(
        CourseRun.objects.filter(pk__in=[r.key for r in RUNS]).select_related("certificate_configuration")
    )


def demo_learner_ids() -> dict[CourseRun, list[int]]:
    """Each demo run's demo learners (inactive enrollments too: they count for certificates), by user id."""
    enrolled = CourseEnrollment.objects.filter(
        course__in=[r.key for r in RUNS], user__username__startswith=USERNAME_PREFIX
    ).order_by("course_id", "user_id")
    ids: dict[str, list[int]] = {}
    for course_id, user_id in enrolled.values_list("course_id", "user_id"):
        ids.setdefault(course_id, []).append(user_id)
    return {run: ids[run.pk] for run in demo_runs() if run.pk in ids}


def demo_generate(
    *, learner_ids: dict[CourseRun, list[int]], on_progress: Callable[[int], object] = lambda n: None
) -> Counter:
    """Generate the demo's certificates set-based, chunk by chunk (idempotent: unchanged facts write nothing),
    as course-wide generation does. Returns why the learners who get no certificate get none, by the reason's
    label: decided first, without writing, by the dry run of the same rules."""
    reasons: Counter = Counter()
    for run, user_ids in learner_ids.items():
        reasons += _no_certificate_reasons(run, user_ids)
        learners_generate_in_chunks(
            course_run=run,
            user_ids=user_ids,
            source="demo",
            after_chunk=lambda chunk: on_progress(len(chunk)),
        )
    return reasons


def _no_certificate_reasons(run: CourseRun, user_ids: list[int]) -> Counter:
    usernames = list(get_user_model().objects.filter(pk__in=user_ids).values_list("username", flat=True))
    reasons: Counter = Counter()

    def count(outcome) -> None:
        if outcome.outcome == "no_certificate":
            reasons[str(Reason(outcome.reason).label)] += 1

    course_generation_dry_run(
        course_run=run, scope=GenerationScopes.LEARNERS, usernames=usernames, each=count
    )
    return reasons


def certificate_history_count() -> int:
    return CertificateHistory.objects.filter(certificate__course__in=[r.key for r in RUNS]).count()


def demo_invalidate_one(*, actor) -> tuple[GeneratedCertificate | None, bool]:
    """Invalidate one downloadable certificate of a learner who is not allowlisted, once. Returns the
    invalidated certificate (None when there was none to pick) and whether it was done now."""
    done = (
        CertificateInvalidation.objects.filter(
            generated_certificate__course__in=[r.key for r in RUNS], notes=INVALIDATION_NOTES
        )
        .select_related("generated_certificate__user")
        .first()
    )
    if done is not None:
        return done.generated_certificate, False
    allowlisted = CertificateAllowlist.objects.filter(course=RUNS[0].key, allowlist=True).values("user_id")
    certificate = (
        GeneratedCertificate.objects.filter(
            course=RUNS[0].key,
            status=CertificateStatuses.DOWNLOADABLE,
            user__username__startswith=USERNAME_PREFIX,
        )
        .exclude(user__in=allowlisted)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    if certificate is None:
        return None, False
    certificate_invalidation_create(certificate=certificate, invalidated_by=actor, notes=INVALIDATION_NOTES)
    return certificate, True


def demo_legacy_pdfs() -> tuple[int, bool]:
    """Give a few downloadable certificates of the instructor-paced run the legacy PDF columns, once.
    Returns (how many certificates have them, whether they were set now)."""
    legacy = GeneratedCertificate.objects.filter(
        course__in=[r.key for r in RUNS], download_url__startswith=LEGACY_URL_PREFIX
    )
    if legacy.exists():
        return legacy.count(), False
    candidates = list(
        GeneratedCertificate.objects.filter(
            course=RUNS[1].key,
            status=CertificateStatuses.DOWNLOADABLE,
            user__username__startswith=USERNAME_PREFIX,
        )
        .order_by("user__username")
        .values_list("pk", flat=True)
    )
    rng = random.Random(f"{SEED}:legacy-pdf")
    chosen = sorted(rng.sample(candidates, min(LEGACY_PDF_COUNT, len(candidates))))
    for pk in chosen:
        download_uuid = uuid.UUID(int=rng.getrandbits(128), version=4).hex
        # Imported legacy data, as Open edX's PDF pipeline left it: not a change of the certificate's
        # status, mode, grade or name, so it goes around the services (which blank these columns) with a
        # direct UPDATE.
        GeneratedCertificate.objects.filter(pk=pk).update(
            download_uuid=download_uuid, download_url=LEGACY_PDF_URL.format(download_uuid)
        )
    return len(chosen), True


# --- the summary -------------------------------------------------------------------------------------------


def certificates_by_mode_and_status() -> dict[str, Counter]:
    """{mode: Counter({status: count})} for the demo runs."""
    table: dict[str, Counter] = {}
    rows = (
        GeneratedCertificate.objects.filter(course__in=[r.key for r in RUNS])
        .values_list("mode", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for mode, status, n in rows:
        table.setdefault(mode, Counter())[status] += n
    return table
