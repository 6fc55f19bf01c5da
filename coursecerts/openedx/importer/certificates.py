"""Generated certificates, a batch at a time, with every Open edX column, and a CertificateHistory row (source
"openedx_import") for each certificate created or whose status, mode, grade or name changed.

The issued record is frozen as coursecerts freezes it (ADR 0002): a downloadable certificate's issue date and
course title are set when it is first imported downloadable and kept on later runs, unless it becomes
downloadable again. The mapping and its reasons are ADR 0016."""

from __future__ import annotations

import re
from dataclasses import dataclass

from coursecerts.certificates.models import (
    CertificateHistory,
    CertificateStatuses,
    GeneratedCertificate,
    new_verify_uuid,
)
from coursecerts.openedx.importer.bulk import rows_insert, rows_update
from coursecerts.openedx.importer.context import MODES, STATUSES, ImportContext, ids_in, with_course_text
from coursecerts.openedx.importer.records import accepted
from coursecerts.openedx.importer.report import ImportReport, TableReport
from coursecerts.openedx.importer.source import aware

HISTORY_SOURCE = "openedx_import"
_UUID = re.compile(r"^[0-9a-f]{32}$")
# In coursecerts' column order; the values a certificate gets from its Open edX row.
FIELDS = [
    "verify_uuid", "grade", "key", "distinction", "status", "mode", "name", "created_date", "modified_date",
    "download_uuid", "download_url", "error_reason", "course_title", "issued_date",
]  # fmt: skip
_HISTORY_FIELDS = [
    "certificate", "source", "status_before", "status_after", "mode_before", "mode_after", "grade_before",
    "grade_after", "name_before", "name_after", "note", "created",
]  # fmt: skip
_TRACKED = ("status", "mode", "grade", "name")


@dataclass
class _Planned:
    source_id: int
    user_id: int
    course_key: str
    values: dict
    pk: int | None
    before: dict | None  # tracked fields before, None for a new certificate
    note: str


def certificates_write(
    ctx: ImportContext, rows: list[dict], table: TableReport, report: ImportReport
) -> None:
    found = accepted(ctx, rows, table)
    existing = _existing(u for _, u in found)
    taken = _uuids_taken(r["verify_uuid"] for r, _ in found)
    planned, batch_uuids = [], set()
    for row, user_id in found:
        current = existing.get((user_id, row["course_id"]))
        reason = _refusal(row, current, taken, batch_uuids, user_id)
        if reason:
            table.reject(row["id"], reason)
            continue
        values, note = certificate_values(ctx, row, current)
        if current is None and not row["verify_uuid"]:
            report.new_verify_uuids.append((row["id"], values["verify_uuid"]))
        batch_uuids.add(values["verify_uuid"])
        if current is not None and all(current[f] == values[f] for f in FIELDS):
            table.unchanged += 1
            continue
        before = {f: current[f] for f in _TRACKED} if current else None
        planned.append(
            _Planned(
                row["id"], user_id, row["course_id"], values, current["pk"] if current else None, before, note
            )
        )
    table.created += sum(p.pk is None for p in planned)
    table.changed += sum(p.pk is not None for p in planned)
    _write(planned)


def _refusal(row, current, taken, batch_uuids, user_id) -> str:
    if row["status"] not in STATUSES:
        return f"status {row['status']!r} is not an Open edX certificate status"
    if row["mode"] not in MODES:
        return f"mode {row['mode']!r} is not one coursecerts knows"
    uuid = row["verify_uuid"] or ""
    if uuid and not _UUID.match(uuid):
        return f"verify_uuid {uuid!r} is not 32 hexadecimal digits"
    if current is not None and uuid and uuid != current["verify_uuid"]:
        return f"verify_uuid changed in Open edX (coursecerts keeps {current['verify_uuid']}: public ids never change)"
    owner = taken.get(uuid)
    if uuid and (
        (owner is not None and owner != (user_id, row["course_id"]))
        or (current is None and uuid in batch_uuids)
    ):
        return f"verify_uuid {uuid} already belongs to another certificate"
    return ""


def certificate_values(ctx: ImportContext, row: dict, current: dict | None) -> tuple[dict, str]:
    """The coursecerts values of an Open edX certificate row (given the certificate coursecerts holds for the
    same learner and run, if any), and the note of its history row."""
    status = row["status"]
    downloadable = status == CertificateStatuses.DOWNLOADABLE
    notes = [f"Open edX certificate {row['id']}"]
    # The LMS page prints the profile's name at render time, not the row's name column.
    name = row["name"] or ""
    if downloadable and row.get("profile_name") and row["profile_name"] != name:
        notes.append(f"Open edX name column {name!r}; the LMS printed the profile name")
        name = row["profile_name"]
    was_downloadable = current is not None and current["status"] == CertificateStatuses.DOWNLOADABLE
    keep_issue = (
        current is not None and current["issued_date"] is not None and (was_downloadable or not downloadable)
    )
    if keep_issue:
        issued_date, course_title = current["issued_date"], current["course_title"]
    elif downloadable:
        # The date the LMS printed for a certificate without a date override: its modified_date.
        issued_date, course_title = aware(row["modified_date"]), ctx.course_title(row["course_id"])
    elif row["was_invalidated"]:  # an invalidated certificate was issued once: it answers 410, not 404
        issued_date, course_title = aware(row["created_date"]), ctx.course_title(row["course_id"])
    else:
        issued_date, course_title = None, ""
    uuid = row["verify_uuid"] or (current["verify_uuid"] if current else new_verify_uuid())
    if not row["verify_uuid"]:
        notes.append("verify_uuid given by the import (none in Open edX)")
    values = {
        "verify_uuid": uuid,
        "grade": (row["grade"] or "")[:5],
        "key": row["key"] or "",
        "distinction": bool(row["distinction"]),
        "status": status,
        "mode": row["mode"],
        "name": name[:255],
        "created_date": aware(row["created_date"]),
        "modified_date": aware(row["modified_date"]),
        "download_uuid": row["download_uuid"] or "",
        "download_url": row["download_url"] or "",
        "error_reason": row["error_reason"] or "",
        "course_title": course_title,
        "issued_date": issued_date,
    }
    return values, "; ".join(notes)


def _existing(user_ids) -> dict[tuple[int, str], dict]:
    names = ["pk", "user_id", "course_id", *FIELDS]
    certificates = with_course_text(ids_in(GeneratedCertificate.objects, "user_id", set(user_ids)))
    return {
        (values[1], values[2]): dict(zip(names, values, strict=True))
        for values in certificates.values_list("pk", "user_id", "course_text", *FIELDS)
    }


def _uuids_taken(uuids) -> dict[str, tuple[int, str]]:
    wanted = {u for u in uuids if u}
    return {
        uuid: (user_id, course_id)
        for uuid, user_id, course_id in with_course_text(
            ids_in(GeneratedCertificate.objects, "verify_uuid", wanted)
        ).values_list("verify_uuid", "user_id", "course_text")
    }


def _write(planned: list[_Planned]) -> None:
    new = [p for p in planned if p.pk is None]
    old = [p for p in planned if p.pk is not None]
    rows_insert(
        GeneratedCertificate,
        ["user", "course", *FIELDS],
        [(p.user_id, p.course_key, *(p.values[f] for f in FIELDS)) for p in new],
    )
    rows_update(GeneratedCertificate, FIELDS, [(*(p.values[f] for f in FIELDS), p.pk) for p in old])
    if new:
        pks = {
            (user_id, course_id): pk
            for user_id, course_id, pk in with_course_text(
                ids_in(GeneratedCertificate.objects, "user_id", {p.user_id for p in new})
            ).values_list("user_id", "course_text", "pk")
        }
        for p in new:
            p.pk = pks[(p.user_id, p.course_key)]
    rows_insert(CertificateHistory, _HISTORY_FIELDS, [h for p in planned if (h := _history(p))])


def _history(p: _Planned) -> tuple | None:
    after = {f: p.values[f] for f in _TRACKED}
    if p.before == after:
        return None
    before = p.before or dict.fromkeys(_TRACKED, "")
    return (
        p.pk, HISTORY_SOURCE, before["status"], after["status"], before["mode"], after["mode"], before["grade"],
        after["grade"], before["name"], after["name"], p.note, p.values["modified_date"],
    )  # fmt: skip
