"""What a certificate's page stores with the certificate (CertificateRenderData, issue 20): its QR codes, drawn
once, and its page as last rendered, served again while nothing it was rendered from has changed.

A stored page is keyed by `page_digest`: a hash of every value its render context is built from (all the
certificate's fields, its date override, the run, its organisation, configuration and signatories, the web-view
configuration in force), the page's language, public state and display date (both depend on the moment), and
`render_epoch()`, which stands for what is the same for every page of a process (the settings, the code, its
templates and translations, the libraries). A reissue, a name correction, an invalidation, expiry, a date
override, a change of the run's display behaviour or available date, an edited signatory or a new template
version all change the digest, and the page is rendered again; so does a deploy. Only valid pages are stored.
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import datetime
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.core.signals import setting_changed
from django.db import DatabaseError

from coursecerts.certificates.models import CertificateHtmlViewConfiguration, CertificateRenderData
from coursecerts.common.upsert import rows_bulk_upsert

log = logging.getLogger(__name__)

_PACKAGE = Path(__file__).resolve().parents[2]  # coursecerts/
_CODE_SUFFIXES = {".py", ".html", ".txt", ".mo", ".css", ".js", ".typ", ".svg"}
_LIBRARIES = ("django", "babel", "segno", "django-csp")
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
# Settings no page shows: how pages are cached, limited and rendered ahead, and where the data and logs go.
_NOT_RENDERED = re.compile(
    r"CERTIFICATE_PAGE_(CACHE_SIZE|CACHE_SECONDS|RATE)|CERTIFICATE_PAGES_RENDER_AHEAD|DATABASES|CACHES|LOGGING"
)


def render_data(certificate) -> CertificateRenderData | None:
    """The certificate's stored render data when it was loaded with it (select_related("render_data")), or
    None: never a query."""
    if "render_data" not in certificate._state.fields_cache:
        return None
    return certificate._state.fields_cache["render_data"]


def known_qr_codes(certificate) -> dict[str, str]:
    """The QR codes stored with the certificate, by the URL each encodes ({} when none are)."""
    data = render_data(certificate) if certificate is not None else None
    return dict(data.qr_codes) if data is not None else {}


def stored_page(certificate, digest: str) -> str | None:
    """The page stored with the certificate when it was rendered from the same inputs (`digest`), else None."""
    data = render_data(certificate)
    if data is None or not data.page_digest or data.page_digest != digest:
        return None
    return data.page_html


def render_data_store(
    *, certificate, qr_codes: dict[str, str], language: str, digest: str, html: str
) -> None:
    """Store the certificate's QR codes and its page: one statement (an upsert), so a page's first render costs
    one query more. A failed write (a locked database) is logged and forgotten: the page is served all the same
    and rendered again next time."""
    row = CertificateRenderData(
        certificate_id=certificate.pk,
        qr_codes=qr_codes,
        page_language=language,
        page_digest=digest,
        page_html=html,
    )
    try:
        rows_bulk_upsert(CertificateRenderData, [row], unique_fields=["certificate"], update_fields=_STORED)
    except DatabaseError as exc:
        log.warning("Render data of certificate %s not stored: %s", certificate.pk, exc)
        return
    certificate._state.fields_cache["render_data"] = row


_STORED = ["qr_codes", "page_language", "page_digest", "page_html", "modified"]


def page_digest(certificate, *, language: str, state: str, display_date: datetime | None) -> str:
    """The digest of everything the page of `certificate` is rendered from (module docstring). The run must be
    loaded with its organisation, configuration and signatories (rendering.selectors). Whether the page offers a
    credential follows from the certificate's and the run's fields, so it is not an input of its own."""
    override = getattr(certificate, "date_override", None)
    inputs = (
        render_epoch(),
        language,
        state,
        display_date.isoformat() if display_date else None,
        _fields(certificate),
        _fields(override) if override is not None else None,
        _run_inputs(certificate.course),
    )
    return hashlib.sha256(repr(inputs).encode()).hexdigest()


def _run_inputs(run) -> str:
    """The run's part of a page digest: the run, its organisation, configuration and signatories, and the web-view
    configuration in force. Kept on a run of the page cache (web.page_cache.course_run_cached, shared read-only
    while nothing of it changes), so that the pages of a run compute it once."""
    kept = run.__dict__.get("_render_inputs")
    if kept is not None:
        return kept
    configuration = getattr(run, "certificate_configuration", None)
    signatories = configuration.signatories.all() if configuration is not None else ()
    web_view = getattr(run, "web_view_configured", None)  # the configuration's parsed JSON, as rendered
    cached = web_view is not None
    if web_view is None:
        web_view = CertificateHtmlViewConfiguration.get_config()
    inputs = repr(
        (
            _fields(run),
            _fields(run.organization),
            _fields(configuration) if configuration is not None else None,
            tuple(_fields(s) for s in signatories),
            web_view,
        )
    )
    if cached:
        run.__dict__["_render_inputs"] = inputs
    return inputs


def _fields(instance) -> tuple:
    return tuple(getattr(instance, f.attname) for f in instance._meta.concrete_fields)


def render_epoch() -> str:
    """What every page of this process is rendered with besides its own data: the settings, the code with its
    templates and translations, and the rendering libraries' versions."""
    return _epoch_of_settings() + _epoch_of_code()


@lru_cache(maxsize=1)
def _epoch_of_settings() -> str:
    values = []
    for name in sorted(n for n in dir(settings) if n.isupper() and not _NOT_RENDERED.fullmatch(n)):
        values.append((name, _ADDRESS.sub("", repr(getattr(settings, name, None)))))
    return hashlib.sha256(repr(values).encode()).hexdigest()[:32]


@lru_cache(maxsize=1)
def _epoch_of_code() -> str:
    """A hash of the package's code, templates and translations as read when the process starts (the app's ready():
    the code it runs, not a later deploy's), with the rendering libraries' versions."""
    digest = hashlib.sha256()
    for name in _LIBRARIES:
        try:
            digest.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(name.encode())
    for path in sorted(_PACKAGE.rglob("*")):
        if path.suffix in _CODE_SUFFIXES and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(_PACKAGE)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def _settings_changed(**kwargs) -> None:
    _epoch_of_settings.cache_clear()


setting_changed.connect(_settings_changed, dispatch_uid="coursecerts.rendering.stored.settings")
