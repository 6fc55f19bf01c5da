"""The "email" sink of the outgoing certificate events (coursecerts.events.sinks; ADR 0023): the relay hands it
every event in order; enqueue() owes an issue email for each certificate.created.v1 whose certificate is
downloadable, in the transaction that moves the sink's cursor; run_due() sends what is due."""

from __future__ import annotations

from django.conf import settings

from coursecerts.certificates.models import CertificateStatuses, GeneratedCertificate
from coursecerts.events.models import EventTypes
from coursecerts.notifications import kinds
from coursecerts.notifications.services import (
    learner_emails_queue,
    learner_emails_send_due,
    runs_with_emails_off,
)

EMAIL_SINK = "email"


class EmailSink:
    name = EMAIL_SINK

    def enabled(self) -> bool:
        return settings.LEARNER_EMAILS_ENABLED

    def enqueue(self, events) -> None:
        uuids = [
            event.verify_uuid
            for event in events
            if event.event_type == EventTypes.CERTIFICATE_CREATED
            and event.data.get("certificate", {}).get("current_status") == CertificateStatuses.DOWNLOADABLE
        ]
        if not uuids:
            return
        certificates = list(
            GeneratedCertificate.objects.filter(
                verify_uuid__in=uuids, status=CertificateStatuses.DOWNLOADABLE
            ).only("pk", "course_id", "issued_date", "created_date")
        )
        off = runs_with_emails_off({certificate.course_id for certificate in certificates})
        told = [certificate for certificate in certificates if str(certificate.course_id) not in off]
        learner_emails_queue(kind=kinds.ISSUED, certificates=told, send=False)

    def run_due(self) -> int:
        return learner_emails_send_due()
