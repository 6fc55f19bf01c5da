"""The credential file a learner downloads has the same bytes every time, whichever database stored it."""

import pytest

from coursecerts.credentials.attachment import credential_json
from coursecerts.credentials.services.issuance import credential_for_certificate
from tests.factories import GeneratedCertificateFactory


@pytest.mark.django_db
def test_the_first_download_and_a_later_one_are_the_same_bytes(course):
    certificate = GeneratedCertificateFactory(
        course=course, name="Ada Lovelace", course_title="Data Science 101"
    )
    first = credential_json(credential_for_certificate(certificate=certificate))
    certificate.refresh_from_db()
    later = credential_json(credential_for_certificate(certificate=certificate))
    assert later == first
    assert first.startswith(b'{\n  "@context": [')
