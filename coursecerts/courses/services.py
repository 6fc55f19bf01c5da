from __future__ import annotations

from django.db import transaction

from coursecerts.common import signals
from coursecerts.common.keys import parse_course_key
from coursecerts.courses.models import CourseAccessRole, CourseMode, CourseRun, Organization


@transaction.atomic
def organization_upsert(*, short_name: str, name: str = "", **fields) -> Organization:
    organization, _ = Organization.objects.update_or_create(
        short_name=short_name, defaults={"name": name or short_name, **fields}
    )
    return organization


@transaction.atomic
def course_run_upsert(
    *,
    course_key,
    display_name: str,
    organization: Organization | None = None,
    modes: list[str] | None = None,
    **fields,
) -> tuple[CourseRun, bool]:
    """Create or update a run (and, when given, its modes). The display settings are validated together:
    an available date only with `end_with_date`, and never on a self-paced run. A change of pacing sends
    COURSE_PACING_CHANGED."""
    key = parse_course_key(course_key)
    run = CourseRun.objects.select_for_update().filter(pk=key).first()
    created = run is None
    was_self_paced = None if created else run.self_paced
    if created:
        run = CourseRun(id=key)
    run.display_name = display_name
    # Without an organisation named, the key's org: an existing organisation keeps its name.
    run.organization = organization or organization_get_or_create(short_name=key.org)
    for name, value in fields.items():
        setattr(run, name, value)
    run.full_clean(validate_unique=False)
    run.save()
    if modes is not None:
        CourseMode.objects.filter(course=run).exclude(mode_slug__in=modes).delete()
        for slug in modes:
            CourseMode.objects.get_or_create(course=run, mode_slug=slug)
    if was_self_paced is not None and was_self_paced != run.self_paced:
        signals.COURSE_PACING_CHANGED.send(sender=CourseRun, course_run=run)
    return run, created


@transaction.atomic
def course_role_set(*, user, course_run, role: str) -> CourseAccessRole:
    access, _ = CourseAccessRole.objects.get_or_create(user=user, course=course_run, role=role)
    return access


@transaction.atomic
def course_role_remove(*, user, course_run, role: str) -> bool:
    deleted, _ = CourseAccessRole.objects.filter(user=user, course=course_run, role=role).delete()
    return bool(deleted)


@transaction.atomic
def organization_get_or_create(*, short_name: str) -> Organization:
    """The organisation with this short name; a new one (named after it) when there is none. Unlike
    organization_upsert, an existing organisation's name is left alone."""
    organization, _ = Organization.objects.get_or_create(short_name=short_name, defaults={"name": short_name})
    return organization


@transaction.atomic
def course_role_put(*, user, course_run, role: str) -> tuple[CourseAccessRole, bool]:
    """Make `role` the learner's one role in the run (the API's PUT of a role). Returns (role, created)."""
    access = CourseAccessRole(user=user, course=course_run, role=role)
    access.full_clean(validate_unique=False, validate_constraints=False)
    CourseAccessRole.objects.filter(user=user, course=course_run).exclude(role=role).delete()
    access, created = CourseAccessRole.objects.get_or_create(user=user, course=course_run, role=role)
    return access, created


@transaction.atomic
def course_roles_remove(*, user, course_run) -> bool:
    """Remove every role the user has in the run. Returns False when there was none."""
    deleted, _ = CourseAccessRole.objects.filter(user=user, course=course_run).delete()
    return bool(deleted)
