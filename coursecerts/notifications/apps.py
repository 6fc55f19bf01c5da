from django.apps import AppConfig
from django.db.models.signals import post_migrate


class NotificationsConfig(AppConfig):
    name = "coursecerts.notifications"
    label = "notifications"
    verbose_name = "Learner emails"

    def ready(self):
        from coursecerts.events import sinks
        from coursecerts.notifications import handlers  # noqa: F401  (runs the email sink after each commit)
        from coursecerts.notifications.sink import EmailSink

        sinks.register(EmailSink())
        post_migrate.connect(_email_cursor_start, sender=self, dispatch_uid="notifications_email_cursor")


def _email_cursor_start(sender, using="default", **kwargs):
    """The email sink's cursor exists from installation on: certificates issued from then on are emailed (a
    cursor the relay made on its first pass would start after the certificates of the commit that woke it)."""
    from coursecerts.events.models import SinkCursor
    from coursecerts.events.relay import newest_event_id
    from coursecerts.notifications.sink import EMAIL_SINK

    if not SinkCursor.objects.using(using).filter(name=EMAIL_SINK).exists():
        SinkCursor.objects.using(using).create(name=EMAIL_SINK, position=newest_event_id())
