"""Expiry rules (ADR 0025), pure: how long a run's certificates stay valid, when a certificate issued now
expires, and whether one has expired. The expiry date is fixed at issue (services.generation.apply_generate)
and never recomputed: changing a run's validity period changes only the certificates issued after."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from coursecerts.courses.models import CourseRun


def certificate_validity(course_run: CourseRun) -> timedelta | None:
    """The run's validity period: its own (0: forever), else its organisation's (empty or 0: forever)."""
    days = course_run.certificate_validity_days
    if days is None:
        days = course_run.organization.certificate_validity_days
    return timedelta(days=days) if days else None


def expires_date_for(issued: datetime | None, validity: timedelta | None) -> datetime | None:
    """When a certificate issued at `issued` expires, or None (it never does)."""
    return issued + validity if issued is not None and validity is not None else None


def is_expired(certificate, now: datetime | None = None) -> bool:
    expires = certificate.expires_date
    return expires is not None and expires <= (now or timezone.now())
