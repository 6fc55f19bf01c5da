"""Editing certificate templates in bulk (Open edX `modify_cert_template` and its task).

This is a raw string replacement in template source: nothing parses the HTML or the template language, so an
operator must check the result (a dry run shows a unified diff of each change).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import unified_diff

from django.db import transaction

from coursecerts.certificates.models import CertificateTemplate

log = logging.getLogger(__name__)


@dataclass
class TemplateModification:
    changed: list[int] = field(default_factory=list)  # changed (or, in a dry run, would change)
    not_found: list[int] = field(default_factory=list)  # the old text does not occur in the template
    missing: list[int] = field(default_factory=list)  # no template with this id
    diffs: list[str] = field(default_factory=list)  # dry run only: one unified diff per changed template


def template_diff(template_id: int, old: str, new: str) -> str:
    return "\n".join(
        unified_diff(
            old.splitlines(),
            new.splitlines(),
            lineterm="",
            fromfile=f"template {template_id} (old)",
            tofile=f"template {template_id} (new)",
        )
    )


@transaction.atomic
def certificate_templates_modify(
    *, old_text: str, new_text: str, template_ids: Sequence[int], dry_run: bool = False
) -> TemplateModification:
    """Replace the FIRST occurrence of old_text with new_text in each template. Missing ids are logged and
    reported; in a dry run each change is logged as a unified diff and nothing is saved."""
    if not old_text:
        raise ValueError("old_text must not be empty")
    template_ids = list(dict.fromkeys(template_ids))
    log.info(f"[modify_cert_template] Attempting to modify {len(template_ids)} templates")
    templates = CertificateTemplate.objects.select_for_update().in_bulk(template_ids)
    result = TemplateModification()
    for template_id in template_ids:
        template = templates.get(template_id)
        if template is None:
            log.warning(f"Template {template_id} could not be found")
            result.missing.append(template_id)
        elif old_text not in template.template:
            log.info(f"[modify_cert_template] No changes to {template_id}")
            result.not_found.append(template_id)
        else:
            _modify(template, template.template.replace(old_text, new_text, 1), dry_run, result)
    log.info(f"[modify_cert_template] Modified {0 if dry_run else len(result.changed)} templates")
    return result


def _modify(template: CertificateTemplate, new: str, dry_run: bool, result: TemplateModification) -> None:
    result.changed.append(template.pk)
    if dry_run:
        diff = template_diff(template.pk, template.template, new)
        log.info(f"DRY-RUN: Not making the following template change to {template.pk}.")
        log.info(diff)
        result.diffs.append(diff)
        return
    log.info(f"[modify_cert_template] Modifying template {template.pk} ({template.description})")
    template.template = new
    template.full_clean(validate_unique=False, validate_constraints=False)
    template.save(update_fields=["template", "modified"])
