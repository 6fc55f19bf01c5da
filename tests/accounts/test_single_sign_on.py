"""Single sign-on in a real browser (Debian's Chromium driven by Playwright) against a real identity provider:
django-oauth-toolkit in a small Django project of its own (tests/accounts/oidc_provider), started as a subprocess
with its own SQLite file and an RS256 key made for the run. "Sign in with ..." on /accounts/login/, the provider's
login and consent pages, and back on coursecerts signed in as the user whose username the provider vouched for,
with that user's course roles; failures come back to the login page as a sentence."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model
from django.utils import timezone
from social_django.models import UserSocialAuth

from coursecerts.courses.models import CourseAccessRole, CourseRoles
from coursecerts.learners.models import LearnerProfile
from coursecerts.learners.services import learner_upsert
from tests.chromium import chromium
from tests.console.browser import PHONE, scrolls_sideways, serious_violations, tab_to
from tests.factories import CourseRunFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "provider password 1"
USERS = [  # the provider's people; coursecerts knows carol and erin already (learners imported from the LMS)
    {"username": "carol", "email": "carol@example.com", "first_name": "Carol", "password": PASSWORD},
    {"username": "dave", "email": "dave@example.com", "first_name": "Dave", "password": PASSWORD},
    # erin is staff at the LMS: the JWT says administrator, which gives her nothing in coursecerts
    {
        "username": "erin",
        "email": "erin@example.com",
        "first_name": "Erin",
        "password": PASSWORD,
        "is_staff": True,
    },
]
RUN = "course-v1:edX+Physics+2026"


@pytest.fixture(scope="module")
def provider(live_server, tmp_path_factory):
    """The identity provider's base URL; its clients are coursecerts as an OIDC client and as the LMS's."""
    folder = tmp_path_factory.mktemp("oidc-provider")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    setup = {
        "users": USERS,
        "clients": [
            {
                "name": "coursecerts (OIDC)",
                "client_id": "coursecerts-oidc",
                "client_secret": "oidc-secret",
                "redirect_uri": f"{live_server.url}/accounts/complete/oidc/",
            },
            {
                "name": "coursecerts (LMS SSO)",
                "client_id": "coursecerts-sso",
                "client_secret": "sso-secret",
                "redirect_uri": f"{live_server.url}/accounts/complete/edx-oauth2/",
            },
        ],
    }
    env = {
        **os.environ,
        "OIDC_PROVIDER_DB": str(folder / "provider.sqlite3"),
        "OIDC_PROVIDER_KEY": str(folder / "key.pem"),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.accounts.oidc_provider.serve", json.dumps(setup)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        assert line.startswith("listening on "), f"the provider did not start: {line!r}"
        yield f"http://127.0.0.1:{int(line.split()[-1])}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def sso(settings, provider):
    """coursecerts configured for both providers, as an operator would through the environment."""
    settings.SOCIAL_AUTH_OIDC_OIDC_ENDPOINT = f"{provider}/o"
    settings.SOCIAL_AUTH_OIDC_KEY = "coursecerts-oidc"
    settings.SOCIAL_AUTH_OIDC_SECRET = "oidc-secret"
    settings.SOCIAL_AUTH_OIDC_PROVIDER_NAME = "Test IdP"
    settings.SOCIAL_AUTH_EDX_OAUTH2_KEY = "coursecerts-sso"
    settings.SOCIAL_AUTH_EDX_OAUTH2_SECRET = "sso-secret"
    settings.SOCIAL_AUTH_EDX_OAUTH2_URL_ROOT = provider
    settings.SOCIAL_AUTH_EDX_OAUTH2_LOGOUT_URL = f"{provider}/logout"
    settings.SOCIAL_AUTH_REDIRECT_IS_HTTPS = False
    return provider


@pytest.fixture
def team(db):
    """carol is course staff of the run and erin its instructor: learners imported from the LMS, no password."""
    run = CourseRunFactory(id=RUN, display_name="Physics")
    for username, role in (("carol", CourseRoles.STAFF), ("erin", CourseRoles.INSTRUCTOR)):
        user, _ = learner_upsert(username=username, email=f"{username}@example.com", name=username.title())
        CourseAccessRole.objects.create(user=user, course=run, role=role)
    return run


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture
def page(browser):
    """A fresh browser; the test fails if a page broke its Content-Security-Policy (a blocked redirect too)."""
    context = browser.new_context(locale="en-US")
    violations = []
    context.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    yield context.new_page()
    context.close()
    assert violations == []


def closed_port() -> int:
    """A loopback port nothing listens on: the provider is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def sign_in_at_provider(page, username, *, consent=True):
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("text=Log in at the provider")
    page.wait_for_selector("#authorizationForm")
    page.click("input[name=allow]" if consent else "input[value=Cancel]")


def test_oidc_signs_in_the_user_with_the_lms_username_and_their_course_role_applies(
    page, live_server, sso, team
):
    page.goto(f"{live_server.url}/accounts/login/")
    page.click("text=Sign in with Test IdP")
    sign_in_at_provider(page, "carol")

    page.wait_for_url(f"{live_server.url}/console/")
    assert RUN in page.content()  # the console lists the run carol is course staff of
    carol = get_user_model().objects.get(username="carol")
    identity = UserSocialAuth.objects.get(provider="oidc")
    assert (
        identity.user == carol and identity.uid != "carol"
    )  # the provider's subject, linked to the LMS username
    assert get_user_model().objects.filter(username__startswith="carol").count() == 1
    page.goto(f"{live_server.url}/accounts/profile/")
    assert "Signed in as carol" in page.content() and "Staff" in page.content()


def test_oidc_creates_a_user_without_rights_for_someone_coursecerts_does_not_know(
    page, live_server, sso, team
):
    page.goto(f"{live_server.url}/accounts/login/?next=/accounts/profile/")
    page.click("text=Sign in with Test IdP")
    sign_in_at_provider(page, "dave")

    page.wait_for_url(f"{live_server.url}/accounts/profile/")
    assert "You have no role in any course run yet" in page.content()
    dave = get_user_model().objects.get(username="dave")
    assert dave.email == "dave@example.com"
    assert (dave.is_staff, dave.is_superuser, dave.has_usable_password()) == (False, False, False)
    assert page.goto(f"{live_server.url}/console/").status == 200
    assert RUN not in page.content()


def test_sign_in_with_open_edx_matches_the_lms_username(page, live_server, sso, team):
    """edx-auth-backends' EdXOAuth2 against the provider's /oauth2/ endpoints, whose access token is a JWT with the
    LMS's claims (as edx-platform issues with token_type=jwt)."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.click("text=Sign in with Open edX")
    sign_in_at_provider(page, "erin")

    page.wait_for_url(f"{live_server.url}/console/")
    assert RUN in page.content()
    identity = UserSocialAuth.objects.get(provider="edx-oauth2")
    assert identity.uid == "erin" and identity.user.username == "erin"
    assert identity.extra_data["user_id"]  # the LMS's user id, as Open edX services keep it
    assert identity.user.is_staff is False  # global staff is coursecerts' to give (ADR 0022)
    page.click("text=Sign out")
    page.wait_for_url(f"{sso}/logout")  # on to the LMS's logout (SOCIAL_AUTH_EDX_OAUTH2_LOGOUT_URL)


def test_denied_consent_says_so_on_the_login_page(page, live_server, sso, team):
    page.goto(f"{live_server.url}/accounts/login/")
    page.click("text=Sign in with Test IdP")
    sign_in_at_provider(page, "carol", consent=False)

    page.wait_for_url(f"{live_server.url}/accounts/login/")
    assert "Signing in with Test IdP was cancelled" in page.inner_text("[role=alert]")
    assert not UserSocialAuth.objects.exists()


def test_an_answer_for_another_sign_in_says_so_on_the_login_page(page, live_server, sso, team):
    """A state that is not the one this browser's sign-in sent (a forged or replayed callback)."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.click("text=Sign in with Test IdP")
    page.wait_for_selector("input[name=username]")  # at the provider, the sign-in started
    page.goto(f"{live_server.url}/accounts/complete/oidc/?code=stolen&state=not-the-state")

    assert page.url == f"{live_server.url}/accounts/login/"
    assert "did not match a sign-in started here" in page.inner_text("[role=alert]")
    assert not UserSocialAuth.objects.exists()


def test_a_provider_that_does_not_answer_says_so_on_the_login_page(page, live_server, sso, settings):
    settings.SOCIAL_AUTH_OIDC_OIDC_ENDPOINT = f"http://127.0.0.1:{closed_port()}/o"
    page.goto(f"{live_server.url}/accounts/login/")
    page.click("text=Sign in with Test IdP")

    page.wait_for_url(f"{live_server.url}/accounts/login/")
    assert "Test IdP could not be reached" in page.inner_text("[role=alert]")


def test_the_login_page_is_accessible_works_with_the_keyboard_alone_and_fits_a_phone(page, live_server, sso):
    olga = UserFactory(username="olga", is_staff=True)
    olga.set_password(PASSWORD)
    olga.save()
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    assert serious_violations(page) == []
    assert not scrolls_sideways(page)

    tab_to(page, "input[name=username]")
    page.keyboard.type("olga")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/console/")


def test_a_failed_sign_in_s_message_is_accessible(page, live_server, sso, settings):
    settings.SOCIAL_AUTH_OIDC_OIDC_ENDPOINT = f"http://127.0.0.1:{closed_port()}/o"
    page.goto(f"{live_server.url}/accounts/login/")
    page.click("text=Sign in with Test IdP")
    page.wait_for_selector("[role=alert]")
    assert serious_violations(page) == []


def test_a_retired_learner_is_refused_with_the_reason_on_the_login_page(page, live_server, sso, team):
    LearnerProfile.objects.filter(user__username="carol").update(retired_at=timezone.now())
    page.goto(f"{live_server.url}/accounts/login/")
    page.click("text=Sign in with Test IdP")
    sign_in_at_provider(page, "carol")

    page.wait_for_url(f"{live_server.url}/accounts/login/")
    assert "Signing in with Test IdP did not work: This account has been retired." in page.inner_text(
        "[role=alert]"
    )
    assert not UserSocialAuth.objects.exists()
    assert page.goto(f"{live_server.url}/accounts/profile/").url.startswith(
        f"{live_server.url}/accounts/login/"
    )
