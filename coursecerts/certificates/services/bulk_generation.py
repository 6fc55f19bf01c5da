"""The set-based writer: decide a set of a run's learners by the per-learner rules (eligibility.decide) and write
the changed certificates and their history in bulk, in one transaction (ADR 0007).

Its callers: a chunk of a course-wide run (services.generation_jobs), reconciliation's fixes, the generation a
data change owes (certificates.outbox) and the demo. tests/certificates/test_course_generation_equivalence.py
shows it writes what the per-learner path writes.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.db.models.base import ModelState
from django.utils import timezone

from coursecerts.certificates import selectors
from coursecerts.certificates.display import printed_course_title
from coursecerts.certificates.eligibility import Action, LearnerFacts, Policy, decide
from coursecerts.certificates.events import certificates_changed_on_commit
from coursecerts.certificates.expiry import certificate_validity
from coursecerts.certificates.generation_selectors import Tally, chunk_size
from coursecerts.certificates.models import CertificateHistory, CertificateStatuses, GeneratedCertificate
from coursecerts.certificates.rendering.cascade import published_versions_for_course
from coursecerts.certificates.selectors import LearnerRef
from coursecerts.certificates.services.generation import (
    apply_generate,
    apply_revoke,
    format_grade,
    tracked_fields,
)
from coursecerts.certificates.services.pdf import (
    certificate_pdfs_delete_on_commit,
    certificate_pdfs_render_on_commit,
)
from coursecerts.certificates.services.renewal import renewal_history_write, renewals_link
from coursecerts.common.bulk_rows import as_is, column_preparer, rows_insert, values_insert
from coursecerts.common.iterables import chunked
from coursecerts.courses.models import CourseModes, CourseRun
from coursecerts.learners.models import LearnerProfile

if TYPE_CHECKING:
    from django.contrib.auth.models import User

_CERTIFICATE_FIELDS = [
    "status", "mode", "grade", "name", "download_url", "download_uuid", "key", "error_reason",
    "issued_date", "course_title", "modified_date", "template_version", "expires_date", "previous_certificate",
]  # fmt: skip


@transaction.atomic
def learners_generate(
    *, course_run: CourseRun, user_ids: list[int], source: str, actor: User | None = None
) -> Tally:
    """Decide and write a set of a run's learners in one transaction: a chunk of a course-wide run, the learners
    reconciliation fixes, the learners a bulk import's triggers name. The learners' profiles are locked first (as
    retirement locks them, so that a retirement and this run one after the other and a name is never written
    back), then their certificates, against the per-learner path. A chunk's learners are a range of ids, and
    the locks cover the range (a thousand-value IN list costs more to build and send than the rows it locks).
    SQLite has no row locks (its write transaction holds the whole database), so nothing is read to lock there."""
    if connection.features.has_select_for_update:
        profiles = LearnerProfile.objects.select_for_update().filter(**selectors.user_id_filter(user_ids))
        list(profiles.values_list("pk", flat=True))
    rows = selectors.course_learner_facts(course_run=course_run, user_ids=user_ids, lock=True)
    return decide_and_write(course_run=course_run, rows=rows, source=source, actor=actor)


def learners_generate_in_chunks(
    *,
    course_run: CourseRun,
    user_ids: Iterable[int],
    source: str,
    actor: User | None = None,
    after_chunk: Callable[[list[int]], object] | None = None,
) -> Tally:
    """learners_generate for any number of a run's learners, chunk_size() of them a transaction, so that a
    failure keeps the chunks before it; `after_chunk` is called with each chunk once it is written (the
    outbox's heartbeat, the demo's progress bar). Returns the tally of all of them."""
    tally = Tally()
    for chunk in chunked(user_ids, chunk_size()):
        tally.add(
            learners_generate(course_run=course_run, user_ids=chunk, source=source, actor=actor).as_dict()
        )
        if after_chunk is not None:
            after_chunk(chunk)
    return tally


def decide_and_write(
    *,
    course_run: CourseRun,
    rows: Iterable[tuple[LearnerRef, LearnerFacts, GeneratedCertificate | None]],
    source: str,
    actor: User | None = None,
) -> Tally:
    """Decide every (user, facts, certificate) row and write the changes in bulk."""
    policy, now, title = Policy.from_settings(), timezone.now(), printed_course_title(course_run)
    tally, writes, versions, validity = Tally(), [], None, None
    for user, facts, certificate in rows:
        decision = decide(facts, policy)
        tally.count(decision)
        if decision.action == Action.NONE:
            continue
        if versions is None:  # the template version of each mode, for every certificate issued here
            versions = published_versions_for_course(course_run, CourseModes.values)
            validity = certificate_validity(course_run)  # the run's, for the expiry dates (ADR 0025)
        target = certificate or _new_certificate(user.pk, course_run)
        writes.append((target, tracked_fields(certificate), certificate.status if certificate else None))
        _apply(target, decision, facts, user=user, title=title, now=now, versions=versions, validity=validity)
    if writes:
        renewals = _renewals(writes, course_run)
        tally.changed = _write(writes, course_run=course_run, source=source, actor=actor, now=now)
        renewal_history_write(renewals, actor=actor)
    return tally


def _renewals(writes, course_run):
    """The certificates issued here that renew one of another run of the course, linked (ADR 0025)."""
    issued = [
        c
        for c, _, status_before in writes
        if c.status == CertificateStatuses.DOWNLOADABLE and status_before != CertificateStatuses.DOWNLOADABLE
    ]
    return renewals_link(issued, course_run=course_run) if issued else []


@functools.cache
def _certificate_defaults() -> tuple[dict, list]:
    """GeneratedCertificate's concrete fields: their static defaults by attname, and the fields whose default
    is computed per row (verify_uuid)."""
    fields = GeneratedCertificate._meta.concrete_fields
    computed = [f for f in fields if f.has_default() and callable(f.default)]
    values = {f.attname: f.get_default() for f in fields if f not in computed}
    return values, computed


def _new_certificate(user_id: int, course_run: CourseRun) -> GeneratedCertificate:
    """GeneratedCertificate(user_id=user_id, course_id=course_run.pk), at a fraction of the cost: the fields'
    values are set as Model.__init__ would set them (every concrete field's attname, its default unless given),
    without looking up each field by name or sending pre_init/post_init, which nothing here receives (a
    course-wide run builds tens of thousands; tests/certificates/test_course_generation_equivalence.py). The run
    is attached after the insert (see _write): a row with its run cached makes bulk_create compare course keys,
    row by row, at some 15 us each."""
    values, computed = _certificate_defaults()
    certificate = GeneratedCertificate.__new__(GeneratedCertificate)
    certificate._state = ModelState()
    attributes = certificate.__dict__
    attributes.update(values)
    for field in computed:
        attributes[field.attname] = field.get_default()
    attributes["user_id"], attributes["course_id"] = user_id, course_run.pk
    return certificate


def _apply(target, decision, facts, *, user, title, now, versions, validity) -> None:
    name, mode = user.name, facts.enrollment_mode
    if decision.action == Action.GENERATE:
        grade = format_grade(facts.grade_percent)
        apply_generate(
            target, name=name, course_title=title, mode=mode, grade=grade, status=decision.status, now=now,
            template_version=versions.get(mode), validity=validity,
        )  # fmt: skip
    elif decision.action == Action.MARK_NOTPASSING:
        grade = format_grade(facts.grade_percent)
        apply_revoke(target, status=CertificateStatuses.NOTPASSING, mode=mode, grade=grade, name=name)
    else:  # INVALIDATE or MARK_UNVERIFIED
        apply_revoke(target, status=decision.status, mode=mode, grade="", name=name)


def _write(writes, *, course_run, source: str, actor, now) -> int:
    """Bulk insert the new certificates, bulk update the others, then their history rows in bulk."""
    for certificate, _, _ in writes:
        certificate.modified_date = now
    new = [c for c, before, _ in writes if before is None]
    old = [c for c, before, _ in writes if before is not None]
    _certificates_insert(new, now=now)
    GeneratedCertificate.objects.bulk_update(old, _CERTIFICATE_FIELDS, batch_size=1000)
    _ensure_pks(new, course_run)
    for certificate in new:  # for the signals' receivers
        GeneratedCertificate.course.field.set_cached_value(certificate, course_run)
    actor_id = actor.pk if actor is not None else None
    _history_insert(
        [row for c, before, _ in writes if (row := _history_values(c, before, source, actor_id))], now=now
    )
    certificates_changed_on_commit(
        [(c, before) for c, before, _ in writes], source=source, course_run=course_run
    )
    certificate_pdfs_delete_on_commit([(c, status_before) for c, _, status_before in writes])
    certificate_pdfs_render_on_commit(
        [c.pk for c, _, _ in writes if c.status == CertificateStatuses.DOWNLOADABLE]
    )
    return len(writes)


_HISTORY_COLUMNS = [
    "certificate_id", "source", "actor_id", "status_before", "status_after", "mode_before", "mode_after",
    "grade_before", "grade_after", "name_before", "name_after", "note", "created",
]  # fmt: skip
_NOTHING_BEFORE = dict.fromkeys(("status", "mode", "grade", "name"), "")


def _history_values(certificate, before: dict | None, source: str, actor_id) -> tuple | None:
    """The values of a history row, as services.generation.history_row builds it (a new certificate, or a
    change of status, mode, grade or name), without a model instance; None when nothing tracked changed."""
    after = tracked_fields(certificate)
    if before == after:
        return None
    was = before or _NOTHING_BEFORE
    return (
        certificate.pk, source, actor_id, was["status"], after["status"], was["mode"], after["mode"],
        was["grade"], after["grade"], was["name"], after["name"], "",
    )  # fmt: skip


def _history_insert(rows: list[tuple], *, now) -> None:
    """A chunk's history rows in one statement (common.bulk_rows: COPY on PostgreSQL, one executemany
    elsewhere); these values are already plain strings and ids, `now` is prepared once."""
    rows_insert(CertificateHistory, _HISTORY_COLUMNS, [(*row, now) for row in rows])


def _certificates_insert(certificates: list[GeneratedCertificate], *, now) -> None:
    """Insert the new certificates as they are in memory, as bulk_create would but without preparing every field
    of every row through the ORM (on a chunk, that cost as much as the rest of the writes): common.bulk_rows'
    COPY on PostgreSQL, multi-row INSERTs returning the ids where the database can (SQLite, MariaDB), else one
    executemany. The ids COPY and executemany cannot return are read back after (_ensure_pks). created_date
    and modified_date are `now`, as auto_now would set them."""
    if not certificates:
        return
    fields = [f for f in GeneratedCertificate._meta.concrete_fields if not f.primary_key]
    values = operator.attrgetter(*(field.attname for field in fields))
    preps = [(i, prep) for i, field in enumerate(fields) if (prep := column_preparer(field)) is not as_is]
    for certificate in certificates:
        certificate.created_date = certificate.modified_date = now
        certificate._state.adding, certificate._state.db = False, connection.alias
    rows = [values(certificate) for certificate in certificates]
    if preps:  # the values that are not taken as they are (on SQLite and MariaDB: dates, uuids, JSON)
        for at, row in enumerate(rows):
            prepared = list(row)
            for i, prep in preps:
                prepared[i] = prep(prepared[i])
            rows[at] = tuple(prepared)
    by_user = {certificate.user_id: certificate for certificate in certificates}
    for pk, user_id in values_insert(GeneratedCertificate, fields, rows, returning=("id", "user_id")):
        by_user[user_id].pk = pk


def _ensure_pks(new, course_run) -> None:
    """Backends that cannot return ids from a bulk insert leave pk empty: read them back in one query."""
    missing = {c.user_id: c for c in new if c.pk is None}
    if missing:
        found = GeneratedCertificate.objects.filter(course=course_run, user_id__in=missing).values_list(
            "user_id", "pk"
        )
        for user_id, pk in found:
            missing[user_id].pk = pk
