"""Issuing credentials: one per downloadable certificate, signed once and stored frozen; set-based for a
chunk of course-wide generation; revoked and replaced when what the certificate says changes."""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from coursecerts.certificates.display import certificate_titles, display_date_for_certificate
from coursecerts.certificates.models import CertificateDateOverride, CertificateStatuses, GeneratedCertificate
from coursecerts.common.errors import ApplicationError
from coursecerts.courses.models import CourseRun
from coursecerts.credentials import documents
from coursecerts.credentials.dids import did_for
from coursecerts.credentials.models import OpenBadgeCredential
from coursecerts.credentials.services.keys import issuer_key_signing, verification_method_id
from coursecerts.credentials.services.status import credentials_revoke, status_indexes_allocate
from coursecerts.credentials.signer import sign_many
from coursecerts.credentials.signing import UnsignableDocument, check_strings
from coursecerts.learners.models import LearnerProfile

if TYPE_CHECKING:
    from datetime import datetime

log = logging.getLogger(__name__)


class CredentialNotAvailable(ApplicationError):
    """The certificate has no credential to give: it is not downloadable (or its learner is retired)."""


def certificate_facts(certificate: GeneratedCertificate, *, now: datetime | None = None) -> documents.Facts:
    """Name, course title, organisation and date as the page and the PDF print them (the frozen record)."""
    course_run = certificate.course
    _, course_title = certificate_titles(course_run, certificate.course_title)
    date = display_date_for_certificate(certificate, course_run, now)
    return documents.Facts(
        name=certificate.name,
        course=course_title,
        organization=course_run.organization.name,
        date=documents.xsd_datetime(date or timezone.now()),
        course_key=str(course_run.id),
        mode=certificate.mode,
        valid_until=documents.xsd_datetime(certificate.expires_date) if certificate.expires_date else "",
    )


def _issuable(certificate: GeneratedCertificate, retired: set[int]) -> bool:
    return certificate.status == CertificateStatuses.DOWNLOADABLE and certificate.user_id not in retired


def _prime(certificates: list[GeneratedCertificate]) -> set[int]:
    """Attach to the certificates (as written, in memory) what their facts read, in three queries whatever
    their number: each run with its organisation and configuration, each date override. Returns the ids of
    their learners who are retired."""
    runs = CourseRun.objects.select_related("organization", "certificate_configuration").in_bulk(
        {c.course_id for c in certificates}
    )
    overrides = {
        o.generated_certificate_id: o
        for o in CertificateDateOverride.objects.filter(
            generated_certificate_id__in=[c.pk for c in certificates]
        )
    }
    override_cache = GeneratedCertificate.date_override.related
    for certificate in certificates:
        certificate.course = runs[certificate.course_id]
        override_cache.set_cached_value(certificate, overrides.get(certificate.pk))
    return set(
        LearnerProfile.objects.filter(
            user_id__in={c.user_id for c in certificates}, retired_at__isnull=False
        ).values_list("user_id", flat=True)
    )


def credential_for_certificate(*, certificate: GeneratedCertificate) -> dict:
    """The certificate's signed OpenBadgeCredential, as stored at issue. Issued now if a downloadable
    certificate has none yet. Raises CredentialNotAvailable for one that is not downloadable."""
    live = OpenBadgeCredential.objects.filter(certificate=certificate, revoked__isnull=True).first()
    if live is not None:
        return live.document
    fresh = GeneratedCertificate.objects.filter(pk=certificate.pk).first()
    if fresh is None or not _issuable(fresh, _prime([fresh])):
        raise CredentialNotAvailable("This certificate is not valid, so it has no credential.")
    try:
        with transaction.atomic():
            credentials_issue(certificates=[fresh])
    except IntegrityError:  # issued meanwhile by another request: read it
        pass
    live = OpenBadgeCredential.objects.filter(certificate=certificate, revoked__isnull=True).first()
    if live is None:
        raise CredentialNotAvailable(
            "This certificate cannot be issued as a credential: its name or title holds a control character."
        )
    return live.document


def credentials_issue(
    *, certificates: list[GeneratedCertificate], now: datetime | None = None
) -> list[OpenBadgeCredential]:
    """Issue a credential for each certificate (downloadable, without a live credential: the caller's
    business), set-based: one index allocation per organisation, one bulk insert. In the caller's
    transaction."""
    now = now or timezone.now()
    issued: list[OpenBadgeCredential] = []
    by_org: dict[int, list[tuple[GeneratedCertificate, documents.Facts]]] = {}
    for certificate in certificates:
        facts = certificate_facts(certificate, now=now)
        if not _signable(certificate, facts):
            continue
        by_org.setdefault(certificate.course.organization_id, []).append((certificate, facts))
    for group in by_org.values():
        issued += _issue_group(group, now=now)
    return issued


def _signable(certificate, facts: documents.Facts) -> bool:
    """Facts with a control character are not signed (canonicalizers escape them differently): that
    certificate gets no credential until corrected (a name correction reissues), and generation goes on."""
    try:
        check_strings(facts.as_dict())
    except UnsignableDocument as exc:
        log.warning("certificate %s gets no Open Badges credential: %s", certificate.verify_uuid, exc)
        return False
    return True


def _issue_group(group, *, now) -> list[OpenBadgeCredential]:
    """One organisation's credentials: one key, one index allocation, one signing pass, one bulk insert."""
    organization = group[0][0].course.organization
    key, private = issuer_key_signing(organization=organization)
    pairs = status_indexes_allocate(organization=organization, count=len(group))
    issuer_did = did_for(organization.short_name)
    created = documents.xsd_datetime(now)
    rows, unsigned = [], []
    for (certificate, facts), (status_list, index) in zip(group, pairs, strict=True):
        public_id = uuid.uuid4()
        unsigned.append(
            documents.open_badge_credential(
                credential_id=f"urn:uuid:{public_id}",
                facts=facts,
                issuer_did=issuer_did,
                organization_short_name=organization.short_name,
                valid_from=min(facts.date, created),
                status_list_id=status_list.public_id,
                status_index=index,
            )
        )
        rows.append(
            OpenBadgeCredential(
                public_id=public_id,
                certificate=certificate,
                status_list=status_list,
                status_index=index,
                issuer_key=key,
                facts=facts.as_dict(),
                issued=now,
            )
        )
    signed = sign_many(
        unsigned, private_key=private, verification_method=verification_method_id(key), created=created
    )
    for row, document in zip(rows, signed, strict=True):
        row.document = document
    return OpenBadgeCredential.objects.bulk_create(rows, batch_size=500)


def credentials_sync(*, certificates: list[GeneratedCertificate], reason: str = "changed") -> dict:
    """Bring the credentials of these certificates (as just written) in line with them, in the caller's
    transaction (the CERTIFICATES_WRITTEN receiver). A certificate no longer downloadable, or of a retired
    learner, has its live credential revoked (`reason` "retired" also blanks it); a downloadable one without a
    live credential gets one; one whose facts changed, or that was reissued (`reason` "reissued"), gets a new
    one and the old is revoked. Set-based: a fixed number of queries whatever the number of certificates.
    Returns {"issued": n, "revoked": n}."""
    certificates = [c for c in certificates if c.pk is not None]
    retired = _prime(certificates)
    live = {
        c.certificate_id: c
        for c in OpenBadgeCredential.objects.filter(
            certificate_id__in=[c.pk for c in certificates], revoked__isnull=True
        )
    }
    revoke, issue = [], []
    now = timezone.now()
    for certificate in certificates:
        current = live.get(certificate.pk)
        if reason == "retired" or not _issuable(certificate, retired):
            if current is not None:
                revoke.append(current)
            continue
        if current is None:
            issue.append(certificate)
        elif reason == "reissued" or current.facts != certificate_facts(certificate, now=now).as_dict():
            revoke.append(current)
            issue.append(certificate)
    revoked = credentials_revoke(credentials=revoke, reason=reason) if revoke else 0
    if reason == "retired":  # the name goes from every credential of theirs, revoked before or now
        OpenBadgeCredential.objects.filter(certificate__in=certificates).exclude(facts={}).update(
            document={}, facts={}
        )
    issued = credentials_issue(certificates=issue, now=now) if issue else []
    return {"issued": len(issued), "revoked": revoked}
