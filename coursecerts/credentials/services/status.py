"""Status lists: random indexes for new credentials, revocation, the signed BitstringStatusListCredential."""

from __future__ import annotations

import contextlib
import random
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from coursecerts.common.errors import ApplicationError
from coursecerts.credentials import documents
from coursecerts.credentials.dids import did_for
from coursecerts.credentials.models import (
    STATUS_LIST_FILL,
    OpenBadgeCredential,
    StatusList,
    StatusListSnapshot,
)
from coursecerts.credentials.services.keys import issuer_key_signing, verification_method_id
from coursecerts.credentials.signing import proof_create

if TYPE_CHECKING:
    import uuid
    from collections.abc import Iterable

    from coursecerts.courses.models import Organization

_random = random.SystemRandom()
STATUS_LIST_VALIDITY = timedelta(days=1)  # a served list is re-signed when less than its last hour is left
STATUS_LIST_MARGIN = timedelta(hours=1)


class StatusListNotFound(ApplicationError):
    pass


def status_indexes_allocate(*, organization: Organization, count: int) -> list[tuple[StatusList, int]]:
    """`count` (list, index) pairs at random, unused, in the caller's transaction. Each list is locked
    FOR UPDATE SKIP LOCKED, so concurrent transactions take different lists and never draw the same index;
    a list takes new indexes until half full (STATUS_LIST_FILL), then a new list is opened."""
    pairs: list[tuple[StatusList, int]] = []
    while len(pairs) < count:
        status_list = (
            StatusList.objects.select_for_update(skip_locked=True)
            .filter(organization=organization, used__lt=STATUS_LIST_FILL)
            .order_by("pk")
            .first()
        )
        if status_list is None:
            status_list = StatusList.objects.create(organization=organization)
        take = min(count - len(pairs), STATUS_LIST_FILL - status_list.used)
        pairs += [(status_list, index) for index in _draw_unused(status_list, take)]
        StatusList.objects.filter(pk=status_list.pk).update(used=F("used") + take)
    return pairs


_DRAW_BATCH = 5000  # candidates asked about per query (well under every backend's parameter limit)


def _draw_unused(status_list: StatusList, take: int) -> list[int]:
    """`take` distinct indexes of the list at random that no credential holds: draws candidates and asks which
    of those are taken (a query about the candidates only), then draws again for the rest. The list is at most
    half full, so a round finds most of what it needs. (Reading every used index of the list instead cost a
    chunk up to 65,536 rows.)"""
    chosen: list[int] = []  # in the order drawn: random
    seen: set[int] = set()
    free_share = max(status_list.size - status_list.used, 1) / status_list.size
    while len(chosen) < take:
        wanted = min(int((take - len(chosen)) / free_share) + 8, _DRAW_BATCH, status_list.size)
        candidates = [i for i in _random.sample(range(status_list.size), wanted) if i not in seen]
        taken = set(
            OpenBadgeCredential.objects.filter(
                status_list=status_list, status_index__in=sorted(candidates)
            ).values_list("status_index", flat=True)
        )
        seen.update(candidates)
        chosen += [i for i in candidates if i not in taken][: take - len(chosen)]
    return chosen


def credentials_revoke(
    *, credentials: Iterable[OpenBadgeCredential], reason: str, forget: bool = False
) -> int:
    """Revoke credentials for good (their status bit is set from now on). `forget` also blanks what they say
    (learner retirement: the index stays taken, the name goes). Returns how many were live."""
    ids = [c.pk for c in credentials]
    changes = {"revoked": timezone.now(), "revocation_reason": reason}
    live = OpenBadgeCredential.objects.filter(pk__in=ids, revoked__isnull=True).update(**changes)
    if forget:
        OpenBadgeCredential.objects.filter(pk__in=ids).update(document={}, facts={})
    return live


def status_list_credential(*, list_id: uuid.UUID | str) -> dict:
    """The signed BitstringStatusListCredential of the list: bit i set when the credential at index i is
    revoked. Served from its snapshot, re-signed when a credential was revoked since or it nears validUntil."""
    status_list = StatusList.objects.select_related("organization").filter(public_id=list_id).first()
    if status_list is None:
        raise StatusListNotFound("No such status list.")
    now = timezone.now()
    snapshot = StatusListSnapshot.objects.filter(status_list=status_list).first()
    revoked = OpenBadgeCredential.objects.filter(status_list=status_list, revoked__isnull=False).count()
    fresh = (
        snapshot is not None
        and snapshot.revoked_count == revoked
        and snapshot.valid_until - now > STATUS_LIST_MARGIN
    )
    if fresh and snapshot is not None:
        return snapshot.document
    return _status_list_sign(status_list, now)


def _status_list_sign(status_list: StatusList, now) -> dict:
    revoked = list(
        OpenBadgeCredential.objects.filter(status_list=status_list, revoked__isnull=False).values_list(
            "status_index", flat=True
        )
    )
    organization = status_list.organization
    key, private = issuer_key_signing(organization=organization)
    valid_until = now + STATUS_LIST_VALIDITY
    document = documents.status_list_credential(
        list_id=status_list.public_id,
        issuer_did=did_for(organization.short_name),
        organization_name=organization.name,
        encoded_list=documents.encode_bits(revoked, status_list.size),
        valid_from=documents.xsd_datetime(now),
        valid_until=documents.xsd_datetime(valid_until),
    )
    created = documents.xsd_datetime(now)
    document["proof"] = [
        proof_create(
            document, private_key=private, verification_method=verification_method_id(key), created=created
        )
    ]
    with contextlib.suppress(IntegrityError), transaction.atomic():  # two first readers at once: one row wins
        StatusListSnapshot.objects.update_or_create(
            status_list=status_list,
            defaults={
                "document": document,
                "revoked_count": len(revoked),
                "signed_at": now,
                "valid_until": valid_until,
            },
        )
    return document
