"""Re-sending certificates' events: the re-sync Open edX operators ask for (README "Certificate events").

Each certificate of a course or of a learner gets a fresh outgoing event (a new row and a new event id) that
states it as it is now: created.v1 when it is passing, revoked.v1 when it was passing once (its history says
so) and is not now, changed.v1 otherwise; previous_status is the current status (nothing changed). The
credentials service thus awards what is passing and revokes what was revoked, idempotently."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from coursecerts.certificates.events import certificate_events_record
from coursecerts.certificates.models import PASSED_STATUSES, CertificateHistory, GeneratedCertificate
from coursecerts.common.iterables import chunked
from coursecerts.events.models import EventTypes

if TYPE_CHECKING:
    from opaque_keys.edx.keys import CourseKey


def certificate_events_resend(
    *, course_key: CourseKey | None = None, user_id: int | None = None, chunk_size: int = 2000
) -> dict:
    """Write a fresh event for every certificate of the course and/or learner, a chunk a transaction. Returns
    how many events of each type were written."""
    certificates = GeneratedCertificate.objects.order_by("pk")
    if course_key is not None:
        certificates = certificates.filter(course_id=course_key)
    if user_id is not None:
        certificates = certificates.filter(user_id=user_id)
    written = dict.fromkeys(EventTypes.values, 0)
    for pks in chunked(list(certificates.values_list("pk", flat=True)), chunk_size):
        with transaction.atomic():
            chunk = list(GeneratedCertificate.objects.filter(pk__in=pks).order_by("pk"))
            for event_type, group in _by_event_type(chunk).items():
                written[event_type] += certificate_events_record(
                    [(certificate, {"status": certificate.status}) for certificate in group],
                    event_type=event_type,
                )
    return written


def _by_event_type(certificates: list[GeneratedCertificate]) -> dict[str, list[GeneratedCertificate]]:
    was_passing = set(
        CertificateHistory.objects.filter(
            certificate__in=[c.pk for c in certificates], status_after__in=PASSED_STATUSES
        ).values_list("certificate_id", flat=True)
    )
    groups: dict[str, list[GeneratedCertificate]] = {}
    for certificate in certificates:
        if certificate.status in PASSED_STATUSES:
            event_type = EventTypes.CERTIFICATE_CREATED
        elif certificate.pk in was_passing:
            event_type = EventTypes.CERTIFICATE_REVOKED
        else:
            event_type = EventTypes.CERTIFICATE_CHANGED
        groups.setdefault(event_type, []).append(certificate)
    return groups
