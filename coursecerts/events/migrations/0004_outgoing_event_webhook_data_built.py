# Outgoing events no longer store the webhook body's data beside the Open edX event data: it is built from `data`,
# course_key and the new verify_uuid column when a message is sent (events.webhooks.payload; ADR 0015). Existing
# rows get their verify_uuid from the webhook data they stored; the rest of it is in their `data` already.

from django.conf import settings
from django.db import migrations, models
from django.db.models import Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce


def verify_uuid_from_webhook_data(apps, schema_editor):
    OutgoingEvent = apps.get_model("events", "OutgoingEvent")
    OutgoingEvent.objects.update(
        verify_uuid=Coalesce(KeyTextTransform("verify_uuid", "webhook_data"), Value(""))
    )


def webhook_data_from_data(apps, schema_editor):
    OutgoingEvent = apps.get_model("events", "OutgoingEvent")
    for event in OutgoingEvent.objects.only("id", "course_key", "data", "verify_uuid").iterator(
        chunk_size=2000
    ):
        certificate = event.data.get("certificate") or {}
        event.webhook_data = {
            "username": certificate.get("user", {}).get("pii", {}).get("username"),
            "course_key": event.course_key,
            "mode": certificate.get("mode"),
            "status": certificate.get("current_status"),
            "previous_status": certificate.get("previous_status"),
            "grade": certificate.get("grade"),
            "name": certificate.get("name"),
            "verify_uuid": event.verify_uuid,
            "certificate_url": f"{settings.SITE_URL}/certificates/{event.verify_uuid}",
        }
        event.save(update_fields=["webhook_data"])


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0003_outgoing_event_no_course_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="outgoingevent",
            name="verify_uuid",
            field=models.CharField(blank=True, default="", max_length=32),
            preserve_default=False,
        ),
        migrations.RunPython(verify_uuid_from_webhook_data, webhook_data_from_data),
        # A default, so that unapplying this migration can add the column back to existing rows (then filled).
        migrations.AlterField(
            model_name="outgoingevent",
            name="webhook_data",
            field=models.JSONField(default=dict),
        ),
        migrations.RemoveField(
            model_name="outgoingevent",
            name="webhook_data",
        ),
    ]
