"""Credentials follow their certificates, in the writer's transaction: issued when a certificate becomes
downloadable (one learner or a course-wide chunk, set-based), revoked for good when it stops being so, replaced
(old one revoked) when what it says changes or it is reissued, revoked and blanked at retirement."""

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


def test_generation_issues_the_credential_in_its_transaction(course):
    certificate = issue(course)
    live = OpenBadgeCredential.objects.get(certificate=certificate, revoked__isnull=True)
    assert live.facts["name"] == "Ada Lovelace"
    served = credential_for_certificate(certificate=certificate)
    assert served["credentialSubject"]["name"] == "Ada Lovelace"
    assert served["id"] == f"urn:uuid:{live.public_id}"
    assert OpenBadgeCredential.objects.get(pk=live.pk).document == served  # stored once signed


def test_the_credential_is_the_same_document_whenever_it_is_signed(course):
    """Issue freezes what the credential says; it is signed when first asked for, and a signature made at
    another time (another process, a first reader racing another) is byte for byte the same."""
    certificate = issue(course)
    live = OpenBadgeCredential.objects.get(certificate=certificate, revoked__isnull=True)
    assert live.document == {}  # issued in the writer's transaction, not yet signed
    first = credential_for_certificate(certificate=certificate)
    OpenBadgeCredential.objects.filter(pk=live.pk).update(document={})
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


def test_course_wide_generation_issues_credentials_set_based_in_the_chunk(course):
    UserFactory()  # the issuer key and first list are made by the first chunk in both runs below
    _, few = course_wide(course, 3)
    users, many = course_wide(course, 30)
    assert OpenBadgeCredential.objects.filter(revoked__isnull=True).count() == 33
    assert many <= few + 6  # not a query (or a task) per learner
    indexes = list(OpenBadgeCredential.objects.values_list("status_list", "status_index"))
    assert len(set(indexes)) == len(indexes)
    assert sorted(i for _, i in indexes) != list(range(33))  # random, not sequential
    sample = credential_for_certificate(
        certificate=OpenBadgeCredential.objects.get(certificate__user=users[7]).certificate
    )
    assert sample["credentialSubject"]["name"] == "Learner 7"
    assert credential_verify(document=sample).ok


def test_a_credential_first_asked_for_after_its_key_was_retired_is_signed_by_the_key_that_signs_now(course):
    """Issued under key-1, not yet asked for when key-1 is rotated out and retired: served signed by key-2,
    and it verifies (nothing was ever served under key-1)."""
    from io import StringIO

    from django.core.management import call_command

    certificate = issue(course)
    org = course.organization.short_name
    call_command("rotate_issuer_key", org, stdout=StringIO())
    call_command("rotate_issuer_key", org, "--retire", "key-1", stdout=StringIO())
    served = credential_for_certificate(certificate=certificate)
    assert served["proof"][0]["verificationMethod"].endswith("#key-2")
    assert credential_verify(document=served).ok
