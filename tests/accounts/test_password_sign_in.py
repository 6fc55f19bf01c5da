"""Signing in to the console with a coursecerts account, and signing out (README "Signing in to the console")."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.utils import translation

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(db):
    user = UserFactory(username="alice", is_staff=True)
    user.set_password("correct horse battery")
    user.save()
    return user


def test_the_console_sends_an_anonymous_visitor_to_the_login_page(client):
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/profile/"


def test_the_login_page_has_the_account_form_and_no_sso_button_when_none_is_configured(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'name="username"' in html and 'name="password"' in html
    assert "Sign in with" not in html


def test_a_coursecerts_account_signs_in_and_lands_on_the_console(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": "correct horse battery"})
    assert response.status_code == 302
    assert response["Location"] == "/console/"
    assert client.session[SESSION_KEY] == str(alice.pk)


def test_sign_in_goes_back_to_the_page_asked_for_but_never_off_site(client, alice):
    form = {"username": "alice", "password": "correct horse battery"}
    assert (
        client.post("/accounts/login/", {**form, "next": "/accounts/profile/"})["Location"]
        == "/accounts/profile/"
    )
    client.logout()
    assert (
        client.post("/accounts/login/", {**form, "next": "https://evil.example/"})["Location"] == "/console/"
    )


def test_a_wrong_password_says_so_on_the_login_page(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_learner_imported_from_the_lms_cannot_sign_in_with_a_password(client):
    """Learners come with no usable password: only single sign-on (or an operator's set password) lets them in."""
    from coursecerts.learners.services import learner_upsert

    learner_upsert(username="bob", email="bob@example.com", name="Bob")
    response = client.post("/accounts/login/", {"username": "bob", "password": ""})
    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_sign_out_ends_the_session_and_goes_to_the_login_page(client, alice):
    client.force_login(alice)
    assert client.get("/accounts/logout/").status_code == 405  # a link cannot sign anyone out
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert SESSION_KEY not in client.session


def test_the_profile_page_shows_the_signed_in_user_s_roles(client, alice):
    from coursecerts.courses.models import CourseAccessRole, CourseRoles
    from tests.factories import CourseRunFactory

    run = CourseRunFactory(id="course-v1:edX+Physics+2026")
    CourseAccessRole.objects.create(user=alice, course=run, role=CourseRoles.INSTRUCTOR)
    client.force_login(alice)
    html = client.get("/accounts/profile/").content.decode()
    assert "Signed in as alice" in html
    assert "Global staff" in html
    assert "course-v1:edX+Physics+2026" in html and "Instructor" in html


def test_repeated_wrong_passwords_lock_the_account_out(client, alice, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "alice", "password": "correct horse battery"})
    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_configured_providers_get_a_button_and_only_their_origins_in_form_action(client, settings):
    settings.SOCIAL_AUTH_EDX_OAUTH2_KEY = "coursecerts-sso"
    settings.SOCIAL_AUTH_EDX_OAUTH2_URL_ROOT = "http://lms.internal:8000"
    settings.SOCIAL_AUTH_EDX_OAUTH2_PUBLIC_URL_ROOT = "https://lms.example.org"
    response = client.get("/accounts/login/")

    html = response.content.decode()
    assert "Sign in with Open edX" in html
    assert 'action="/accounts/login/edx-oauth2/"' in html
    form_action = next(
        part for part in response["Content-Security-Policy"].split(";") if "form-action" in part
    )
    assert form_action.split() == ["form-action", "'self'", "https://lms.example.org"]


def test_an_unconfigured_provider_s_urls_answer_404(client):
    assert client.post("/accounts/login/oidc/").status_code == 404
    assert client.get("/accounts/complete/edx-oauth2/?code=x&state=y").status_code == 404


def test_the_login_page_reads_in_arabic_right_to_left(client, settings):
    settings.SOCIAL_AUTH_OIDC_KEY = "coursecerts"
    settings.SOCIAL_AUTH_OIDC_OIDC_ENDPOINT = "https://id.example.org"
    settings.SOCIAL_AUTH_OIDC_PROVIDER_NAME = "Campus"
    try:
        html = client.get("/accounts/login/", headers={"accept-language": "ar"}).content.decode()
    finally:
        translation.activate(settings.LANGUAGE_CODE)  # the locale middleware leaves Arabic on in this thread
    assert '<html lang="ar" dir="rtl">' in html
    assert "تسجيل الدخول إلى coursecerts" in html
    assert "الدخول عبر Campus" in html
