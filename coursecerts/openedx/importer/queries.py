"""The selectors of the Open edX database: one query per source table, narrowed by the run's options (--courses,
--since or the last run's watermark, the key a stopped run reached) and ordered by the key the progress records.
Table and column names are Open edX's (tests/openedx/schema.sql)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Filters:
    courses: tuple[str, ...] = ()  # course keys (--courses); empty: every course
    since: dt.datetime | None = None  # rows modified at or after (tables with a modified timestamp)
    after_key: int | None = None  # resume after this key


@dataclass(frozen=True)
class TableQuery:
    """SELECT `select` FROM `source` WHERE ... ORDER BY `key`. `modified` names the row's modified timestamp
    (None: the table has none, every run reads all of it and compares); `course` the course key column;
    `users` a column of user ids that --courses narrows to the selected courses' people."""

    table: str
    select: str
    source: str
    key: str
    modified: str | None = None
    course: str | None = None
    users: str | None = None
    where: tuple[str, ...] = field(default_factory=tuple)

    def sql(self, filters: Filters, *, count: bool = False) -> tuple[str, list]:
        conditions, params = list(self.where), []
        if filters.courses and self.course:
            conditions.append(f"{self.course} IN ({_marks(filters.courses)})")
            params += filters.courses
        if filters.courses and self.users:
            people, people_params = selected_people(filters.courses)
            conditions.append(f"{self.users} IN ({people})")
            params += people_params
        if filters.since is not None and self.modified:
            conditions.append(f"{self.modified} >= %s")
            params.append(filters.since.replace(tzinfo=None))
        if filters.after_key is not None:
            conditions.append(f"{self.key} > %s")
            params.append(filters.after_key)
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        if count:
            return f"SELECT COUNT(*) FROM {self.source}{where}", params
        return f"SELECT {self.select} FROM {self.source}{where} ORDER BY {self.key}", params


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


def selected_people(courses: tuple[str, ...]) -> tuple[str, list]:
    """The user ids a course selection concerns: its learners, team, allowlist, and whoever invalidated or
    overrode the date of one of its certificates."""
    marks = _marks(courses)
    parts = [
        f"SELECT user_id FROM student_courseenrollment WHERE course_id IN ({marks})",
        f"SELECT user_id FROM certificates_generatedcertificate WHERE course_id IN ({marks})",
        f"SELECT user_id FROM student_courseaccessrole WHERE course_id IN ({marks})",
        f"SELECT user_id FROM certificates_certificateallowlist WHERE course_id IN ({marks})",
        "SELECT i.invalidated_by_id FROM certificates_certificateinvalidation i JOIN "
        f"certificates_generatedcertificate c ON c.id = i.generated_certificate_id WHERE c.course_id IN ({marks})",
        "SELECT o.overridden_by_id FROM certificates_certificatedateoverride o JOIN "
        f"certificates_generatedcertificate c ON c.id = o.generated_certificate_id WHERE c.course_id IN ({marks})",
    ]
    return " UNION ".join(parts), list(courses) * len(parts)


ORGANIZATIONS = TableQuery(
    table="organizations_organization",
    select="id, name, short_name, description, active, modified",
    source="organizations_organization",
    key="id",
    modified="modified",
)

# course_overviews_courseoverview's key is the course key (a string): these small tables are read whole, in
# key order, in one batch, and their progress records only that they are done.
COURSE_OVERVIEWS = TableQuery(
    table="course_overviews_courseoverview",
    select=(
        "id, org, display_name, display_number_with_default, start, end, self_paced, "
        "certificates_display_behavior, certificate_available_date, certificates_show_before_end, "
        "cert_html_view_enabled, has_any_active_web_certificate, language, modified"
    ),
    source="course_overviews_courseoverview",
    key="id",
    modified="modified",
    course="id",
)

COURSE_MODES = TableQuery(
    table="course_modes_coursemode",
    select="id, course_id, mode_slug, mode_display_name, expiration_datetime",
    source="course_modes_coursemode",
    key="id",
    course="course_id",
)

LEARNERS = TableQuery(
    table="auth_user",
    select="u.id, u.username, u.email, u.is_active, p.name",
    source="auth_user u LEFT JOIN auth_userprofile p ON p.user_id = u.id",
    key="u.id",
    users="u.id",
)

COURSE_ACCESS_ROLES = TableQuery(
    table="student_courseaccessrole",
    select="id, user_id, org, course_id, role",
    source="student_courseaccessrole",
    key="user_id",  # a person's roles together: each (person, run) keeps the strongest
    course="course_id",
)

ENROLLMENTS = TableQuery(
    table="student_courseenrollment",
    select="id, user_id, course_id, created, is_active, mode",
    source="student_courseenrollment",
    key="id",
    course="course_id",
)

GRADES = TableQuery(
    table="grades_persistentcoursegrade",
    select="id, user_id, course_id, percent_grade, letter_grade, passed_timestamp, created, modified",
    source="grades_persistentcoursegrade",
    key="id",
    modified="modified",
    course="course_id",
)

# The three kinds of ID verification, one row per attempt, in user order: a learner's attempts make one
# IdVerification. Keyed by user id (a stopped run resumes after the last learner written).
_ATTEMPT = "id, user_id, status, created_at, updated_at, expiration_date, '{kind}' AS kind FROM {table}"
ID_VERIFICATIONS = TableQuery(
    table="verify_student",
    select="id, user_id, status, created_at, updated_at, expiration_date, kind",
    source="("
    + " UNION ALL ".join(
        "SELECT " + _ATTEMPT.format(kind=kind, table=f"verify_student_{kind}")
        for kind in ("softwaresecurephotoverification", "manualverification", "ssoverification")
    )
    + ") attempts",
    key="user_id",
    users="user_id",
)

# Every certificate, with whether it was ever invalidated (then it was issued: coursecerts answers 410 for it)
# and the learner's profile name (what the LMS page printed, whatever the row's name column says).
CERTIFICATES = TableQuery(
    table="certificates_generatedcertificate",
    select=(
        "c.id, c.user_id, c.course_id, c.verify_uuid, c.grade, c.`key`, c.distinction, c.status, c.mode, "
        "c.name, c.created_date, c.modified_date, c.download_uuid, c.download_url, c.error_reason, "
        "p.name AS profile_name, EXISTS(SELECT 1 FROM certificates_certificateinvalidation i "
        "WHERE i.generated_certificate_id = c.id) AS was_invalidated"
    ),
    source="certificates_generatedcertificate c LEFT JOIN auth_userprofile p ON p.user_id = c.user_id",
    key="c.id",
    modified="c.modified_date",
    course="c.course_id",
)

ALLOWLIST = TableQuery(
    table="certificates_certificateallowlist",
    select="id, user_id, course_id, allowlist, notes, created, modified",
    source="certificates_certificateallowlist",
    key="id",
    modified="modified",
    course="course_id",
)

INVALIDATIONS = TableQuery(
    table="certificates_certificateinvalidation",
    select=(
        "i.id, i.generated_certificate_id, i.invalidated_by_id, i.notes, i.active, i.created, i.modified, "
        "c.user_id, c.course_id"
    ),
    source=(
        "certificates_certificateinvalidation i LEFT JOIN certificates_generatedcertificate c "
        "ON c.id = i.generated_certificate_id"
    ),
    key="i.id",
    modified="i.modified",
    course="c.course_id",
)

DATE_OVERRIDES = TableQuery(
    table="certificates_certificatedateoverride",
    select=(
        "o.id, o.generated_certificate_id, o.overridden_by_id, o.date, o.reason, o.created, o.modified, "
        "c.user_id, c.course_id"
    ),
    source=(
        "certificates_certificatedateoverride o LEFT JOIN certificates_generatedcertificate c "
        "ON c.id = o.generated_certificate_id"
    ),
    key="o.id",
    modified="o.modified",
    course="c.course_id",
)

GENERATION_COURSE_SETTINGS = TableQuery(
    table="certificates_certificategenerationcoursesetting",
    select=(
        "id, course_key, self_generation_enabled, language_specific_templates_enabled, "
        "include_hours_of_effort, created, modified"
    ),
    source="certificates_certificategenerationcoursesetting",
    key="id",
    modified="modified",
    course="course_key",
    # A course's newest row is its setting (Open edX reads it so); older rows are its history.
    where=(
        "id IN (SELECT MAX(id) FROM certificates_certificategenerationcoursesetting GROUP BY course_key)",
    ),
)

TEMPLATES = TableQuery(
    table="certificates_certificatetemplate",
    select=(
        "t.id, t.name, t.description, t.template, t.organization_id, o.short_name AS organization_short_name, "
        "t.course_key, t.mode, t.is_active, t.language, t.modified"
    ),
    source="certificates_certificatetemplate t LEFT JOIN organizations_organization o ON o.id = t.organization_id",
    key="t.id",
    modified="t.modified",
)

HTML_VIEW_CONFIGURATION = TableQuery(
    table="certificates_certificatehtmlviewconfiguration",
    select="id, change_date, enabled, configuration",
    source="certificates_certificatehtmlviewconfiguration",
    key="id",
)
