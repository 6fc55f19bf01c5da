"""{% certificate_share_links c as share %}: the share links of the certificate a page shows (sharing.py), from
its render context: share.linkedin_post, share.x_post, share.email (the page keeps its own add-to-profile link)."""

from __future__ import annotations

from django import template

from coursecerts.certificates.sharing import ShareLinks, share_links_for

register = template.Library()


@register.simple_tag
def certificate_share_links(context) -> ShareLinks | None:
    if context.is_preview or not context.verify_url:
        return None
    return share_links_for(
        url=context.verify_url,
        certificate_id=context.certificate_id,
        issued_date=context.issued_date,
        course_title=context.course_title,
        organization_name=context.organization_name,
    )
