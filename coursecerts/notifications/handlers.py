"""After a transaction that wrote certificates commits, the email sink is run (tasks.send_learner_emails): the
relay hands it the new certificate events and it sends the emails they owe. One task per transaction (a
course-wide chunk is one), never one per learner."""

from django.dispatch import receiver

from coursecerts.common import signals
from coursecerts.notifications.services import send_after_commit


@receiver(signals.CERTIFICATES_WRITTEN, dispatch_uid="notifications_send_after_commit")
def certificates_written(sender, certificates, reason="changed", **kwargs):
    if reason != "retired":
        send_after_commit()
