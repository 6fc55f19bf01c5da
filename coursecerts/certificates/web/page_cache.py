"""A per-process cache of rendered certificate pages, so a page costs one small query instead of loading and
rendering the certificate on every visit (bench/page.py; the page must serve at half a trivial view's rate).

A visit of a page kept here runs one raw SQL query that reads what the page depends on (its freshness key): the
certificate's shown fields and status, its date override, when its run, organisation, configuration, signatories
and the web-view configuration last changed, and when its learner was retired (retirement may change nothing else
the page shows: a printed name that was already blank stays blank). A visit of a page not kept here reads the same
columns in the certificate's own query (key_columns; web.selectors.certificate_page_get_with_key). A cached page
is served only when that key is unchanged, the public rule (display.certificate_public_status) still shows it at
this moment with the same date, and it is younger than CERTIFICATE_PAGE_CACHE_SECONDS (which bounds anything the
key does not see, e.g. a replaced asset file). Only valid pages are cached: a revoked or invalidated certificate
changes the key at once.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from django.conf import settings
from django.db import connection

from coursecerts.certificates.display import (
    PublicState,
    certificate_public_status,
    display_date_for_certificate,
)
from coursecerts.certificates.models import (
    CertificateConfiguration,
    CertificateDateOverride,
    CertificateHtmlViewConfiguration,
    GeneratedCertificate,
    Signatory,
)
from coursecerts.courses.models import CourseRun, Organization
from coursecerts.learners.models import LearnerProfile


@dataclass(frozen=True)
class CourseStamp:
    """The part of a freshness key that changes with the run, its organisation, configuration, signatories and
    the web-view configuration: what course_run_cached keys on."""

    course_key: str
    run_modified: datetime
    organization_modified: datetime
    configuration_modified: datetime | None
    signatories_modified: datetime | None
    signatory_count: int
    web_view_changed: datetime | None


@dataclass(frozen=True)
class FreshnessKey:
    """What a certificate's page depends on (the module docstring): a cached page is served only while it is
    equal."""

    status: str
    name: str
    mode: str
    course_title: str
    issued_date: datetime | None
    template_version_id: int | None
    modified_date: datetime
    user_id: int
    override_date: datetime | None
    override_modified: datetime | None
    course: CourseStamp
    retired_at: datetime | None


@dataclass(frozen=True)
class CachedPage:
    key: FreshnessKey
    certificate: GeneratedCertificate
    display_date: datetime | None
    html: str
    language: str
    stored_at: float


_pages: OrderedDict[tuple, CachedPage] = OrderedDict()
_lock = threading.Lock()


def freshness_key(verify_uuid: str) -> FreshnessKey | None:
    """What the page of `verify_uuid` depends on, in one query; None when there is no such certificate."""
    with connection.cursor() as cursor:
        cursor.execute(_sql(connection.vendor), [verify_uuid])
        row = cursor.fetchone()
    return freshness_key_of(row) if row is not None else None


def freshness_key_of(row) -> FreshnessKey:
    """The key from the values of key_columns(), in their order."""
    (
        status, name, mode, course_title, issued_date, template_version_id, modified_date, user_id,
        override_date, override_modified, run_modified, organization_modified, configuration_modified,
        signatories_modified, signatory_count, web_view_changed, course_key, retired_at,
    ) = row  # fmt: skip
    course = CourseStamp(
        course_key=course_key,
        run_modified=run_modified,
        organization_modified=organization_modified,
        configuration_modified=configuration_modified,
        signatories_modified=signatories_modified,
        signatory_count=signatory_count,
        web_view_changed=web_view_changed,
    )
    return FreshnessKey(
        status=status,
        name=name,
        mode=mode,
        course_title=course_title,
        issued_date=issued_date,
        template_version_id=template_version_id,
        modified_date=modified_date,
        user_id=user_id,
        override_date=override_date,
        override_modified=override_modified,
        course=course,
        retired_at=retired_at,
    )


def _languages(inputs: tuple) -> tuple:
    """The language inputs (?lang, the visitor's), reduced to translated languages: arbitrary `?lang=` values
    share one entry instead of filling the cache."""
    from coursecerts.certificates.rendering.language import closest_language

    return tuple(closest_language(value) for value in inputs)


def holds(verify_uuid: str, inputs: tuple) -> bool:
    """Whether a page of `verify_uuid` for these language inputs is kept (fresh or not): no query."""
    return settings.CERTIFICATE_PAGE_CACHE_SIZE > 0 and (verify_uuid, _languages(inputs)) in _pages


def lookup(verify_uuid: str, inputs: tuple, key: FreshnessKey | None, now: datetime) -> CachedPage | None:
    if key is None or settings.CERTIFICATE_PAGE_CACHE_SIZE <= 0:
        return None
    inputs = _languages(inputs)
    with _lock:
        page = _pages.get((verify_uuid, inputs))
        if page is not None:
            _pages.move_to_end((verify_uuid, inputs))
    if (
        page is None
        or page.key != key
        or time.monotonic() - page.stored_at > settings.CERTIFICATE_PAGE_CACHE_SECONDS
    ):
        return None
    if certificate_public_status(page.certificate, now=now).state is not PublicState.VALID:
        return None
    if display_date_for_certificate(page.certificate, page.certificate.course, now) != page.display_date:
        return None
    return page


def store(verify_uuid: str, inputs: tuple, key: FreshnessKey | None, **values) -> None:
    if key is None or settings.CERTIFICATE_PAGE_CACHE_SIZE <= 0:
        return
    inputs = _languages(inputs)
    page = CachedPage(key=key, stored_at=time.monotonic(), **values)
    with _lock:
        _pages[(verify_uuid, inputs)] = page
        _pages.move_to_end((verify_uuid, inputs))
        while len(_pages) > settings.CERTIFICATE_PAGE_CACHE_SIZE:
            _pages.popitem(last=False)


_runs: OrderedDict[CourseStamp, CourseRun] = OrderedDict()


def course_run_cached(stamp: CourseStamp, load: Callable[[str], CourseRun | None]) -> CourseRun | None:
    """The run (with organisation, configuration and signatories loaded) for this stamp, loaded once per
    process while the stamp holds. Shared by every certificate of the run, read-only."""
    with _lock:
        run = _runs.get(stamp)
    if run is None:
        run = load(stamp.course_key)
        if run is not None:  # the web-view configuration is part of the stamp too
            run.web_view_configured = CertificateHtmlViewConfiguration.get_config()
        with _lock:
            _runs[stamp] = run
            while len(_runs) > 256:
                _runs.popitem(last=False)
    return run


def clear() -> None:
    with _lock:
        _pages.clear()
        _runs.clear()


@lru_cache(maxsize=4)
def _sql(vendor: str) -> str:
    q = connection.ops.quote_name
    cert = q(GeneratedCertificate._meta.db_table)
    return f"SELECT {', '.join(key_columns('c'))} FROM {cert} c WHERE c.{q('verify_uuid')} = %s"


def key_columns(certificate: str) -> tuple[str, ...]:
    """The freshness key's columns (in freshness_key_of's order) as SQL expressions on the certificate row named
    `certificate` (an alias or a quoted table name). The key's own query and the certificate's page query
    (web.selectors) select these same expressions, so that both give the same values of the same types (SQLite
    gives a subquery's datetime as text, a column's as a datetime)."""
    q = connection.ops.quote_name
    run, org = (q(m._meta.db_table) for m in (CourseRun, Organization))
    conf, sig = q(CertificateConfiguration._meta.db_table), q(Signatory._meta.db_table)
    over, view = q(CertificateDateOverride._meta.db_table), q(CertificateHtmlViewConfiguration._meta.db_table)
    profile = q(LearnerProfile._meta.db_table)
    c = certificate
    signatories = (
        f"FROM {sig} s JOIN {conf} k ON k.{q('id')} = s.{q('configuration_id')} "
        f"WHERE k.{q('course_id')} = {c}.{q('course_id')}"
    )
    own = (
        "status",
        "name",
        "mode",
        "course_title",
        "issued_date",
        "template_version_id",
        "modified_date",
        "user_id",
    )
    return (
        *(f"{c}.{q(column)}" for column in own),
        f"(SELECT d.{q('date')} FROM {over} d WHERE d.{q('generated_certificate_id')} = {c}.{q('id')})",
        f"(SELECT d.{q('modified')} FROM {over} d WHERE d.{q('generated_certificate_id')} = {c}.{q('id')})",
        f"(SELECT r.{q('modified')} FROM {run} r WHERE r.{q('id')} = {c}.{q('course_id')})",
        f"(SELECT o.{q('modified')} FROM {run} r JOIN {org} o ON o.{q('id')} = r.{q('organization_id')} "
        f"WHERE r.{q('id')} = {c}.{q('course_id')})",
        f"(SELECT k.{q('modified')} FROM {conf} k WHERE k.{q('course_id')} = {c}.{q('course_id')})",
        f"(SELECT MAX(s.{q('modified')}) {signatories})",
        f"(SELECT COUNT(*) {signatories})",
        f"(SELECT MAX(h.{q('change_date')}) FROM {view} h)",
        f"{c}.{q('course_id')}",
        f"(SELECT p.{q('retired_at')} FROM {profile} p WHERE p.{q('user_id')} = {c}.{q('user_id')})",
    )
