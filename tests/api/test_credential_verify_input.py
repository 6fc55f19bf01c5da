"""POST /api/v1/credentials/verify refuses what is not a credential before verifying anything, with a reason a
verifier can act on, in the API's one error shape; and it is rate-limited like certificate verification."""

import json

import pytest
from django.test import override_settings

from coursecerts.common.credential_input import MAX_CREDENTIAL_BYTES

pytestmark = pytest.mark.django_db
URL = "/api/v1/credentials/verify"


def post_raw(client, body: bytes, content_type="application/json"):
    return client.generic("POST", URL, body, content_type=content_type)


@pytest.mark.parametrize(
    ("body", "error_code"),
    [
        (b"", "credential_missing"),
        (b"this is not json", "credential_not_json"),
        (b"\xff\xfe\x00", "credential_not_json"),
        (b'{"a": 1, "a": 2}', "credential_not_json"),
        (b"[1, 2, 3]", "not_a_credential"),
        (b'{"name": "a badge"}', "not_a_credential"),
        (
            json.dumps(
                {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"]}
            ).encode(),
            "credential_unsigned",
        ),
    ],
    ids=["empty", "text", "not-utf8", "duplicate-key", "array", "no-type", "no-proof"],
)
def test_it_refuses_what_is_not_a_signed_credential(anonymous, body, error_code):
    response = post_raw(anonymous, body)
    assert response.status_code == 400
    assert response.json()["error_code"] == error_code
    assert response.json()["errors"]["credential"]


def test_it_refuses_a_credential_too_large(anonymous):
    response = post_raw(anonymous, b'{"x": "' + b"a" * MAX_CREDENTIAL_BYTES + b'"}')
    assert response.status_code == 413
    assert response.json()["error_code"] == "credential_too_large"


def test_an_upload_that_is_not_a_credential_is_refused_too(anonymous):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("badge.json", b"not json", content_type="application/json")
    response = anonymous.post(URL, {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert response.json()["error_code"] == "credential_not_json"


def test_it_refuses_other_media_types(anonymous):
    response = post_raw(anonymous, b"<credential/>", content_type="text/xml")
    assert response.status_code == 415


def test_an_empty_post_says_the_credential_is_missing(anonymous):
    response = anonymous.generic("POST", "/api/v1/credentials/verify")  # no body, no Content-Type
    assert (response.status_code, response.json()["error_code"]) == (400, "credential_missing")


@override_settings(API_THROTTLE_VERIFY="2/min")
def test_it_is_rate_limited_like_certificate_verification(anonymous):
    answers = [post_raw(anonymous, b"not json").status_code for _ in range(3)]
    assert answers == [400, 400, 429]
