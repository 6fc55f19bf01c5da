"""The `data` of a webhook message (README "Webhooks", ADR 0018), built from the outgoing event when the message
is sent rather than stored beside it: every field is in the event's openedx-events CertificateData (`data`) or
its columns, so a course-wide chunk writes each event once (ADR 0015). The same row gives the same bytes on
every attempt and redelivery; what changes them is what changes the row (retirement blanks the name) or
SITE_URL, which certificate_url is on."""

from __future__ import annotations

from django.conf import settings

from coursecerts.events.models import OutgoingEvent


def webhook_data(event: OutgoingEvent) -> dict:
    """username, course_key, mode, status, previous_status, grade, name, verify_uuid and certificate_url (the
    certificate's public page, as coursecerts.certificates.links.certificate_url gives it)."""
    certificate = event.data["certificate"]
    return {
        "username": certificate["user"]["pii"]["username"],
        "course_key": event.course_key,
        "mode": certificate["mode"],
        "status": certificate["current_status"],
        "previous_status": certificate["previous_status"],
        "grade": certificate["grade"],
        "name": certificate["name"],
        "verify_uuid": event.verify_uuid,
        "certificate_url": f"{settings.SITE_URL}/certificates/{event.verify_uuid}",
    }
