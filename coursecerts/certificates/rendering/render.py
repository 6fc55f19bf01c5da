"""A certificate's HTML: the built-in design, or the operator's template version it was issued with."""

from __future__ import annotations

from django.template.loader import render_to_string

from coursecerts.certificates.models import CertificateTemplateVersion
from coursecerts.certificates.rendering.context import CertificateRenderContext
from coursecerts.certificates.rendering.engine import render_operator_template

DEFAULT_TEMPLATE = "certificates/web/certificate.html"


def render_certificate_html(
    context: CertificateRenderContext, version: CertificateTemplateVersion | None
) -> str:
    """Call inside translation.override(context.language). Operators' templates run in the sandboxed engine
    with only their context (ADR 0006); the built-in design is ours and uses Django's engine."""
    if version is None:
        return render_to_string(DEFAULT_TEMPLATE, {"c": context})
    return render_operator_template(
        version_id=version.pk, text=version.text, context=context.as_template_context()
    )
