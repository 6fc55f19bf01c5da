"""The typed render context of a web certificate: built by a selector (web.selectors), formatted by the
templates (HTML page and typst PDF), and flattened into Open edX's context keys for operators' templates.
It holds plain values only, never model instances, so a template cannot reach the database."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime

from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class SignatoryData:
    name: str
    title: str = ""
    organization: str = ""
    image_url: str = ""  # for the page
    image_name: str = ""  # storage name, for the PDF


@dataclass(frozen=True)
class CertificateRenderContext:
    # who and what
    learner_name: str  # the name stored at issue (ADR 0002), never the learner's current name
    course_title: str
    course_key: str
    course_number: str
    mode: str
    certificate_title: str  # e.g. "Verified Certificate of Achievement" (web-view configuration, per mode)
    certificate_type: str  # e.g. "Verified"
    # who issues it
    platform_name: str
    organization_name: str
    organization_short_name: str
    organization_logo_url: str = ""
    organization_logo_name: str = ""  # storage name, for the PDF
    signatories: tuple[SignatoryData, ...] = ()
    # when, and how to check it
    issued_date: datetime | None = None  # the display date (certificates/display.py)
    expires_date: datetime | None = None  # fixed at issue (ADR 0025); None: it never expires
    expired: bool = False  # past its expiry date: the page and the PDF say "Expired on <date>"
    certificate_id: str = ""  # verify_uuid
    verify_url: str = ""
    pdf_url: str = ""
    linkedin_url: str = ""
    qr_svg: str = ""
    # the Open Badges credential, offered on the page when the certificate has (or can get) one; set by the
    # page's view (web.credential_views.credential_offer), empty in the preview and the PDF
    credential_url: str = ""  # absolute: a wallet fetches it
    credential_download_url: str = ""
    credential_qr_svg: str = ""
    # how it is shown
    language: str = "en"
    direction: str = "ltr"
    is_preview: bool = False
    status: str = ""  # the public state of an issued certificate's page ("valid"), for its validity block
    template_version_id: int | None = None
    extra: dict = field(default_factory=dict)  # the web-view configuration's keys (logo_src, company_*...)

    @property
    def qr_markup(self) -> SafeString:
        """The QR code as trusted SVG markup (made by segno from our own URL, never from learner input)."""
        return mark_safe(self.qr_svg)  # noqa: S308

    @property
    def credential_qr_markup(self) -> SafeString:
        """The QR code of the credential's URL, trusted the same way (segno, from our own URL)."""
        return mark_safe(self.credential_qr_svg)  # noqa: S308

    @property
    def full_title(self) -> str:
        """The certificate's title with its course, each said once: "Verified Certificate of Achievement: Data
        Science 101", or the title alone when it names the course already (LinkedIn, the PDF's title)."""
        if self.course_title.casefold() in self.certificate_title.casefold():
            return self.certificate_title
        return f"{self.certificate_title}: {self.course_title}"

    @property
    def issue_year(self) -> int | None:
        return self.issued_date.year if self.issued_date else None

    def fingerprint(self) -> dict:
        """What a rendered PDF depends on; its hash names the stored file, so any change renders anew."""
        data = asdict(self)
        for key in (
            "qr_svg",
            "credential_url",
            "credential_download_url",
            "credential_qr_svg",
            "pdf_url",
            "linkedin_url",
            "organization_logo_url",
            "extra",
            "is_preview",
            "status",
        ):
            data.pop(key)
        data["issued_date"] = self.issued_date.isoformat() if self.issued_date else None
        data["expires_date"] = self.expires_date.isoformat() if self.expires_date else None
        return data

    def as_template_context(self) -> dict:
        """Open edX's context keys for operators' templates (docs/web-certificates.md), plus `certificate` (this
        object)."""
        return {
            **self.extra,
            "certificate": self,
            "user_language": self.language,
            "platform_name": self.platform_name,
            "course_id": self.course_key,
            "course_number": self.course_number,
            "course_mode": self.mode,
            "accomplishment_copy_name": self.learner_name,
            "accomplishment_copy_course_name": self.course_title,
            "accomplishment_copy_course_org": self.organization_short_name,
            "organization_long_name": self.organization_name,
            "organization_short_name": self.organization_short_name,
            "organization_logo": self.organization_logo_url,
            "certificate_title": self.certificate_title,
            "certificate_type": self.certificate_type,
            "certificate_id_number": self.certificate_id,
            "certificate_verify_url": self.verify_url,
            "certificate_date_issued": self.issued_date,
            "certificate_expires_date": self.expires_date,
            "certificate_expired": self.expired,
            "share_url": self.verify_url,
            "linked_in_url": self.linkedin_url,
            "pdf_url": self.pdf_url,
            "signatories": self.signatories,
            "qr_code": self.qr_markup,
            "credential_url": self.credential_url,
            "credential_download_url": self.credential_download_url,
            "credential_qr_code": self.credential_qr_markup,
            "is_preview": self.is_preview,
        }
