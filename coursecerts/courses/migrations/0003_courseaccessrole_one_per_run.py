"""One role per person and course run, as a database constraint (ADR 0009).

Before it, a role PUT deleted the person's other roles and then inserted, so a racing promotion and demotion
could leave both rows. Existing duplicates are resolved first by keeping the latest row (newest `created`, then
highest id): the role the last write meant to set. Keeping the highest role instead would let a raced demotion
keep its instructor rights. The dropped rows cannot be brought back by reversing the migration.

The new constraint is added before the old one is dropped: on MySQL/MariaDB the old (user, course, role) index
is the one the user foreign key uses, and (user, course) takes its place."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Count


def keep_latest_role(apps, schema_editor):
    CourseAccessRole = apps.get_model("courses", "CourseAccessRole")
    duplicated = (
        CourseAccessRole.objects.order_by()
        .values("user_id", "course_id")
        .annotate(rows=Count("id"))
        .filter(rows__gt=1)
    )
    for pair in list(duplicated):
        roles = CourseAccessRole.objects.filter(user_id=pair["user_id"], course_id=pair["course_id"])
        latest = roles.order_by("-created", "-id").first()
        roles.exclude(pk=latest.pk).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0002_constraint_messages"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(keep_latest_role, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="courseaccessrole",
            constraint=models.UniqueConstraint(
                fields=("user", "course"),
                name="courseaccessrole_one_per_run",
                violation_error_message="A person has one role per course run.",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="courseaccessrole",
            name="courseaccessrole_unique",
        ),
    ]
