"""The notifications app's hooks on the certificates app, all inside the writer's transaction:

- CERTIFICATES_WRITTEN "retired" (ADR 0012): the learner's emails not sent yet are cancelled, what they carry
  beyond the certificate (a requested name) is blanked, and their page of certificates is deleted.
- CERTIFICATES_WRITTEN, every reason: after the commit, the email sink is run (tasks.send_learner_emails): the
  relay hands it the new certificate events and it sends the issue emails they owe. One task per transaction
  (a course-wide chunk is one), never one per learner.
- NAME_CORRECTION_DECIDED: the learner is told the decision (kinds.NAME_CORRECTION_DECIDED).
- CERTIFICATE_EXPIRY_NOTICES_OWED: the learner is told their certificate expires soon (kinds.EXPIRY_NOTICE);
  returns True (the notices are taken over)."""

from django.dispatch import receiver

from coursecerts.common import signals
from coursecerts.notifications import kinds
from coursecerts.notifications.services import learner_emails_forget, learner_emails_queue, send_after_commit


@receiver(signals.CERTIFICATES_WRITTEN, dispatch_uid="notifications_send_after_commit")
def certificates_written(sender, certificates, reason="changed", **kwargs):
    if reason == "retired":
        learner_emails_forget(certificates=certificates)
    send_after_commit()  # a retirement's events too: the sink's cursor keeps up (ops health: events lag)


@receiver(signals.NAME_CORRECTION_DECIDED, dispatch_uid="notifications_name_correction_decided")
def name_correction_decided(sender, correction, **kwargs):
    learner_emails_queue(
        kind=kinds.NAME_CORRECTION_DECIDED,
        certificates=[correction.certificate],
        key=f"correction {correction.pk}",
        context={
            "status": correction.status,
            "requested_name": correction.requested_name,
            "note": correction.note,
        },
    )


@receiver(signals.CERTIFICATE_EXPIRY_NOTICES_OWED, dispatch_uid="notifications_expiry_notices")
def expiry_notices_owed(sender, notices, **kwargs) -> bool:
    by_date: dict = {}
    for notice in notices:
        by_date.setdefault(notice.expires_date, []).append(notice.certificate)
    for expires, certificates in by_date.items():
        learner_emails_queue(
            kind=kinds.EXPIRY_NOTICE, certificates=certificates, key=f"expires {expires.isoformat()}"
        )
    return True
