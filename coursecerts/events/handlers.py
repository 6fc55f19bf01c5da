"""The events app's hook on the certificates app: a learner's retirement (CERTIFICATES_WRITTEN with reason
"retired", sent inside the retirement's transaction) blanks the personal data that the learner's outgoing events
hold, sent or not, in that same transaction (ADR 0012: retirement leaves no trace of the learner)."""

from django.dispatch import receiver

from coursecerts.common import signals
from coursecerts.events.outgoing import outgoing_events_forget_learners


@receiver(signals.CERTIFICATES_WRITTEN, dispatch_uid="events_forget_retired_learners")
def certificates_written(sender, certificates, reason="changed", **kwargs):
    if reason == "retired":
        outgoing_events_forget_learners(user_ids={certificate.user_id for certificate in certificates})
