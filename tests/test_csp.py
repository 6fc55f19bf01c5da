"""The admin and the API docs carry the Content-Security-Policy too: no inline script without the request's nonce."""

import pytest

from tests.csp import inline_code, policy
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/admin/login/", "/admin/", "/admin/certificates/generatedcertificate/"])
def test_the_admin_has_the_policy_and_no_inline_script(client, path):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    response = client.get(path, follow=True)
    assert response.status_code == 200
    directives = policy(response)
    assert "'unsafe-inline'" not in directives["script-src"]
    assert [i for i in inline_code(response.content.decode()) if i.tag == "script"] == []


def test_the_api_docs_inline_script_and_style_carry_the_requests_nonce(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    directives = policy(response)
    nonces = {s for s in directives["script-src"] if s.startswith("'nonce-")}
    assert len(nonces) == 1 and "'unsafe-inline'" not in directives["script-src"]
    nonce = nonces.pop()[len("'nonce-") : -1]
    inline = inline_code(response.content.decode())
    assert {i.tag for i in inline} == {"script", "style"}
    assert all(i.nonce == nonce for i in inline)
    assert client.get("/api/docs/")["Content-Security-Policy"] != response["Content-Security-Policy"]
