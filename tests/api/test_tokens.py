"""Bearer tokens: made and listed and revoked by command, listed and revoked in the admin; only a hash stored."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from coursecerts.api.models import ApiToken, token_hash
from tests.api.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/certificates/v0/certificates/staff/"


def test_create_api_token_prints_only_a_working_token(staff):
    out = StringIO()
    call_command("create_api_token", "staff", "--name", "LMS", stdout=out)
    token = out.getvalue().strip()
    assert "\n" not in token and token.startswith("cc_")
    row = ApiToken.objects.get()
    assert row.key_hash == token_hash(token) and token not in {row.key_hash, row.prefix}
    from rest_framework.test import APIClient

    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get(URL).status_code == 200
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_create_api_token_refuses_unknown_and_inactive_users(db):
    with pytest.raises(CommandError, match="No user"):
        call_command("create_api_token", "ghost", stdout=StringIO())
    UserFactory(username="gone", is_active=False)
    with pytest.raises(CommandError, match="inactive"):
        call_command("create_api_token", "gone", stdout=StringIO())


def test_list_and_revoke_by_command(staff):
    client = client_for(staff)
    token = ApiToken.objects.get()
    out = StringIO()
    call_command("list_api_tokens", stdout=out)
    assert token.prefix in out.getvalue() and "staff" in out.getvalue()
    out = StringIO()
    call_command("revoke_api_token", str(token.pk), "--dry-run", stdout=out)
    assert "Would revoke" in out.getvalue() and client.get(URL).status_code == 200
    call_command("revoke_api_token", str(token.pk), stdout=StringIO())
    response = client.get(URL)
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid or revoked token."
    with pytest.raises(CommandError, match="No active token"):
        call_command("revoke_api_token", str(token.pk), stdout=StringIO())


def test_a_deactivated_users_token_is_refused(staff):
    client = client_for(staff)
    staff.is_active = False
    staff.save()
    assert client.get(URL).json()["detail"] == "The token's user is inactive."


def test_a_malformed_header_is_401_not_500(anonymous, db):
    anonymous.credentials(HTTP_AUTHORIZATION="Bearer a b")
    assert anonymous.get(URL).status_code == 401


def test_the_admin_lists_and_revokes_tokens(client, staff):
    client_for(staff)
    token = ApiToken.objects.get()
    client.force_login(staff)
    page = client.get("/admin/api/apitoken/")
    assert page.status_code == 200 and token.prefix in page.content.decode()
    assert client.get("/admin/api/apitoken/add/").status_code == 403
    client.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None
