"""The records around certificates: the allowlist, invalidations (active or not, who, notes), date overrides,
per-course generation settings, certificate templates and the HTML view configuration. Source timestamps are
kept (the instructor dashboard's "created" dates)."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError

from coursecerts.certificates.models import (
    CertificateAllowlist,
    CertificateDateOverride,
    CertificateGenerationCourseSetting,
    CertificateHtmlViewConfiguration,
    CertificateInvalidation,
    CertificateTemplate,
    GeneratedCertificate,
)
from coursecerts.common.keys import InvalidCourseKey, parse_course_key
from coursecerts.courses.models import Organization
from coursecerts.openedx.importer.bulk import rows_insert, rows_update
from coursecerts.openedx.importer.context import MODES, ImportContext, text
from coursecerts.openedx.importer.courses import NOT_IMPORTED_LEARNER
from coursecerts.openedx.importer.records import accepted, existing_by_key
from coursecerts.openedx.importer.report import TableReport
from coursecerts.openedx.importer.source import aware

NOT_IMPORTED_CERTIFICATE = "its certificate is not in coursecerts (missing in Open edX, or rejected)"


def allowlist_write(ctx: ImportContext, rows: list[dict], table: TableReport) -> None:
    found = accepted(ctx, rows, table)
    existing = existing_by_key(CertificateAllowlist, (u for _, u in found), ["allowlist", "notes"])
    new, changed = [], []
    for row, user_id in found:
        values = (bool(row["allowlist"]), row["notes"])
        current = existing.get((user_id, row["course_id"]))
        if current is None:
            new.append((user_id, row["course_id"], *values, aware(row["created"]), aware(row["modified"])))
        elif current[1:] != values:
            changed.append((*values, aware(row["modified"]), current[0]))
        else:
            table.unchanged += 1
    rows_insert(CertificateAllowlist, ["user", "course", "allowlist", "notes", "created", "modified"], new)
    rows_update(CertificateAllowlist, ["allowlist", "notes", "modified"], changed)
    table.created += len(new)
    table.changed += len(changed)


def _certificates_of(ctx: ImportContext, rows: list[dict], table: TableReport, actor: str) -> list[tuple]:
    """(row, certificate pk, actor's coursecerts id) of rows whose certificate and actor were imported."""
    users = ctx.user_ids([r["user_id"] for r in rows] + [r[actor] for r in rows])
    pks = {
        (user_id, str(course_id)): pk
        for user_id, course_id, pk in GeneratedCertificate.objects.filter(
            user_id__in={users[r["user_id"]] for r in rows if r["user_id"] in users}
        ).values_list("user_id", "course_id", "pk")
    }
    found = []
    for row in rows:
        pk = pks.get((users.get(row["user_id"]), row["course_id"]))
        if pk is None:
            table.reject(row["id"], NOT_IMPORTED_CERTIFICATE)
        elif row[actor] not in users:
            table.reject(row["id"], f"{actor}: {NOT_IMPORTED_LEARNER}")
        else:
            found.append((row, pk, users[row[actor]]))
    return found


def invalidations_write(ctx: ImportContext, rows: list[dict], table: TableReport) -> None:
    """An invalidation is the same one when its certificate and creation time are (Open edX has no other key)."""
    found = _certificates_of(ctx, rows, table, "invalidated_by_id")
    existing = {
        (cert_id, created): (pk, by, notes, active)
        for pk, cert_id, created, by, notes, active in CertificateInvalidation.objects.filter(
            generated_certificate_id__in={pk for _, pk, _ in found}
        ).values_list("pk", "generated_certificate_id", "created", "invalidated_by_id", "notes", "active")
    }
    new, changed = [], []
    for row, cert_id, by in found:
        values = (by, row["notes"], bool(row["active"]))
        current = existing.get((cert_id, aware(row["created"])))
        if current is None:
            new.append((cert_id, *values, aware(row["created"]), aware(row["modified"])))
        elif current[1:] != values:
            changed.append((*values, aware(row["modified"]), current[0]))
        else:
            table.unchanged += 1
    fields = ["invalidated_by", "notes", "active"]
    rows_insert(CertificateInvalidation, ["generated_certificate", *fields, "created", "modified"], new)
    rows_update(CertificateInvalidation, [*fields, "modified"], changed)
    table.created += len(new)
    table.changed += len(changed)


def date_overrides_write(ctx: ImportContext, rows: list[dict], table: TableReport) -> None:
    found = _certificates_of(ctx, rows, table, "overridden_by_id")
    existing = {
        cert_id: (pk, date, reason, by)
        for pk, cert_id, date, reason, by in CertificateDateOverride.objects.filter(
            generated_certificate_id__in={pk for _, pk, _ in found}
        ).values_list("pk", "generated_certificate_id", "date", "reason", "overridden_by_id")
    }
    new, changed = [], []
    for row, cert_id, by in found:
        values = (aware(row["date"]), row["reason"] or "", by)
        current = existing.get(cert_id)
        if current is None:
            new.append((cert_id, *values, aware(row["created"]), aware(row["modified"])))
        elif current[1:] != values:
            changed.append((*values, aware(row["modified"]), current[0]))
        else:
            table.unchanged += 1
    fields = ["date", "reason", "overridden_by"]
    rows_insert(CertificateDateOverride, ["generated_certificate", *fields, "created", "modified"], new)
    rows_update(CertificateDateOverride, [*fields, "modified"], changed)
    table.created += len(new)
    table.changed += len(changed)


def generation_course_settings_write(ctx: ImportContext, rows: list[dict], table: TableReport) -> None:
    """Only each course's newest Open edX row is read (queries.py); it becomes the newest row here when the
    current one differs."""
    for row in rows:
        try:
            key = parse_course_key(row["course_key"])
        except InvalidCourseKey as exc:
            table.reject(row["id"], f"malformed course key ({exc.message})")
            continue
        values = {
            "self_generation_enabled": bool(row["self_generation_enabled"]),
            "language_specific_templates_enabled": bool(row["language_specific_templates_enabled"]),
            "include_hours_of_effort": None
            if row["include_hours_of_effort"] is None
            else bool(row["include_hours_of_effort"]),
        }
        current = CertificateGenerationCourseSetting.get(key)
        if current is not None and all(getattr(current, k) == v for k, v in values.items()):
            table.unchanged += 1
            continue
        rows_insert(
            CertificateGenerationCourseSetting,
            ["course_key", *values, "created", "modified"],
            [(str(key), *values.values(), aware(row["created"]), aware(row["modified"]))],
        )
        table.created += current is None
        table.changed += current is not None


def templates_write(ctx: ImportContext, rows: list[dict], table: TableReport) -> None:
    """Open edX templates are Mako, coursecerts' are sandboxed Django templates with published versions (ADR
    0006): the text is imported for porting, never active. The summary lists the ones that were active."""
    organizations = dict(Organization.objects.values_list("short_name", "pk"))
    for row in rows:
        try:
            course_key = str(parse_course_key(row["course_key"])) if row["course_key"] else None
        except InvalidCourseKey as exc:
            table.reject(row["id"], f"malformed course key ({exc.message})")
            continue
        organization_id = None
        if row["organization_id"] is not None:
            organization_id = organizations.get(row["organization_short_name"])
            if organization_id is None:
                table.reject(row["id"], f"organization {row['organization_id']} is not in coursecerts")
                continue
        if row["mode"] and row["mode"] not in MODES:
            table.reject(row["id"], f"mode {row['mode']!r} is not one coursecerts knows")
            continue
        if row["is_active"]:
            table.adjust(
                row["id"], "active in Open edX; imported inactive: port it from Mako, then publish a version"
            )
        key = {
            "organization_id": organization_id, "course_key": course_key, "mode": row["mode"] or None,
            "language": row["language"] or None,
        }  # fmt: skip
        values = {
            "name": text(row["name"]),
            "description": row["description"],
            "template": row["template"] or "",
        }
        current = CertificateTemplate.objects.filter(**_lookup(key)).first()
        if current is not None and all(getattr(current, k) == v for k, v in values.items()):
            table.unchanged += 1
            continue
        template = current or CertificateTemplate(**key, is_active=False)
        for name, value in values.items():
            setattr(template, name, value)
        try:
            template.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            table.reject(row["id"], "; ".join(exc.messages))
            continue
        template.save()
        table.created += current is None
        table.changed += current is not None


def _lookup(key: dict) -> dict:
    """A filter for a natural key whose parts may be NULL (NULL = NULL is never true in SQL); an empty course key
    is the field's Empty member (opaque-keys stores it as '')."""
    lookup = {}
    for name, value in key.items():
        if name == "course_key" and value is None:
            lookup[name] = CertificateTemplate._meta.get_field("course_key").Empty
        elif value is None:
            lookup[f"{name}__isnull"] = True
        else:
            lookup[name] = value
    return lookup


def html_view_configuration_write(ctx: ImportContext, rows: list[dict], table: TableReport) -> None:
    """The newest Open edX row becomes the current configuration when it differs (one row a change, as both)."""
    newest = max(rows, key=lambda r: (r["change_date"], r["id"]))
    table.unchanged += len(rows) - 1
    try:
        configuration = json.loads(newest["configuration"] or "")
        if not isinstance(configuration, dict):
            raise ValueError("not a JSON object")
    except ValueError as exc:
        table.reject(newest["id"], f"configuration is not a JSON object ({exc})")
        return
    current = CertificateHtmlViewConfiguration.current()
    if (
        current.pk
        and current.enabled == bool(newest["enabled"])
        and _json(current.configuration) == configuration
    ):
        table.unchanged += 1
        return
    rows_insert(
        CertificateHtmlViewConfiguration,
        ["change_date", "enabled", "configuration"],
        [(aware(newest["change_date"]), bool(newest["enabled"]), newest["configuration"])],
    )
    table.created += 1


def _json(text_value: str):
    try:
        return json.loads(text_value)
    except ValueError:
        return None
