"""Template versions (ADR 0006): save a template's text as a draft, publish a version (publishing an older one
is a rollback). Certificates keep the version they were issued with; new issues use the published one."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from coursecerts.certificates.events import UNTRACKED_CHANGE, certificate_events_record, certificates_written
from coursecerts.certificates.models import (
    CertificateHistory,
    CertificateStatuses,
    CertificateTemplate,
    CertificateTemplateVersion,
    GeneratedCertificate,
    TemplateVersionStates,
)
from coursecerts.certificates.rendering.engine import compile_template
from coursecerts.common.errors import ApplicationError

if TYPE_CHECKING:
    from django.contrib.auth.models import User

log = logging.getLogger(__name__)


class TemplateVersionNotPublished(ApplicationError):
    pass


@transaction.atomic
def template_version_create(
    *, template: CertificateTemplate, text: str | None = None, actor: User | None = None, note: str = ""
) -> CertificateTemplateVersion:
    """A new draft version of `template` with `text` (default: the template's current text). The text must
    compile in the sandboxed engine; TemplateInvalid says why not."""
    text = template.template if text is None else text
    compile_template(text)
    template = CertificateTemplate.objects.select_for_update().get(pk=template.pk)
    number = (template.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = CertificateTemplateVersion(
        template=template, number=number, text=text, created_by=actor, note=note
    )
    version.full_clean(validate_constraints=False)
    version.save()
    log.info("template %s: draft version %s created", template.pk, number)
    return version


@transaction.atomic
def template_version_publish(
    *, version: CertificateTemplateVersion, actor: User | None = None
) -> CertificateTemplateVersion:
    """Make `version` the one new certificates are issued with; the previously published one is retired. The
    template's text becomes the version's, so the admin shows what is live."""
    compile_template(version.text)
    template = CertificateTemplate.objects.select_for_update().get(pk=version.template_id)
    template.versions.filter(state=TemplateVersionStates.PUBLISHED).exclude(pk=version.pk).update(
        state=TemplateVersionStates.RETIRED
    )
    version.state = TemplateVersionStates.PUBLISHED
    version.published, version.published_by = timezone.now(), actor
    version.save(update_fields=["state", "published", "published_by"])
    if template.template != version.text:
        template.template = version.text
        template.save(update_fields=["template", "modified"])
    log.info("template %s: version %s published", template.pk, version.number)
    return version


def template_version_latest_draft(template: CertificateTemplate) -> CertificateTemplateVersion | None:
    return template.versions.filter(state=TemplateVersionStates.DRAFT).order_by("-number").first()


@transaction.atomic
def certificates_reissue_with_version(
    *, version: CertificateTemplateVersion, actor: User | None = None
) -> int:
    """Reissue, with the published `version`, every downloadable certificate issued with another version of the
    same template: the explicit step that moves issued certificates to a new design (or back, after a rollback).
    Each one gets a history row naming the change; its stored PDF is replaced on the next download (the PDF's
    name hashes the version). Returns how many were reissued."""
    if version.state != TemplateVersionStates.PUBLISHED:
        raise TemplateVersionNotPublished(f"{version} is not published: publish it before reissuing with it")
    certificates = list(
        GeneratedCertificate.objects.select_for_update()
        .filter(template_version__template_id=version.template_id, status=CertificateStatuses.DOWNLOADABLE)
        .exclude(template_version=version)
        .select_related("template_version")
    )
    GeneratedCertificate.objects.filter(pk__in=[c.pk for c in certificates]).update(template_version=version)
    CertificateHistory.objects.bulk_create(
        [_reissue_row(c, version, actor) for c in certificates], batch_size=1000
    )
    # Told as certificate.changed.v1 (ADR 0015), in this transaction.
    certificate_events_record([(c, UNTRACKED_CHANGE) for c in certificates])
    certificates_written(certificates, reason="reissued")  # new Open Badges credentials
    log.info(
        "template %s: %d certificates reissued with v%s",
        version.template_id,
        len(certificates),
        version.number,
    )
    return len(certificates)


def _reissue_row(
    certificate: GeneratedCertificate, version: CertificateTemplateVersion, actor
) -> CertificateHistory:
    same = {
        f"{field}_{side}": getattr(certificate, field)
        for field in ("status", "mode", "grade", "name")
        for side in ("before", "after")
    }
    was = certificate.template_version
    assert was is not None  # only certificates issued with another version are reissued
    return CertificateHistory(
        certificate=certificate,
        source="template_reissue",
        actor=actor,
        note=f"Reissued with template {version.template_id} v{version.number} (was v{was.number})",
        **same,
    )
