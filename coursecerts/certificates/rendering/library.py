"""The `certificate` template library for operators' templates: {% load certificate %}.

{% certificate_asset_url "logo-oli" %}   URL of a template asset by slug ('' when unknown), as Open edX's
                                         static.certificate_asset_url
{{ certificate.issued_date|certificate_date }}   the date in CERTIFICATE_DATE_FORMAT, month translated
{% certificate_qr %}                     the QR code of the certificate's URL, inline SVG
"""

from __future__ import annotations

from django import template

from coursecerts.certificates.rendering.dates import certificate_date as _certificate_date

register = template.Library()


@register.simple_tag
def certificate_asset_url(slug) -> str:
    from coursecerts.certificates.rendering.selectors import template_asset_url

    return template_asset_url(str(slug))


@register.filter
def certificate_date(value) -> str:
    return _certificate_date(value)


@register.simple_tag(takes_context=True)
def certificate_qr(context):
    certificate = context.get("certificate")
    return certificate.qr_markup if certificate is not None else ""
