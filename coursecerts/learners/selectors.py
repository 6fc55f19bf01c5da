"""Reads about learners that other apps need."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from django.contrib.auth import get_user_model

from coursecerts.common.bulk_rows import rows_where_in, table
from coursecerts.learners.models import LearnerProfile


class NamedForLearner(Protocol):
    """A record printed with a learner's name, such as a certificate (learners knows nothing of certificates)."""

    @property
    def name(self) -> str: ...

    @property
    def user_id(self) -> int: ...


def certificate_of_retired_learner(certificate: NamedForLearner) -> bool:
    """Whether the certificate's learner is retired (its page and verification answer 410 Gone, ADR 0012).
    Retirement blanks the certificate's name, so a certificate with a name costs no query."""
    if certificate.name:
        return False
    return LearnerProfile.objects.filter(user_id=certificate.user_id, retired_at__isnull=False).exists()


def learner_ids(usernames: Iterable[str]) -> dict[str, int]:
    """username -> user id of those of `usernames` that are learners (a few queries per 5,000, one on
    PostgreSQL)."""
    User = get_user_model()
    sql = f"SELECT username, id FROM {table(User)} WHERE {{in}}"
    return dict(rows_where_in(sql, User._meta.get_field("username"), usernames))
