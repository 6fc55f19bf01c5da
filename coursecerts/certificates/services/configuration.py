"""A run's certificate configuration (title, active flag, signatories), as the course team sets it."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from coursecerts.certificates.models import CertificateConfiguration, Signatory
from coursecerts.common.upsert import row_upsert, upsert_retried
from coursecerts.courses.models import CourseRun


@dataclass(frozen=True)
class SignatoryInput:
    name: str
    title: str = ""
    organization: str = ""
    image_name: str = ""  # a file already in storage, or the name to store image_content under
    image_content: bytes | None = None  # new image bytes (already checked to be an image)


@upsert_retried
@transaction.atomic
def certificate_configuration_put(
    *, course_run: CourseRun, title: str, is_active: bool, signatories: list[SignatoryInput]
) -> tuple[CertificateConfiguration, bool]:
    """Replace the run's configuration and its signatories with these (created when missing). Images are
    stored under content-addressed names, so putting the same image again stores nothing new. Parallel callers
    end with one configuration."""
    configuration, previous = row_upsert(
        CertificateConfiguration, key={"course": course_run}, values={"title": title, "is_active": is_active}
    )
    created = previous is None
    configuration.signatories.all().delete()
    for order, signatory in enumerate(signatories):
        row = Signatory(
            configuration=configuration,
            name=signatory.name,
            title=signatory.title,
            organization=signatory.organization,
            order=order,
        )
        row.signature_image.name = _stored_image(signatory)
        row.full_clean(exclude=["signature_image"])
        row.save()
    return configuration, created


def _stored_image(signatory: SignatoryInput) -> str:
    if signatory.image_content is None or not signatory.image_name:
        return signatory.image_name
    if not default_storage.exists(signatory.image_name):
        return default_storage.save(signatory.image_name, ContentFile(signatory.image_content))
    return signatory.image_name
