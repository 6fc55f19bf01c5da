"""Where a certificate can be shared from: LinkedIn (add to the profile's Licenses & certifications, and a feed
post), X and email. Plain links (no script, no tracking pixel): the certificate page (templatetags
certificate_sharing), the learner's emails and the learner's page show them (README "The learner's side").
LinkedIn and X draw the post's card from the page's Open Graph and Twitter tags, with its preview image
(services.preview)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlencode

from django.utils.translation import gettext as _

from coursecerts.certificates.links import certificate_url
from coursecerts.certificates.models import GeneratedCertificate


@dataclass(frozen=True)
class ShareLinks:
    linkedin_profile: str  # LinkedIn's "Add to profile" form, filled in
    linkedin_post: str  # a feed post of the page's URL
    x_post: str
    email: str  # mailto: with a subject and the URL


def share_text(*, course_title: str, organization_name: str) -> str:
    """The sentence a post or an email starts with, in the active language."""
    return _("I earned a certificate for %(course)s from %(organization)s") % {
        "course": course_title,
        "organization": organization_name,
    }


def share_links_for(
    *,
    url: str,
    certificate_id: str,
    issued_date: datetime | None,
    course_title: str,
    organization_name: str,
) -> ShareLinks:
    text = share_text(course_title=course_title, organization_name=organization_name)
    profile = {
        "startTask": "CERTIFICATION_NAME",
        "name": course_title,
        "organizationName": organization_name,
        "certUrl": url,
        "certId": certificate_id,
    }
    if issued_date is not None:
        profile |= {"issueYear": issued_date.year, "issueMonth": issued_date.month}
    return ShareLinks(
        linkedin_profile=f"https://www.linkedin.com/profile/add?{urlencode(profile)}",
        linkedin_post=f"https://www.linkedin.com/sharing/share-offsite/?{urlencode({'url': url})}",
        x_post=f"https://x.com/intent/post?{urlencode({'text': text, 'url': url})}",
        # mailto: wants %20 for spaces, not the + of a query string
        email="mailto:?" + urlencode({"subject": text, "body": f"{text}\n{url}"}, quote_via=quote),
    )


def share_links(
    certificate: GeneratedCertificate, *, course_title: str, organization_name: str
) -> ShareLinks:
    """The share links of an issued certificate."""
    return share_links_for(
        url=certificate_url(certificate),
        certificate_id=certificate.verify_uuid,
        issued_date=certificate.issued_date,
        course_title=course_title,
        organization_name=organization_name,
    )
