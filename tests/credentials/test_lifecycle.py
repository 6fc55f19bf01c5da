"""Credentials follow their certificates: issued on the first request for a downloadable certificate's credential
(never by the writers: one learner's generation or a course-wide chunk), and, in the writer's transaction,
revoked for good when the certificate stops being downloadable, replaced (old one revoked, the next request
issues the new) when what it says changes or it is reissued, revoked and blanked at retirement."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coursecerts.certificates.models import CertificateStatuses
from coursecerts.certificates.services import (
    certificate_generate,
    certificate_invalidation_create,
    certificate_revalidate,
)
from coursecerts.certificates.services.bulk_generation import learners_generate_in_chunks
from coursecerts.certificates.services.generation import certificate_invalidate
from coursecerts.certificates.services.retirement import learner_retire
from coursecerts.credentials import documents
from coursecerts.credentials.models import OpenBadgeCredential
from coursecerts.credentials.services.issuance import CredentialNotAvailable, credential_for_certificate
from coursecerts.credentials.services.status import status_list_credential
from coursecerts.credentials.verification import credential_verify
from tests.factories import UserFactory, learner_in_course

pytestmark = pytest.mark.django_db


def named_learner(course, name):
    user = learner_in_course(course)
    user.profile.name = name
    user.profile.save()
    return user


def issue(course, name="Ada Lovelace"):
    user = named_learner(course, name)
    return certificate_generate(user=user, course_run=course, mode="verified", grade="0.9", source="test")


def bit(document) -> bool:
    entry = document["credentialStatus"]
    list_id = entry["statusListCredential"].rsplit("/", 1)[1]
    listed = status_list_credential(list_id=list_id)
    return documents.bit_is_set(
        documents.decode_bits(listed["credentialSubject"]["encodedList"]), int(entry["statusListIndex"])
    )


def test_generation_issues_nothing_and_the_first_request_issues_the_credential(course):
    certificate = issue(course)
    assert not OpenBadgeCredential.objects.filter(certificate=certificate).exists()
    served = credential_for_certificate(certificate=certificate)
    live = OpenBadgeCredential.objects.get(certificate=certificate, revoked__isnull=True)
    assert live.facts["name"] == "Ada Lovelace"
    assert served["credentialSubject"]["name"] == "Ada Lovelace"
    assert served["id"] == f"urn:uuid:{live.public_id}"
    assert live.document == served  # stored once signed
    assert credential_for_certificate(certificate=certificate) == served  # and served again, not reissued
    assert OpenBadgeCredential.objects.filter(certificate=certificate).count() == 1


def test_the_credential_is_the_same_document_whenever_it_is_signed(course):
    """Issue freezes what the credential says; it is signed when first asked for, and a signature made at
    another time (another process, a first reader racing another) is byte for byte the same."""
    certificate = issue(course)
    first = credential_for_certificate(certificate=certificate)
    live = OpenBadgeCredential.objects.get(certificate=certificate, revoked__isnull=True)
    OpenBadgeCredential.objects.filter(pk=live.pk).update(document={})  # as if another process signs it
    again = credential_for_certificate(certificate=certificate)
    assert json.dumps(again, sort_keys=True) == json.dumps(first, sort_keys=True)
    assert first["proof"][0]["created"] == documents.xsd_datetime(live.issued)
    assert credential_verify(document=again).ok


def test_invalidation_revokes_and_the_status_list_then_fails_the_downloaded_credential(course, staff):
    certificate = issue(course)
    downloaded = credential_for_certificate(certificate=certificate)
    assert credential_verify(document=downloaded).ok
    assert bit(downloaded) is False
    certificate_invalidation_create(certificate=certificate, invalidated_by=staff)
    assert bit(downloaded) is True
    result = credential_verify(document=downloaded)
    assert (result.ok, result.status) == (False, "revoked")
    assert {c.name: c.passed for c in result.checks} == {
        "shape": True,
        "issuer": True,
        "signature": True,
        "status": False,
    }
    with pytest.raises(CredentialNotAvailable):
        credential_for_certificate(certificate=certificate)


def test_revocation_is_permanent_a_revalidated_certificate_gets_a_new_credential(course, staff):
    certificate = issue(course)
    old = credential_for_certificate(certificate=certificate)
    certificate_invalidation_create(certificate=certificate, invalidated_by=staff)
    certificate_revalidate(certificate=certificate, actor=staff)
    new = credential_for_certificate(certificate=certificate)
    assert new["id"] != old["id"]
    assert new["credentialStatus"]["id"] != old["credentialStatus"]["id"]
    assert credential_verify(document=new).ok
    assert credential_verify(document=old).status == "revoked"


def test_a_name_correction_yields_a_new_credential_and_revokes_the_old(course):
    certificate = issue(course, name="Ada Lovelace")
    old = credential_for_certificate(certificate=certificate)
    certificate.user.profile.name = "Augusta Ada King"
    certificate.user.profile.save()
    certificate = certificate_generate(
        user=certificate.user, course_run=course, mode="verified", grade="0.9", source="name_correction"
    )
    assert certificate.name == "Augusta Ada King"
    new = credential_for_certificate(certificate=certificate)
    assert new["credentialSubject"]["name"] == "Augusta Ada King"
    assert credential_verify(document=old).status == "revoked"
    assert credential_verify(document=new).ok


def test_a_status_that_is_no_longer_downloadable_revokes(course):
    certificate = issue(course)
    downloaded = credential_for_certificate(certificate=certificate)
    certificate = certificate_invalidate(certificate=certificate, source="exam_event")
    assert certificate.status != CertificateStatuses.DOWNLOADABLE
    assert credential_verify(document=downloaded).status == "revoked"


def test_retirement_revokes_and_removes_the_name_from_stored_credentials(course):
    certificate = issue(course, name="Grace Hopper")
    downloaded = credential_for_certificate(certificate=certificate)
    learner_retire(user=certificate.user, source="test")
    assert credential_verify(document=downloaded).status == "revoked"
    stored = OpenBadgeCredential.objects.get(certificate=certificate)
    assert (stored.document, stored.facts, stored.revocation_reason) == ({}, {}, "retired")
    with pytest.raises(CredentialNotAvailable):
        credential_for_certificate(certificate=certificate)


def course_wide(course, count):
    users = [named_learner(course, f"Learner {i}") for i in range(count)]
    with CaptureQueriesContext(connection) as queries:
        learners_generate_in_chunks(course_run=course, user_ids=[u.pk for u in users], source="test")
    return users, len(queries)


def test_course_wide_generation_writes_no_credential_and_each_first_request_issues_one(course):
    UserFactory()
    _, few = course_wide(course, 3)
    users, many = course_wide(course, 30)
    assert many <= few + 6  # not a query (or a task) per learner
    assert not OpenBadgeCredential.objects.exists()
    served = [credential_for_certificate(certificate=u.certificates.get()) for u in users]
    assert OpenBadgeCredential.objects.filter(revoked__isnull=True).count() == 30
    indexes = list(OpenBadgeCredential.objects.values_list("status_list", "status_index"))
    assert len(set(indexes)) == len(indexes)
    assert sorted(i for _, i in indexes) != list(range(30))  # random, not sequential
    assert served[7]["credentialSubject"]["name"] == "Learner 7"
    assert credential_verify(document=served[7]).ok


def test_a_regeneration_that_changes_nothing_keeps_the_served_credential(course):
    users, _ = course_wide(course, 3)
    before = credential_for_certificate(certificate=users[0].certificates.get())
    learners_generate_in_chunks(course_run=course, user_ids=[u.pk for u in users], source="test")
    after = credential_for_certificate(certificate=users[0].certificates.get())
    assert after == before
    assert credential_verify(document=before).ok


def test_a_credential_first_asked_for_after_its_key_was_retired_is_signed_by_the_key_that_signs_now(course):
    """Issued under key-1 (a first request that failed before signing left it unsigned), not yet served when
    key-1 is rotated out and retired: served signed by key-2, and it verifies (nothing was served under key-1)."""
    from io import StringIO

    from django.core.management import call_command
    from django.db import transaction

    from coursecerts.credentials.services.issuance import credentials_issue

    certificate = issue(course)
    with transaction.atomic():
        credentials_issue(certificates=[certificate])
    org = course.organization.short_name
    call_command("rotate_issuer_key", org, stdout=StringIO())
    call_command("rotate_issuer_key", org, "--retire", "key-1", stdout=StringIO())
    served = credential_for_certificate(certificate=certificate)
    assert served["proof"][0]["verificationMethod"].endswith("#key-2")
    assert credential_verify(document=served).ok
