"""The web-view configuration (Open edX CertificateHtmlViewConfiguration) merged over sensible defaults: what
each mode's certificate is called, and the platform's name and links. Configured values are shown as written;
the defaults are translated."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from coursecerts.certificates.display import certificate_titles
from coursecerts.certificates.models import CertificateHtmlViewConfiguration
from coursecerts.courses.models import CourseModes, CourseRun

_ACHIEVEMENT = (_("Certificate"), _("Certificate of Achievement"))
DEFAULT_MODE_TEXTS: dict[str, tuple[str, str]] = {
    CourseModes.HONOR: (_("Honor Code"), _("Certificate of Achievement")),
    CourseModes.AUDIT: _ACHIEVEMENT,
    CourseModes.VERIFIED: (_("Verified"), _("Verified Certificate of Achievement")),
    CourseModes.PROFESSIONAL: (_("Professional"), _("Professional Certificate")),
    CourseModes.NO_ID_PROFESSIONAL: (_("Professional"), _("Professional Certificate")),
    CourseModes.MASTERS: (_("Master's"), _("Master's Certificate")),
    CourseModes.CREDIT: (_("Credit"), _("Certificate of Achievement")),
}


def web_view_config(mode: str, *, configured: dict | None = None) -> dict:
    """The configuration's "default" section, then the section of `mode`, over the defaults. Keys Open edX
    reads: platform_name, logo_src, logo_url, company_*_url, certificate_type, certificate_title. `configured`:
    the stored configuration when the caller has it (the page cache keeps it per change)."""
    if configured is None:
        configured = CertificateHtmlViewConfiguration.get_config()
    certificate_type, certificate_title = DEFAULT_MODE_TEXTS.get(mode, _ACHIEVEMENT)
    config = {
        "platform_name": settings.PLATFORM_NAME,
        "certificate_type": certificate_type,
        "certificate_title": certificate_title,
    }
    config.update(_section(configured, "default"))
    config.update(_section(configured, mode))
    return config


def printed_titles(
    course_run: CourseRun, *, mode: str, stored_course_title: str = "", configured: dict | None = None
) -> tuple[str, str]:
    """(certificate title, course title) as a certificate prints them, on its page, its PDF, LinkedIn and the
    verification API: the heading and course title of display.certificate_titles, and, when the run names no
    heading, the mode's title from the web-view configuration (in the active language). Reads the configuration
    only then, unless `configured` is given."""
    heading, course_title = certificate_titles(course_run, stored_course_title)
    if not heading:
        heading = str(web_view_config(mode, configured=configured)["certificate_title"])
    return heading, course_title


def _section(configured: dict, key: str) -> dict:
    section = configured.get(key)
    return section if isinstance(section, dict) else {}
