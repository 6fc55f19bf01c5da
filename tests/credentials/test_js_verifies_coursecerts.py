"""Digital Bazaar's JavaScript verifier (an implementation coursecerts did not write) accepts the credentials
coursecerts issues, resolving the issuer's did:web document and the status list as coursecerts serves them; it
refuses a tampered copy, and a revoked credential fails its status check. The documents come from the HTTP
endpoints a wallet would fetch; the contexts are coursecerts' bundled bytes (the JavaScript side checks that the
VC 2.0 and status list contexts equal its own packaged copies)."""

import copy
import json

import pytest

from coursecerts.certificates.services import certificate_invalidate
from coursecerts.credentials.loader import CONTEXTS, PINNED
from tests.web.conftest import course_run, issue, media, organization  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def _documents(client, credential) -> dict:
    documents = {url: json.loads((CONTEXTS / name).read_bytes()) for url, (name, _) in PINNED.items()}
    issuer = credential["issuer"]["id"]
    host_path = issuer.removeprefix("did:web:").split(":")
    did_url = "/" + "/".join(host_path[1:]) + "/did.json"
    documents[issuer] = client.get(did_url).json()
    status_url = credential["credentialStatus"]["statusListCredential"]
    documents[status_url] = client.get(status_url.removeprefix("http://testserver")).json()
    return documents


@pytest.fixture
def served(client, course_run):  # noqa: F811
    certificate = issue(course_run)
    response = client.get(f"/certificates/{certificate.verify_uuid}/credential.json")
    assert response.status_code == 200
    return certificate, json.loads(response.content)


def test_it_verifies_a_credential_coursecerts_issued(js_verify, client, served):
    _, credential = served
    answer = js_verify(credential, _documents(client, credential))
    assert answer["context_mismatch"] == []
    assert answer["signature"] == {"verified": True, "errors": []}
    assert answer["status"]["checked"] is True and answer["status"]["revoked"] is False, answer
    assert answer["verified"] is True


def test_it_refuses_a_tampered_credential(js_verify, client, served):
    _, credential = served
    tampered = copy.deepcopy(credential)
    tampered["credentialSubject"]["name"] = "Mallory"
    answer = js_verify(tampered, _documents(client, credential))
    assert answer["signature"]["verified"] is False
    assert answer["verified"] is False


def test_a_revoked_credential_fails_its_status_check(js_verify, client, served):
    certificate, credential = served
    certificate_invalidate(certificate=certificate, source="test")
    answer = js_verify(credential, _documents(client, credential))
    assert answer["signature"]["verified"] is True  # still the issuer's signature...
    assert answer["status"]["revoked"] is True  # ...but the issuer's status list says revoked
    assert answer["verified"] is False
