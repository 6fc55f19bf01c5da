# The course_key index of outgoing events is dropped: no query looks events up by course, and every row of a
# course-wide chunk wrote it (bench/events.py).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0002_outgoing_events"),
    ]

    operations = [
        migrations.AlterField(
            model_name="outgoingevent",
            name="course_key",
            field=models.CharField(max_length=255),
        ),
    ]
