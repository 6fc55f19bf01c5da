"""Template versions (ADR 0006): save a template's text as a draft, publish a version (publishing an older one
is a rollback). Certificates keep the version they were issued with; new issues use the published one."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from coursecerts.certificates.models import (
    CertificateTemplate,
    CertificateTemplateVersion,
    TemplateVersionStates,
)
from coursecerts.certificates.web.engine import compile_template

log = logging.getLogger(__name__)


@transaction.atomic
def template_version_create(
    *, template: CertificateTemplate, text: str | None = None, actor=None, note: str = ""
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
    *, version: CertificateTemplateVersion, actor=None
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
