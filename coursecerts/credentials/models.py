"""Issuer keys, status lists and the credentials issued (ADR 0019)."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q

from coursecerts.certificates.models import GeneratedCertificate
from coursecerts.courses.models import Organization

STATUS_LIST_SIZE = 131_072  # bits: the Bitstring Status List minimum (16 KiB), for herd privacy
STATUS_LIST_FILL = (
    65_536  # a list takes new credentials until half full, so random indexes stay cheap to draw
)


class IssuerKey(models.Model):
    """An organisation's Ed25519 key, listed in its did.json as a Multikey verification method. The newest
    unretired key signs; older ones stay listed (their credentials keep verifying) until retired."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="issuer_keys")
    key_id = models.CharField(max_length=64, help_text="The fragment of the verification method, e.g. key-1.")
    public_key_multibase = models.CharField(max_length=64, unique=True)
    private_key_encrypted = models.BinaryField(help_text="Fernet token under the key-encryption key.")
    created = models.DateTimeField(auto_now_add=True)
    retired = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "key_id"], name="issuerkey_unique_id_per_org"),
        ]

    def __str__(self) -> str:
        return f"{self.organization.short_name}#{self.key_id}"


class StatusList(models.Model):
    """One BitstringStatusListCredential (purpose revocation) of an organisation. Its bits are not stored: bit
    i is set when the credential at index i is revoked. Issuing locks the row (SELECT ... FOR UPDATE SKIP
    LOCKED): concurrent chunks each take a list of their own, so random indexes never collide."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="status_lists")
    purpose = models.CharField(max_length=16, default="revocation")
    size = models.PositiveIntegerField(default=STATUS_LIST_SIZE)
    used = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.organization.short_name} status list {self.public_id}"


class StatusListSnapshot(models.Model):
    """The signed status list credential as last served (a row apart, so that serving it never waits for a
    chunk that holds the list's lock); rebuilt when the list has more revoked credentials than it shows
    (revocation is permanent, so the count tells), or near its validUntil."""

    status_list = models.OneToOneField(StatusList, on_delete=models.CASCADE, related_name="snapshot")
    document = models.JSONField()
    revoked_count = models.PositiveIntegerField(help_text="Revoked credentials of the list it shows.")
    signed_at = models.DateTimeField()
    valid_until = models.DateTimeField()

    def __str__(self) -> str:
        return f"snapshot of {self.status_list}"


class OpenBadgeCredential(models.Model):
    """A signed OpenBadgeCredential of a certificate, frozen at issue. A certificate has at most one that is not
    revoked; revocation is permanent (a certificate valid again gets a new credential, at a new index)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    certificate = models.ForeignKey(
        GeneratedCertificate, on_delete=models.CASCADE, related_name="open_badge_credentials"
    )
    status_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="credentials")
    status_index = models.PositiveIntegerField()
    issuer_key = models.ForeignKey(IssuerKey, on_delete=models.PROTECT, related_name="credentials")
    document = models.JSONField(help_text="The signed credential, exactly as served.")
    facts = models.JSONField(
        help_text="What it says: name, course, organization, date (to detect a reissue)."
    )
    issued = models.DateTimeField()
    revoked = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["status_list", "status_index"], name="credential_unique_index"),
            # credential_for_certificate reads the live one; the handlers revoke it
            models.UniqueConstraint(
                fields=["certificate"], condition=Q(revoked__isnull=True), name="credential_one_live_per_cert"
            ),
        ]
        indexes = [
            # status_list_credential: the revoked indexes of a list, and the newest revocation
            models.Index(fields=["status_list", "revoked"], name="credential_list_revoked_idx"),
        ]

    def __str__(self) -> str:
        return f"credential {self.public_id} of certificate {self.certificate_id}"
