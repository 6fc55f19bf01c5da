"""The files of legacy Open edX PDF certificates (edx-certificates), in the `legacy_certificates` storage.

A legacy PDF certificate is a row with a download_url or a download_uuid. Its four files are found only through
those columns and verify_uuid, with the LEGACY_CERT_*_PATH templates (README "Learner retirement"), so the files must be
deleted before the columns are blanked.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db.models import Q, QuerySet

from coursecerts.certificates.models import GeneratedCertificate


@dataclass(frozen=True)
class PdfCertificateFiles:
    certificate_id: int
    user_id: int
    username: str
    course_key: str
    paths: list[str]


def legacy_storage() -> Storage:
    return storages["legacy_certificates"]


def legacy_certificate_paths(*, download_uuid: str, verify_uuid: str) -> list[str]:
    """The four file paths (three when download_uuid is blank: the PDF's folder is unknown)."""
    templates = [
        settings.LEGACY_CERT_PDF_PATH,
        settings.LEGACY_CERT_SIGNATURE_PATH,
        settings.LEGACY_CERT_VALID_PATH,
        settings.LEGACY_CERT_VERIFY_PATH,
    ]
    return [
        template.format(download_uuid=download_uuid, verify_uuid=verify_uuid)
        for template in templates
        if download_uuid or "{download_uuid}" not in template
    ]


def pdf_certificates_with_references() -> QuerySet[GeneratedCertificate]:
    return GeneratedCertificate.objects.filter(~Q(download_url="") | ~Q(download_uuid=""))


def pdf_certificate_files_list(
    *,
    certificate_ids: Collection[int] | None = None,
    usernames: Collection[str] | None = None,
    user_ids: Collection[int] | None = None,
) -> list[PdfCertificateFiles]:
    """Each legacy PDF certificate (optionally only these ids or these learners') with its file paths."""
    certificates = pdf_certificates_with_references()
    if user_ids is not None:
        certificates = certificates.filter(user_id__in=user_ids)
    if certificate_ids is not None:
        certificates = certificates.filter(pk__in=certificate_ids)
    if usernames is not None:
        certificates = certificates.filter(user__username__in=usernames)
    rows = certificates.order_by("pk").values_list(
        "pk", "user_id", "user__username", "course_id", "download_uuid", "verify_uuid"
    )
    return [
        PdfCertificateFiles(
            certificate_id=pk,
            user_id=user_id,
            username=username,
            course_key=str(course_key),
            paths=legacy_certificate_paths(download_uuid=download_uuid, verify_uuid=verify_uuid),
        )
        for pk, user_id, username, course_key, download_uuid, verify_uuid in rows
    ]
