"""Issuer keys: create on first need, rotate, retire. Private keys exist in clear only in this process."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import transaction
from django.utils import timezone

from coursecerts.common.errors import ApplicationError
from coursecerts.courses.models import Organization
from coursecerts.credentials import kek
from coursecerts.credentials.dids import did_for
from coursecerts.credentials.models import IssuerKey
from coursecerts.credentials.multiformats import multikey_public

_decrypted: dict[int, Ed25519PrivateKey] = {}


class IssuerKeyError(ApplicationError):
    pass


def verification_method_id(key: IssuerKey) -> str:
    return f"{did_for(key.organization.short_name)}#{key.key_id}"


@transaction.atomic
def issuer_key_create(*, organization: Organization) -> IssuerKey:
    """A new Ed25519 key for the organisation; from now on it signs (the newest unretired key signs)."""
    private = Ed25519PrivateKey.generate()
    count = IssuerKey.objects.select_for_update().filter(organization=organization).count()
    key = IssuerKey(
        organization=organization,
        key_id=f"key-{count + 1}",
        public_key_multibase=multikey_public(private.public_key().public_bytes_raw()),
        private_key_encrypted=kek.encrypt(private.private_bytes_raw()),
    )
    key.full_clean()
    key.save()
    _decrypted[key.pk] = private
    return key


def issuer_key_rotate(*, organization: Organization) -> IssuerKey:
    """`coursecerts rotate_issuer_key`: a new key signs from now on; the old ones stay in did.json."""
    return issuer_key_create(organization=organization)


@transaction.atomic
def issuer_key_retire(*, key: IssuerKey) -> IssuerKey:
    """Take a key out of did.json: credentials it signed stop verifying. Refused for the only live key."""
    live = IssuerKey.objects.select_for_update().filter(
        organization=key.organization_id, retired__isnull=True
    )
    if key.retired is None and live.count() <= 1:
        raise IssuerKeyError(f"{key} is the organisation's only key: rotate first, then retire it")
    key.retired = key.retired or timezone.now()
    key.save(update_fields=["retired"])
    _decrypted.pop(key.pk, None)
    return key


def issuer_key_rewrap_all() -> int:
    """Re-encrypt every private key under the first KEK (after putting a new KEK first). Returns the count."""
    keys = list(IssuerKey.objects.all())
    for key in keys:
        key.private_key_encrypted = kek.rewrap(bytes(key.private_key_encrypted))
        key.save(update_fields=["private_key_encrypted"])
    return len(keys)


def issuer_key_signing(*, organization: Organization) -> tuple[IssuerKey, Ed25519PrivateKey]:
    """The key that signs for the organisation now (made on first need), with its private key."""
    key = _signing_key(organization)
    if key is None:
        with transaction.atomic():
            # the organisation's row is the lock: of two chunks making its first key at once, one makes it
            # and the other, once the first commits, finds it
            Organization.objects.select_for_update().filter(pk=organization.pk).exists()
            key = _signing_key(organization) or issuer_key_create(organization=organization)
    return key, private_key(key)


def _signing_key(organization: Organization) -> IssuerKey | None:
    return (
        IssuerKey.objects.filter(organization=organization, retired__isnull=True)
        .select_related("organization")
        .order_by("-created", "-pk")
        .first()
    )


def private_key(key: IssuerKey) -> Ed25519PrivateKey:
    if key.pk not in _decrypted:
        _decrypted[key.pk] = Ed25519PrivateKey.from_private_bytes(
            kek.decrypt(bytes(key.private_key_encrypted))
        )
    return _decrypted[key.pk]
