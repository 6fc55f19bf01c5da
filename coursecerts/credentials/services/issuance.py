"""Issuing credentials: one per downloadable certificate, issued on its first request and frozen then; revoked
when what the certificate says changes (the next request issues its replacement).

Issuing records what the credential is (its id, facts, status list index, issuer key and issue time) and the
signature is made and stored in the same request (credential_document). Everything the signed document holds is
fixed at issue, and Ed25519 signatures are deterministic, so it is the same document, byte for byte, whenever it
is signed (ADR 0019). Certificate writers (course-wide generation included) issue nothing: the credential's row
and index in the chunk had added some 40% to course-wide generation (bench/credentials.py, issue 20)."""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from coursecerts.certificates.display import certificate_titles, display_date_for_certificate
from coursecerts.certificates.models import CertificateDateOverride, CertificateStatuses, GeneratedCertificate
from coursecerts.common.bulk_rows import dicts_insert
from coursecerts.common.errors import ApplicationError
from coursecerts.courses.models import CourseRun
from coursecerts.credentials import documents
from coursecerts.credentials.dids import did_for
from coursecerts.credentials.models import OpenBadgeCredential
from coursecerts.credentials.services.keys import issuer_key_signing, private_key, verification_method_id
from coursecerts.credentials.services.status import credentials_revoke, status_indexes_allocate
from coursecerts.credentials.signer import sign_many
from coursecerts.credentials.signing import CONTROL, UnsignableDocument, check_strings
from coursecerts.learners.models import LearnerProfile

if TYPE_CHECKING:
    from datetime import datetime

log = logging.getLogger(__name__)


class CredentialNotAvailable(ApplicationError):
    """The certificate has no credential to give: it is not downloadable (or its learner is retired)."""


def certificate_facts(
    certificate: GeneratedCertificate, *, now: datetime | None = None, memo: dict | None = None
) -> documents.Facts:
    """Name, course title, organisation and date as the page and the PDF print them (the frozen record).
    `memo`: a dict kept by a caller that asks for many certificates' facts, where course titles, course keys
    and dates repeat (each is then worked out once)."""
    memo = {} if memo is None else memo
    course_run = certificate.course
    title_key = (id(course_run), certificate.course_title)  # a run's object: course keys hash slowly
    if title_key not in memo:
        memo[title_key] = (certificate_titles(course_run, certificate.course_title)[1], str(course_run.id))
    course_title, course_key = memo[title_key]
    date = display_date_for_certificate(certificate, course_run, now) or timezone.now()
    if date not in memo:
        memo[date] = documents.xsd_datetime(date)
    return documents.Facts(
        name=certificate.name,
        course=course_title,
        organization=course_run.organization.name,
        date=memo[date],
        course_key=course_key,
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
    run_cache = GeneratedCertificate.course.field  # the run by its course_id: no need to set course_id again
    (only_run,) = runs.values() if len(runs) == 1 else (None,)  # a chunk's: no course key hashed per row
    for certificate in certificates:
        run_cache.set_cached_value(certificate, only_run or runs[certificate.course_id])
        override_cache.set_cached_value(certificate, overrides.get(certificate.pk))
    return set(
        LearnerProfile.objects.filter(
            user_id__in={c.user_id for c in certificates}, retired_at__isnull=False
        ).values_list("user_id", flat=True)
    )


def credential_for_certificate(*, certificate: GeneratedCertificate) -> dict:
    """The certificate's signed OpenBadgeCredential, as frozen at issue. Issued now, on this first request, if a
    downloadable certificate has none live: signed before its row is written, so the row is written once.
    Raises CredentialNotAvailable for one that is not downloadable."""
    live = _live_credential(certificate)
    if live is not None:
        return credential_document(credential=live)
    fresh = (
        GeneratedCertificate.objects.select_related(
            "course__organization", "course__certificate_configuration", "date_override", "user__profile"
        )
        .filter(pk=certificate.pk)
        .first()
    )
    if fresh is None or not _issuable(fresh, _retired(fresh)):
        raise CredentialNotAvailable("This certificate is not valid, so it has no credential.")
    issued: list[dict] = []
    try:
        with transaction.atomic():
            issued = _issue([fresh], now=timezone.now(), sign=True)
    except IntegrityError:  # issued meanwhile by another request: read it
        live = _live_credential(certificate)
    if issued:
        return issued[0]["document"]
    if live is None:
        raise CredentialNotAvailable(
            "This certificate cannot be issued as a credential: its name or title holds a control character."
        )
    return credential_document(credential=live)


def _retired(certificate: GeneratedCertificate) -> set[int]:
    """_prime's retired learners for one certificate loaded with user__profile."""
    try:
        profile = certificate.user.profile
    except LearnerProfile.DoesNotExist:
        return set()
    return {certificate.user_id} if profile.retired_at is not None else set()


def _live_credential(certificate: GeneratedCertificate) -> OpenBadgeCredential | None:
    return (
        OpenBadgeCredential.objects.filter(certificate=certificate, revoked__isnull=True)
        .select_related("status_list", "issuer_key__organization")
        .first()
    )


def credential_document(*, credential: OpenBadgeCredential) -> dict:
    """The signed document of a credential: as stored once signed, else signed now from what was frozen at
    issue (its id, facts, status list index, issuer key; the proof's `created` is the issue time) and stored.
    Two first readers at once sign the same bytes (Ed25519 is deterministic), so either write is the same."""
    if credential.document:
        return credential.document
    key = credential.issuer_key
    if key.retired is not None:  # retired before it signed this one: the key that signs now does (nothing
        key, _ = issuer_key_signing(organization=key.organization)  # was served under the old one)
        credential.issuer_key = key
        OpenBadgeCredential.objects.filter(pk=credential.pk).update(issuer_key=key)
    signed = _signed(
        public_id=credential.public_id,
        facts=documents.Facts(**credential.facts),
        key=key,
        status_list=credential.status_list,
        status_index=credential.status_index,
        issued=credential.issued,
    )
    OpenBadgeCredential.objects.filter(pk=credential.pk, revoked__isnull=True).update(document=signed)
    credential.document = signed
    return signed


def _signed(*, public_id, facts: documents.Facts, key, status_list, status_index: int, issued) -> dict:
    """The signed document of a credential frozen with these values: the proof's `created` is the issue time,
    so it is the same document whenever it is signed."""
    created = documents.xsd_datetime(issued)
    unsigned = documents.open_badge_credential(
        credential_id=f"urn:uuid:{public_id}",
        facts=facts,
        issuer_did=did_for(key.organization.short_name),
        organization_short_name=key.organization.short_name,
        valid_from=min(facts.date, created),
        status_list_id=status_list.public_id,
        status_index=status_index,
    )
    (signed,) = sign_many(
        [unsigned],
        private_key=private_key(key),
        verification_method=verification_method_id(key),
        created=created,
    )
    return signed


def credentials_issue(
    *, certificates: list[GeneratedCertificate], now: datetime | None = None
) -> list[OpenBadgeCredential]:
    """Issue a credential for each certificate (downloadable, without a live credential: the caller's
    business), set-based: one index allocation per organisation, one bulk insert. In the caller's
    transaction. Returns them as inserted (without their ids)."""
    return [OpenBadgeCredential(**row) for row in _issue(certificates, now=now or timezone.now())]


def _issue(certificates: list[GeneratedCertificate], *, now: datetime, sign: bool = False) -> list[dict]:
    """credentials_issue's work; returns the field values of the credentials inserted. `sign`: their documents
    signed and written with them (a first request), else signed when first asked for."""
    by_org: dict[int, list[tuple[GeneratedCertificate, documents.Facts]]] = {}
    titles: dict = {}  # course titles and dates repeat in a chunk: computed once each
    for certificate in certificates:
        facts = certificate_facts(certificate, now=now, memo=titles)
        if not _signable(certificate, facts):
            continue
        by_org.setdefault(certificate.course.organization_id, []).append((certificate, facts))
    issued: list[dict] = []
    for group in by_org.values():
        issued += _issue_group(group, now=now, sign=sign)
    return issued


def _signable(certificate, facts: documents.Facts) -> bool:
    """Facts with a control character are not signed (canonicalizers escape them differently): that
    certificate gets no credential until corrected (a name correction reissues), and generation goes on."""
    values = facts.as_dict().values()
    if not any(CONTROL.search(value) for value in values):  # the common case, without check_strings' walk
        return True
    try:
        check_strings(facts.as_dict())
    except UnsignableDocument as exc:
        log.warning("certificate %s gets no Open Badges credential: %s", certificate.verify_uuid, exc)
        return False
    return True


def _issue_group(group, *, now, sign: bool) -> list[dict]:
    """One organisation's credentials: one key, one index allocation, one bulk insert; signed now with `sign`,
    else when first asked for (credential_document)."""
    organization = group[0][0].course.organization
    key, _ = issuer_key_signing(organization=organization)
    pairs = status_indexes_allocate(organization=organization, count=len(group))
    rows = [
        {
            "public_id": uuid.uuid4(),
            "certificate_id": certificate.pk,
            "status_list_id": status_list.pk,
            "status_index": index,
            "issuer_key_id": key.pk,
            "document": {},
            "facts": facts.as_dict(),
            "issued": now,
        }
        for (certificate, facts), (status_list, index) in zip(group, pairs, strict=True)
    ]
    if sign:
        for row, (_, facts), (status_list, index) in zip(rows, group, pairs, strict=True):
            row["document"] = _signed(
                public_id=row["public_id"], facts=facts, key=key, status_list=status_list,
                status_index=index, issued=now,
            )  # fmt: skip
    dicts_insert(OpenBadgeCredential, rows, varying=_VARYING + (("document",) if sign else ()))
    return rows


_VARYING = ("public_id", "certificate_id", "status_list_id", "status_index", "facts")


def credentials_sync(*, certificates: list[GeneratedCertificate], reason: str = "changed") -> dict:
    """Bring the live credentials of these certificates (as just written) in line with them, in the caller's
    transaction (the CERTIFICATES_WRITTEN receiver): revoked when the certificate is no longer downloadable, its
    learner is retired (`reason` "retired" also blanks them), what it says changed, or it was reissued (`reason`
    "reissued"). Nothing is issued here: a downloadable certificate's credential is issued on its first request
    (credential_for_certificate), so a write whose certificates have no live credential (every new certificate
    of a course-wide run) costs one query (ADR 0019, amended for issue 20). Set-based: a fixed number of
    queries whatever the number of certificates. Returns {"revoked": n}."""
    certificates = [c for c in certificates if c.pk is not None]
    ids = {c.pk for c in certificates}
    live = {
        c.certificate_id: c
        for c in OpenBadgeCredential.objects.filter(_ids_filter(ids), revoked__isnull=True)
        if c.certificate_id in ids
    }
    revoke = []
    if live:
        holding = [c for c in certificates if c.pk in live]
        retired, now = _prime(holding), timezone.now()
        for certificate in holding:
            current = live[certificate.pk]
            if (
                reason in ("retired", "reissued")
                or not _issuable(certificate, retired)
                or current.facts != certificate_facts(certificate, now=now).as_dict()
            ):
                revoke.append(current)
    revoked = credentials_revoke(credentials=revoke, reason=reason) if revoke else 0
    if reason == "retired":  # the name goes from every credential of theirs, revoked before or now
        OpenBadgeCredential.objects.filter(certificate__in=certificates).exclude(facts={}).update(
            document={}, facts={}
        )
    return {"revoked": revoked}


def _ids_filter(ids: set[int]) -> Q:
    """Certificates' ids as a range when they are many and dense (a chunk's, inserted together): a
    thousand-value IN list costs more to build and send than the query; the caller drops the rows of ids in
    the range it did not ask for. Else IN."""
    if len(ids) > 50 and max(ids) - min(ids) < 4 * len(ids):
        return Q(certificate_id__gte=min(ids), certificate_id__lte=max(ids))
    return Q(certificate_id__in=ids)
