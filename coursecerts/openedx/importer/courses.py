"""Organisations, course runs (from course overviews, with their certificate configuration), course modes and
course roles. These tables are small: rows are written one by one through the courses and configuration
services, and only when they differ from what coursecerts holds."""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import ValidationError

from coursecerts.certificates.models import CertificateConfiguration
from coursecerts.certificates.services.configuration import SignatoryInput, certificate_configuration_put
from coursecerts.common.keys import InvalidCourseKey, parse_course_key
from coursecerts.common.validators import without_control_characters
from coursecerts.courses.models import (
    CertificatesDisplayBehaviors as CDB,
)
from coursecerts.courses.models import (
    CourseAccessRole,
    CourseMode,
    CourseRoles,
    CourseRun,
    Organization,
)
from coursecerts.courses.services import course_run_upsert, organization_get_or_create
from coursecerts.openedx.importer.context import MODES, ImportContext, text
from coursecerts.openedx.importer.report import TableReport
from coursecerts.openedx.importer.source import aware

NOT_IMPORTED_RUN = "its course run is not in coursecerts (no course overview, or the overview was rejected)"
NOT_IMPORTED_LEARNER = "its learner is not in the database's auth_user (or was rejected)"


def _errors(exc: ValidationError) -> str:
    return (
        "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        if hasattr(exc, "error_dict")
        else " ".join(exc.messages)
    )


def organizations_write(ctx: ImportContext, rows: list[dict], table: TableReport) -> None:
    existing = {
        o.short_name: o for o in Organization.objects.filter(short_name__in=[r["short_name"] for r in rows])
    }
    for row in rows:
        values = {
            "name": without_control_characters(text(row["name"])) or row["short_name"],
            "description": row["description"] or "",
            "active": bool(row["active"]),
        }
        organization = existing.get(row["short_name"]) or Organization(short_name=row["short_name"])
        if organization.pk and all(getattr(organization, k) == v for k, v in values.items()):
            table.unchanged += 1
            continue
        for name, value in values.items():
            setattr(organization, name, value)
        try:
            organization.full_clean(exclude=["logo"])
        except ValidationError as exc:
            table.reject(row["id"], _errors(exc))
            continue
        table.changed += bool(organization.pk)
        table.created += not organization.pk
        organization.save()


def course_run_values(row: dict) -> tuple[dict, list[str]]:
    """The coursecerts values of a course overview, and what had to be adjusted to fit coursecerts' one
    validated display-settings model (ADR 0003), the way Open edX's own CourseDetails.validate_certificate_settings
    reads the same values."""
    adjusted = []
    behavior, available = row["certificates_display_behavior"], aware(row["certificate_available_date"])
    self_paced = bool(row["self_paced"])
    if behavior not in CDB.values:
        behavior = CDB.END
    if row["certificates_show_before_end"] and behavior == CDB.END:
        behavior = CDB.EARLY_NO_INFO  # the deprecated flag shows certificates before the end
    if behavior == CDB.END_WITH_DATE and available is None:
        behavior = CDB.END
    if self_paced and behavior == CDB.END_WITH_DATE:
        behavior, available = CDB.END, None
        adjusted.append("self-paced run with end_with_date: no available date (self-paced runs show at once)")
    if behavior != CDB.END_WITH_DATE:
        available = None
    start, end = aware(row["start"]), aware(row["end"])
    if start and end and start > end:
        start = None
        adjusted.append("start after end: start left empty")
    values = {
        "display_name": without_control_characters(text(row["display_name"]))
        or text(row["display_number_with_default"])
        or str(row["id"]),
        "self_paced": self_paced,
        "start": start,
        "end": end,
        "certificates_display_behavior": behavior,
        "certificate_available_date": available,
        "cert_html_view_enabled": bool(row["cert_html_view_enabled"]),
        "language": text(row["language"], 16),
    }
    return values, adjusted


def course_runs_write(ctx: ImportContext, rows: list[dict], table: TableReport) -> None:
    runs = ctx.runs()
    for row in rows:
        try:
            key = parse_course_key(row["id"])
        except InvalidCourseKey as exc:
            table.reject(row["id"], f"malformed course key ({exc.message})")
            continue
        values, adjusted = course_run_values(row)
        for what in adjusted:
            table.adjust(row["id"], what)
        current = runs.get(str(key))
        changed_run = current is None or any(getattr(current, k) != v for k, v in values.items())
        try:
            if changed_run:
                organization = organization_get_or_create(short_name=key.org)
                course_run_upsert(course_key=key, organization=organization, **values)
            changed_configuration = _configuration_write(
                ctx, str(key), bool(row["has_any_active_web_certificate"])
            )
        except ValidationError as exc:
            table.reject(row["id"], _errors(exc))
            continue
        if current is None:
            table.created += 1
        elif changed_run or changed_configuration:
            table.changed += 1
        else:
            table.unchanged += 1
    ctx.forget_runs()


def _configuration_write(ctx: ImportContext, course_key: str, active_in_lms: bool) -> bool:
    """The run's certificate configuration: active when the course overview says a web certificate is active,
    with the title and signatories of the course export when one was given. Returns whether it changed."""
    export = ctx.exports.get(course_key)
    existing = (
        CertificateConfiguration.objects.filter(course_id=course_key).prefetch_related("signatories").first()
    )
    if export is None and existing is None and not active_in_lms:
        return False
    title = export.course_title if export else (existing.title if existing else "")
    if export is not None:
        signatories = [
            SignatoryInput(
                name=s.name,
                title=s.title,
                organization=s.organization,
                image_name=s.image_name,
                image_content=s.image_content,
            )  # fmt: skip
            for s in export.signatories
        ]
    elif existing is not None:
        signatories = [
            SignatoryInput(
                name=s.name, title=s.title, organization=s.organization, image_name=s.signature_image.name
            )
            for s in existing.signatories.all()
        ]
    else:
        signatories = []
    if existing is not None and _same_configuration(existing, title, active_in_lms, signatories):
        return False
    run = ctx.runs().get(course_key) or CourseRun.objects.get(pk=course_key)
    certificate_configuration_put(
        course_run=run, title=title, is_active=active_in_lms, signatories=signatories
    )
    return True


def _same_configuration(existing, title, is_active, signatories) -> bool:
    stored = [
        (s.name, s.title, s.organization, s.signature_image.name or "") for s in existing.signatories.all()
    ]
    given = [(s.name, s.title, s.organization, s.image_name or "") for s in signatories]
    return existing.title == title and existing.is_active == is_active and stored == given


def course_modes_write(ctx: ImportContext, rows: list[dict], table: TableReport) -> None:
    runs = ctx.runs()
    existing = {
        (str(course_id), slug): (pk, name, expiration)
        for pk, course_id, slug, name, expiration in CourseMode.objects.filter(
            course_id__in={r["course_id"] for r in rows if r["course_id"] in runs}
        ).values_list("pk", "course_id", "mode_slug", "mode_display_name", "expiration_datetime")
    }
    seen = set()
    for row in rows:
        key = (row["course_id"], row["mode_slug"])
        if row["course_id"] not in runs:
            table.reject(row["id"], NOT_IMPORTED_RUN)
            continue
        if row["mode_slug"] not in MODES:
            table.reject(row["id"], f"mode {row['mode_slug']!r} is not one coursecerts knows")
            continue
        if key in seen:  # one row a currency in Open edX: one mode in coursecerts
            table.unchanged += 1
            continue
        seen.add(key)
        values = (
            without_control_characters(text(row["mode_display_name"])),
            aware(row["expiration_datetime"]),
        )
        current = existing.get(key)
        if current is not None and current[1:] == values:
            table.unchanged += 1
            continue
        mode = CourseMode(
            pk=current[0] if current else None, course_id=row["course_id"], mode_slug=row["mode_slug"],
            mode_display_name=values[0], expiration_datetime=values[1],
        )  # fmt: skip
        mode.save()
        table.created += current is None
        table.changed += current is not None


# Open edX role names -> coursecerts' one role per person and run, the strongest kept (CourseAccessRole).
ROLES = {
    "instructor": CourseRoles.INSTRUCTOR,
    "staff": CourseRoles.STAFF,
    "beta_testers": CourseRoles.BETA_TESTER,
}
_RANK = {CourseRoles.INSTRUCTOR: 3, CourseRoles.STAFF: 2, CourseRoles.BETA_TESTER: 1}


def course_roles_write(ctx: ImportContext, rows: list[dict], table: TableReport) -> None:
    """Rows come in user order and a batch never splits a user's rows (run.py): each (user, run) gets the
    strongest of its Open edX roles. Roles coursecerts has no use for (data researcher, ccx coach, org-wide
    roles...) are counted as unchanged, not rejected: see the ADR."""
    runs, users = ctx.runs(), ctx.user_ids(r["user_id"] for r in rows)
    wanted = defaultdict(list)  # (user id, course key) -> [(rank, role, source id)]
    for row in rows:
        role = ROLES.get(row["role"])
        if role is None or not row["course_id"]:
            table.unchanged += 1
            continue
        if row["course_id"] not in runs:
            table.reject(row["id"], NOT_IMPORTED_RUN)
            continue
        if row["user_id"] not in users:
            table.reject(row["id"], NOT_IMPORTED_LEARNER)
            continue
        wanted[(users[row["user_id"]], row["course_id"])].append((_RANK[role], role, row["id"]))
    existing = {
        (user_id, str(course_id)): (pk, role)
        for pk, user_id, course_id, role in CourseAccessRole.objects.filter(
            user_id__in={u for u, _ in wanted}
        ).values_list("pk", "user_id", "course_id", "role")
    }
    for (user_id, course_key), roles in wanted.items():
        _, role, _ = max(roles)
        table.unchanged += len(roles) - 1
        current = existing.get((user_id, course_key))
        if current is not None and current[1] == role:
            table.unchanged += 1
            continue
        CourseAccessRole(
            pk=current[0] if current else None, user_id=user_id, course_id=course_key, role=role
        ).save()
        table.created += current is None
        table.changed += current is not None
