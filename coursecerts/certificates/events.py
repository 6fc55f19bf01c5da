"""What coursecerts tells the outside world about certificates, always after the transaction commits:
Django signals with Open edX names (COURSE_CERT_CHANGED/AWARDED/REVOKED) and Open edX tracking-log events
(edx.certificate.created / revoked) on the `coursecerts.tracking` logger as JSON lines."""

from __future__ import annotations

import json
import logging

from django.db import transaction

from coursecerts.certificates.links import certificate_url
from coursecerts.certificates.models import PASSED_STATUSES, CertificateStatuses, GeneratedCertificate
from coursecerts.common import signals

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


def certificate_changed_on_commit(
    *,
    certificate: GeneratedCertificate,
    status_before: str | None,
    source: str,
    generation_mode: str = "batch",
) -> None:
    """Schedule the signals and tracking events a certificate change causes, for after commit."""
    transaction.on_commit(
        lambda: send_certificate_changed(certificate, status_before, source, generation_mode)
    )


def certificates_changed_on_commit(
    changes: list[tuple[GeneratedCertificate, str | None]], *, source: str
) -> None:
    """The same for many certificates at once (course-wide generation): one callback after commit, which sends
    each certificate's signals and writes the batch's tracking events as one log record of JSON lines (the
    file holds the same lines as one record each would write, at a fraction of the handler's cost)."""

    def send_all():
        lines = [
            line
            for certificate, status_before in changes
            if (line := _send_signals(certificate, status_before, source, "batch"))
        ]
        if lines:
            tracking_log.info("\n".join(lines))

    if changes:
        transaction.on_commit(send_all)


def send_certificate_changed(certificate, status_before, source: str, generation_mode: str) -> None:
    if line := _send_signals(certificate, status_before, source, generation_mode):
        tracking_log.info(line)


def _send_signals(certificate, status_before, source: str, generation_mode: str) -> str | None:
    """Send a change's signals; return its tracking event (certificate created or revoked), if it has one."""
    kwargs = {
        "sender": GeneratedCertificate,
        "user_id": certificate.user_id,
        "course_key": certificate.course_id,
        "mode": certificate.mode,
        "status": certificate.status,
        "certificate": certificate,
    }
    signals.COURSE_CERT_CHANGED.send(**kwargs)
    if certificate.status in PASSED_STATUSES:
        signals.COURSE_CERT_AWARDED.send(**kwargs)
        if status_before not in PASSED_STATUSES:
            return tracking_event(
                "edx.certificate.created",
                certificate,
                enrollment_mode=certificate.mode,
                generation_mode=generation_mode,
            )
    elif status_before is not None and certificate.status in _REVOKED_STATUSES:
        signals.COURSE_CERT_REVOKED.send(**kwargs)
        if status_before == CertificateStatuses.DOWNLOADABLE:
            return tracking_event(
                "edx.certificate.revoked", certificate, enrollment_mode=certificate.mode, source=source
            )
    return None


_REVOKED_STATUSES = frozenset(
    {CertificateStatuses.UNAVAILABLE, CertificateStatuses.NOTPASSING, CertificateStatuses.UNVERIFIED}
)
