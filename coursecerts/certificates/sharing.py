"""Where a certificate can be shared from: LinkedIn (add to the profile's Licenses & certifications, and a feed
post), X and email. Plain links (no script, no tracking pixel), built from the certificate alone: the page and the
learner's email both show them (README "The learner's side")."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from coursecerts.certificates.links import certificate_url
from coursecerts.certificates.models import GeneratedCertificate


@dataclass(frozen=True)
class ShareLinks:
    linkedin_profile: str  # LinkedIn's "Add to profile" form, filled in
    linkedin_post: str  # a feed post of the page's URL (LinkedIn reads the page's Open Graph tags)
    x_post: str
    email: str  # mailto: with a subject and the URL


def share_links(
    certificate: GeneratedCertificate, *, course_title: str, organization_name: str, text: str
) -> ShareLinks:
    """The share links of a certificate. `text`: the sentence the X post and the email start with."""
    url = certificate_url(certificate)
    profile = {
        "startTask": "CERTIFICATION_NAME",
        "name": course_title,
        "organizationName": organization_name,
        "certUrl": url,
        "certId": certificate.verify_uuid,
    }
    if certificate.issued_date:
        profile |= {"issueYear": certificate.issued_date.year, "issueMonth": certificate.issued_date.month}
    return ShareLinks(
        linkedin_profile=f"https://www.linkedin.com/profile/add?{urlencode(profile)}",
        linkedin_post=f"https://www.linkedin.com/sharing/share-offsite/?{urlencode({'url': url})}",
        x_post=f"https://x.com/intent/post?{urlencode({'text': text, 'url': url})}",
        email="mailto:?" + urlencode({"subject": text, "body": f"{text}\n{url}"}, quote_via=_quote),
    )


def _quote(value, safe="", encoding=None, errors=None):
    """mailto: wants %20 for spaces, not the + of a query string."""
    from urllib.parse import quote

    return quote(value, safe=safe, encoding=encoding, errors=errors)
