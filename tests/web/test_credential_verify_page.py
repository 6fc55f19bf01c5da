"""/credentials/verify: a verifier pastes or uploads an Open Badges credential and reads whether it holds
(signature, issuer known, valid or revoked) and what it says, with the reason when it fails; the same input rules
as the API (common.credential_input), CSRF-protected, rate-limited with the certificate pages, in Arabic too."""

import copy
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from coursecerts.certificates.services import certificate_invalidate
from tests.web.html import Page

pytestmark = pytest.mark.django_db

URL = "/credentials/verify"


@pytest.fixture
def credential(client, certificate):
    return json.loads(client.get(f"/certificates/{certificate.verify_uuid}/credential.json").content)


def paste(client, document, **extra):
    text = document if isinstance(document, str) else json.dumps(document)
    return client.post(URL, {"credential": text}, **extra)


def checks(page: Page) -> dict:
    return {li.get("id").removeprefix("check-"): li.get("data-passed") == "true" for li in page.all(".check")}


def test_the_form_is_styled_like_the_landing_page_and_linked_from_it(client):
    response = client.get(URL)
    assert response.status_code == 200
    page = Page(response)
    assert page.text("h1") == "Verify a credential"
    assert page.one("main.landing#credential-verify") is not None
    form = page.one("#credential-form")
    assert form.get("method") == "post" and form.get("enctype") == "multipart/form-data"
    assert page.one("#credential-form input[name=csrfmiddlewaretoken]") is not None
    assert (
        page.one("textarea[name=credential]") is not None
        and page.one("input[type=file][name=file]") is not None
    )
    assert Page(client.get("/")).one("#credential-verify-link a").get("href") == URL


def test_a_pasted_credential_is_valid_and_says_who_what_and_when(client, certificate, credential):
    response = paste(client, credential)
    assert response.status_code == 200
    page = Page(response)
    assert page.one("#verdict-heading").get("data-verified") == "true"
    assert page.text("#verdict-heading") == "✓ Valid credential"
    assert checks(page) == {"shape": True, "issuer": True, "signature": True, "status": True}
    assert page.one("#credential-status").get("data-status") == "valid"
    assert page.text("#fact-name") == "Jane Doe"
    assert page.text("#fact-course") == "Data Science 101"
    assert page.text("#fact-organization") == "Open Learning Institute"
    issued = certificate.created_date
    assert page.text("#fact-date") == f"{issued:%B} {issued.day}, {issued.year}"
    assert response["Cache-Control"] == "no-store"


def test_an_uploaded_file_is_verified_the_same(client, credential):
    upload = SimpleUploadedFile("credential.json", json.dumps(credential).encode(), "application/json")
    page = Page(client.post(URL, {"file": upload}))
    assert page.one("#verdict-heading").get("data-verified") == "true"


def test_a_revoked_credential_says_revoked(client, certificate, credential, staff):
    certificate_invalidate(certificate=certificate, source="test", actor=staff)
    page = Page(paste(client, credential))
    assert page.one("#verdict-heading").get("data-verified") == "false"
    assert page.text("#verdict-heading") == "Revoked: the issuer has withdrawn this credential"
    assert page.one("#credential-status").get("data-status") == "revoked"
    assert checks(page)["signature"] is True and checks(page)["status"] is False
    assert page.text("#check-status .check-reason")  # the reason is given


def test_a_tampered_credential_fails_its_signature_with_the_reason(client, credential):
    tampered = copy.deepcopy(credential)
    tampered["credentialSubject"]["name"] = "Mallory"
    page = Page(paste(client, tampered))
    assert page.text("#verdict-heading") == "This credential did not verify"
    assert checks(page)["signature"] is False
    assert page.text("#check-signature .check-reason")
    assert "not verified" in page.text("#verdict h3")  # what it claims is marked as unverified
    assert page.text("#fact-name") == "Mallory"


def test_an_unknown_issuer_fails_the_issuer_check(client, credential):
    forged = copy.deepcopy(credential)
    forged["issuer"]["id"] = "did:web:example.com:issuers:X"
    page = Page(paste(client, forged))
    assert checks(page)["issuer"] is False
    assert page.one("#verdict-heading").get("data-verified") == "false"


@pytest.mark.parametrize(
    ("given", "status", "reason"),
    [
        ("", 400, "Paste a credential or choose its file."),
        ("{not json", 400, "This is not a credential file: it is not JSON text."),
        ('{"a": 1}', 400, "This is not a credential: it needs an @context"),
        ('{"@context": [], "type": ["VerifiableCredential"]}', 400, "This credential has no proof"),
        ("x" * (256 * 1024 + 1), 413, "The credential is larger than 256 KiB."),
    ],
)
def test_what_is_not_a_credential_is_refused_with_the_api_s_rules(client, given, status, reason):
    response = paste(client, given)
    assert response.status_code == status
    page = Page(response)
    assert page.text("#credential-error").startswith(reason)
    assert page.one("#verdict") is None
    assert page.one("#credential-input").get("aria-invalid") == "true"


def test_the_form_is_csrf_protected():
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(URL, {"credential": "{}"}).status_code == 403
    token = Page(strict.get(URL)).one("input[name=csrfmiddlewaretoken]").get("value")
    assert strict.post(URL, {"credential": "{}", "csrfmiddlewaretoken": token}).status_code == 400


@override_settings(CERTIFICATE_PAGE_RATE="3/minute")
def test_it_is_rate_limited_with_the_certificate_pages(client, certificate, credential):
    address = {"REMOTE_ADDR": "203.0.113.9"}
    client.get(f"/certificates/{certificate.verify_uuid}", **address)
    assert paste(client, credential, **address).status_code == 200
    assert client.get(URL, **address).status_code == 200
    limited = paste(client, credential, **address)
    assert limited.status_code == 429 and "Retry-After" in limited
    assert client.get(f"/certificates/{certificate.verify_uuid}", **address).status_code == 429


def test_nothing_is_looked_up_by_an_id_the_visitor_chose(client, certificate, credential):
    """No enumeration: a certificate id or a credential id alone answers nothing about that certificate."""
    for given in (certificate.verify_uuid, json.dumps({"id": credential["id"]})):
        response = paste(client, given)
        assert response.status_code == 400
        assert "Jane Doe" not in response.content.decode()


def test_in_arabic(client, credential):
    page = Page(client.post(f"{URL}?lang=ar", {"credential": json.dumps(credential)}))
    assert page.root.etree_element.get("dir") == "rtl"
    assert page.text("h1") == "التحقق من بيانات اعتماد"
    assert page.text("#verdict-heading") == "✓ بيانات اعتماد صالحة"
    assert page.text("#check-signature .check-label") == "التوقيع صالح"
    assert page.one("#credential-form").get("action") == f"{URL}?lang=ar"
    error = Page(client.post(f"{URL}?lang=ar", {"credential": ""}))
    assert error.text("#credential-error") == "الصق بيانات اعتماد أو اختر ملفها."


def test_the_page_has_the_policy_and_no_inline_code(client, credential):
    from tests.csp import inline_code, policy

    for response in (client.get(URL), paste(client, credential), paste(client, "{bad")):
        directives = policy(response)
        assert "'unsafe-inline'" not in directives["script-src"] + directives["style-src"]
        assert inline_code(response.content.decode()) == []
