"""The hook from the certificates app: CERTIFICATES_WRITTEN is sent inside the transaction that wrote the
certificates (a generation chunk, one learner's generation, an invalidation, a reissue, a retirement), so
their live credentials are revoked in the same transaction: set-based, and never lost to a crash between the
commit and an after-commit hook. Credentials are issued on their first request, not here (ADR 0019)."""

from django.dispatch import receiver

from coursecerts.common import signals
from coursecerts.credentials.services.issuance import credentials_sync


@receiver(signals.CERTIFICATES_WRITTEN, dispatch_uid="credentials_sync")
def certificates_written(sender, certificates, reason="changed", **kwargs):
    credentials_sync(certificates=certificates, reason=reason)
