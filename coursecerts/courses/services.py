from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.db import transaction

from coursecerts.common import signals
from coursecerts.common.keys import parse_course_key
from coursecerts.common.upsert import row_upsert, upsert_retried
from coursecerts.courses.models import CourseAccessRole, CourseMode, CourseRun, Organization

if TYPE_CHECKING:
    from typing import Any

    from django.contrib.auth.models import User
    from opaque_keys.edx.keys import CourseKey


@transaction.atomic
def organization_upsert(*, short_name: str, name: str = "", **fields: Any) -> Organization:
    organization, _ = Organization.objects.update_or_create(
        short_name=short_name, defaults={"name": name or short_name, **fields}
    )
    return organization


@upsert_retried
@transaction.atomic
def course_run_upsert(
    *,
    course_key: CourseKey | str,
    display_name: str,
    organization: Organization | None = None,
    modes: list[str] | None = None,
    **fields: Any,
) -> tuple[CourseRun, bool]:
    """Create or update a run (and, when given, its modes). The display settings are validated together:
    an available date only with `end_with_date`, and never on a self-paced run. A change of pacing sends
    COURSE_PACING_CHANGED. Parallel callers end with one run."""
    key = parse_course_key(course_key)
    # Without an organisation named, the key's org: an existing organisation keeps its name.
    organization = organization or organization_get_or_create(
        short_name=cast(str, key.org)
    )  # a parsed key has an org
    run, previous = row_upsert(
        CourseRun,
        key={"id": key},
        values={"display_name": display_name, "organization": organization, **fields},
    )
    if modes is not None:
        CourseMode.objects.filter(course=run).exclude(mode_slug__in=modes).delete()
        for slug in modes:
            CourseMode.objects.get_or_create(course=run, mode_slug=slug)
    if previous is not None and previous.self_paced != run.self_paced:
        signals.COURSE_PACING_CHANGED.send(sender=CourseRun, course_run=run)
    return run, previous is None


@transaction.atomic
def course_role_remove(*, user: User, course_run: CourseRun, role: str) -> bool:
    deleted, _ = CourseAccessRole.objects.filter(user=user, course=course_run, role=role).delete()
    return bool(deleted)


@transaction.atomic
def organization_get_or_create(*, short_name: str) -> Organization:
    """The organisation with this short name; a new one (named after it) when there is none. Unlike
    organization_upsert, an existing organisation's name is left alone."""
    organization, _ = Organization.objects.get_or_create(short_name=short_name, defaults={"name": short_name})
    return organization


@upsert_retried
@transaction.atomic
def course_role_put(*, user: User, course_run: CourseRun, role: str) -> tuple[CourseAccessRole, bool]:
    """Make `role` the person's one role in the run, replacing any other (the API's PUT of a role, the admin's
    add). Returns (role, created). One role per person and run is a database constraint: parallel callers end
    with one role, the last one written."""
    access, previous = row_upsert(
        CourseAccessRole, key={"user": user, "course": course_run}, values={"role": role}
    )
    return access, previous is None


@transaction.atomic
def course_roles_remove(*, user: User, course_run: CourseRun) -> bool:
    """Remove every role the user has in the run. Returns False when there was none."""
    deleted, _ = CourseAccessRole.objects.filter(user=user, course=course_run).delete()
    return bool(deleted)
