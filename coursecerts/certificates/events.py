"""What coursecerts tells the outside world about certificates:
- in the change's transaction, the Open edX certificate events (org.openedx.learning.certificate.*.v1) written
  to the outbox of outgoing events, which the relay sends to the event bus and the webhooks (ADR 0015);
- after the transaction commits, Django signals with Open edX names (COURSE_CERT_CHANGED/AWARDED/REVOKED) and
  Open edX tracking-log events (edx.certificate.created / revoked) on the `coursecerts.tracking` logger as
  JSON lines.
Every writer of certificates calls certificate_changed_on_commit or certificates_changed_on_commit, which do
both."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from coursecerts.certificates.links import certificate_url
from coursecerts.certificates.models import PASSED_STATUSES, CertificateStatuses, GeneratedCertificate
from coursecerts.common import signals
from coursecerts.courses.models import CourseRun
from coursecerts.events.models import EventTypes
from coursecerts.events.outgoing import EventRow, outgoing_events_insert

tracking_log = logging.getLogger("coursecerts.tracking")


def tracking_event(event_name: str, certificate: GeneratedCertificate, **data) -> str:
    """One tracking-log line: the event as a JSON object."""
    course_id = str(certificate.course_id)
    payload = {
        "name": event_name,
        "context": {"org_id": certificate.course_id.org, "course_id": course_id},
        "data": {
            "user_id": certificate.user_id,
            "course_id": course_id,
            "certificate_id": certificate.verify_uuid,
            "certificate_url": certificate_url(certificate),
            **data,
        },
    }
    return json.dumps(payload, sort_keys=True)


def track(event_name: str, certificate: GeneratedCertificate, **data) -> None:
    tracking_log.info(tracking_event(event_name, certificate, **data))


# `before` of a change that altered none of the tracked fields but is a recorded change all the same (a date
# override, a reissue with a new template version): it is told as certificate.changed.v1.
UNTRACKED_CHANGE = object()
_TRACKED = ("status", "mode", "grade", "name")


def certificate_changed_on_commit(
    *,
    certificate: GeneratedCertificate,
    status_before: str | None,
    source: str,
    generation_mode: str = "batch",
    before: dict | None | object = UNTRACKED_CHANGE,
) -> None:
    """Record the Open edX event a certificate change causes, now (in the caller's transaction), and schedule
    its signals and tracking events for after commit. `before`: the tracked fields before the change
    (services.generation.tracked_fields), None for a new certificate."""
    certificate_events_record([(certificate, before)])
    certificates_written([certificate])
    transaction.on_commit(
        lambda: send_certificate_changed(certificate, status_before, source, generation_mode)
    )


def certificates_changed_on_commit(
    changes: list[tuple[GeneratedCertificate, dict | None]],
    *,
    source: str,
    course_run: CourseRun | None = None,
) -> None:
    """The same for many certificates at once (course-wide generation), given each with its tracked fields
    before the change (None: new): the events written in bulk now, and one callback after commit, which sends
    each certificate's signals and writes the batch's tracking events as one log record of JSON lines (the
    file holds the same lines as one record each would write, at a fraction of the handler's cost)."""
    certificate_events_record(changes, course_run=course_run)
    certificates_written([certificate for certificate, _ in changes])

    def send_all():
        listened = _listened()
        lines = [
            line
            for certificate, before in changes
            if (
                line := _send_signals(
                    certificate, before["status"] if before else None, source, "batch", listened=listened
                )
            )
        ]
        if lines:
            tracking_log.info("\n".join(lines))

    if changes:
        transaction.on_commit(send_all)


def certificates_written(certificates: list[GeneratedCertificate], *, reason: str = "changed") -> None:
    """Tell, inside the writer's transaction, which certificates were written (CERTIFICATES_WRITTEN): the
    credentials app issues and revokes their Open Badges credentials in the same transaction, set-based
    (ADR 0019). `reason`: "changed", "reissued" (a new credential even if nothing it says changed),
    "retired"."""
    if certificates:
        signals.CERTIFICATES_WRITTEN.send(
            sender=GeneratedCertificate, certificates=certificates, reason=reason
        )


def send_certificate_changed(certificate, status_before, source: str, generation_mode: str) -> None:
    if line := _send_signals(certificate, status_before, source, generation_mode):
        tracking_log.info(line)


def _listened() -> frozenset:
    """The certificate signals with receivers now: a course-wide run sends none of the others (a send with no
    receiver still looks them up, some 10 us a certificate)."""
    outputs = (signals.COURSE_CERT_CHANGED, signals.COURSE_CERT_AWARDED, signals.COURSE_CERT_REVOKED)
    return frozenset(signal for signal in outputs if signal.has_listeners(GeneratedCertificate))


def _send_signals(
    certificate, status_before, source: str, generation_mode: str, *, listened: frozenset | None = None
) -> str | None:
    """Send a change's signals (those in `listened`, when given); return its tracking event (certificate
    created or revoked), if it has one."""
    kwargs = {
        "sender": GeneratedCertificate,
        "user_id": certificate.user_id,
        "course_key": certificate.course_id,
        "mode": certificate.mode,
        "status": certificate.status,
        "certificate": certificate,
    }
    if listened is None or signals.COURSE_CERT_CHANGED in listened:
        signals.COURSE_CERT_CHANGED.send(**kwargs)
    if certificate.status in PASSED_STATUSES:
        if listened is None or signals.COURSE_CERT_AWARDED in listened:
            signals.COURSE_CERT_AWARDED.send(**kwargs)
        if status_before not in PASSED_STATUSES:
            return tracking_event(
                "edx.certificate.created",
                certificate,
                enrollment_mode=certificate.mode,
                generation_mode=generation_mode,
            )
    elif status_before is not None and certificate.status in _REVOKED_STATUSES:
        if listened is None or signals.COURSE_CERT_REVOKED in listened:
            signals.COURSE_CERT_REVOKED.send(**kwargs)
        if status_before == CertificateStatuses.DOWNLOADABLE:
            return tracking_event(
                "edx.certificate.revoked", certificate, enrollment_mode=certificate.mode, source=source
            )
    return None


_REVOKED_STATUSES = frozenset(
    {CertificateStatuses.UNAVAILABLE, CertificateStatuses.NOTPASSING, CertificateStatuses.UNVERIFIED}
)


def event_type_for(before: dict | None | object, certificate: GeneratedCertificate) -> str | None:
    """Which Open edX event a change is (ADR 0015), or None when the write changed nothing tracked:
    - created: the certificate becomes passing (downloadable), or a passing certificate moves to another mode
      (the credentials service awards by course and mode);
    - revoked: it leaves a passing status;
    - changed: any other change of status, mode, grade or name (a new certificate that is not passing
      included), and recorded changes of untracked fields (UNTRACKED_CHANGE: a date override, a reissue)."""
    if before is UNTRACKED_CHANGE:
        return EventTypes.CERTIFICATE_CHANGED
    after = {field: getattr(certificate, field) for field in _TRACKED}
    if before == after:
        return None
    was_passing = before is not None and before["status"] in PASSED_STATUSES
    if certificate.status in PASSED_STATUSES and (not was_passing or before["mode"] != certificate.mode):
        return EventTypes.CERTIFICATE_CREATED
    if was_passing and certificate.status not in PASSED_STATUSES:
        return EventTypes.CERTIFICATE_REVOKED
    return EventTypes.CERTIFICATE_CHANGED


def certificate_events_record(
    changes: Iterable[tuple[GeneratedCertificate, dict | None | object]],
    *,
    course_run: CourseRun | None = None,
    event_type: str | None = None,
) -> int:
    """Write the outgoing event of each change, in the caller's transaction and in bulk (ADR 0015): the event
    event_type_for says (or `event_type` for all: a resend), with the certificate as it is now. `course_run`:
    the run of every certificate, when the caller has it. Returns how many were written."""
    now = timezone.now()
    typed = [
        (certificate, before, kind)
        for certificate, before in changes
        if (kind := event_type or event_type_for(before, certificate))
    ]
    if not typed:
        return 0
    learners = _learners({certificate.user_id for certificate, _, _ in typed})
    courses = _courses(typed, course_run)
    events = [
        certificate_event(
            certificate,
            kind=kind,
            previous_status=_previous_status(before, certificate),
            learner=learners[certificate.user_id],
            course=courses[id(certificate)] if course_run is None else courses[None],
            now=now,
        )
        for certificate, before, kind in typed
    ]
    return outgoing_events_insert(events)


def _previous_status(before, certificate) -> str:
    if before is UNTRACKED_CHANGE:
        return certificate.status
    return before["status"] if before else ""


def _learners(user_ids: set[int]) -> dict[int, tuple]:
    """(id, is_active, username, email, full name) of these learners, in one query. Many ids close together (a
    course-wide chunk's) filter as a range: a thousand-value IN list costs more to build, send and plan than the
    few rows in the range that are not among them, which are dropped here."""
    users = get_user_model().objects
    if len(user_ids) > 50 and max(user_ids) - min(user_ids) < 2 * len(user_ids):
        rows = users.filter(pk__gte=min(user_ids), pk__lte=max(user_ids))
    else:
        rows = users.filter(pk__in=user_ids)
    fields = ("pk", "is_active", "username", "email", "profile__name")
    return {row[0]: row for row in rows.values_list(*fields) if row[0] in user_ids}


def _courses(typed, course_run: CourseRun | None) -> dict:
    """The CourseData part of each certificate's event, by id(certificate), or under None for all when the
    caller names the one run (course-wide generation: course keys compare slowly, so none is compared)."""
    if course_run is not None:
        return {None: _course_data(course_run)}
    runs = {str(run.pk): run for run in CourseRun.objects.filter(pk__in={c.course_id for c, _, _ in typed})}
    data = {key: _course_data(run) for key, run in runs.items()}
    return {id(certificate): data[str(certificate.course_id)] for certificate, _, _ in typed}


def _course_data(course_run: CourseRun) -> dict:
    return {
        "course_key": str(course_run.pk),
        "display_name": course_run.display_name,
        "start": course_run.start.isoformat() if course_run.start else None,
        "end": course_run.end.isoformat() if course_run.end else None,
    }


def certificate_event(certificate, *, kind: str, previous_status: str, learner: tuple, course: dict, now):
    """The unsaved outgoing event of a certificate as it is now (an EventRow, which outgoing_events_insert
    writes as it writes an OutgoingEvent): `data` is openedx-events' CertificateData as
    AvroSignalSerializer(signal).to_dict() gives it (tests/events/test_certificate_events.py checks the two
    agree), built as plain dicts because a course-wide run writes tens of thousands per chunk. The webhook body's
    `data` is not stored: it is built from `data`, course_key and verify_uuid when a message is sent
    (coursecerts.events.webhooks.payload)."""
    user_id, is_active, username, email, full_name = learner
    course_key = course["course_key"]
    data = {
        "certificate": {
            "user": {
                "id": user_id,
                "is_active": is_active,
                "pii": {"username": username, "email": email, "name": full_name or ""},
            },
            "course": course,
            "mode": certificate.mode,
            "grade": certificate.grade,
            "download_url": certificate.download_url,
            "name": certificate.name,
            "current_status": certificate.status,
            "previous_status": previous_status,
        }
    }
    return EventRow(
        event_id=uuid.uuid4(),
        event_type=kind,
        time=now,
        course_key=course_key,
        user_id=user_id,
        data=data,
        verify_uuid=certificate.verify_uuid,
        created=now,
    )
