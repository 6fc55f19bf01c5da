"""The coursecerts step of the single sign-on pipeline (accounts/pipeline.py; ADR 0022): which coursecerts user an
identity the provider vouches for signs in as, and whom it refuses."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone, translation
from social_core.exceptions import AuthResponseError
from social_django.models import UserSocialAuth
from social_django.utils import load_backend, load_strategy

from coursecerts.accounts.pipeline import SignInRefused, match_user
from coursecerts.learners.models import LearnerProfile
from coursecerts.learners.services import learner_upsert
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def backend(rf):
    request = rf.get("/")
    request.session = SessionStore()
    with translation.override("en"):  # the refusals are translated: these tests read the English
        yield load_backend(load_strategy(request), "oidc", redirect_uri="/accounts/complete/oidc/")


def test_an_identity_signs_in_as_the_learner_with_its_username(backend):
    user, _ = learner_upsert(username="carol", email="carol@example.com")
    assert match_user(backend, {"username": "carol"}, uid="sub-1") == {"user": user, "is_new": False}


def test_an_unknown_username_is_left_for_create_user_unchanged(backend):
    assert match_user(backend, {"username": "new.person_1"}, uid="sub-1") == {"username": "new.person_1"}


def test_an_identity_without_a_username_claim_is_refused(backend):
    with pytest.raises(AuthResponseError) as raised:
        match_user(backend, {"email": "x@example.com"}, uid="sub-1")
    assert raised.value.claim == "preferred_username"


def test_a_username_coursecerts_cannot_hold_is_refused(backend):
    with pytest.raises(SignInRefused, match="cannot be a coursecerts username"):
        match_user(backend, {"username": "has space"}, uid="sub-1")


def test_a_username_linked_to_another_identity_of_the_provider_is_refused(backend):
    """The provider reused or renamed a username: the other person does not get the account."""
    user = UserFactory(username="carol")
    UserSocialAuth.objects.create(user=user, provider="oidc", uid="sub-original")
    with pytest.raises(SignInRefused, match="linked to another identity"):
        match_user(backend, {"username": "carol"}, uid="sub-impostor")


def test_a_retired_learner_cannot_sign_in(backend):
    user, _ = learner_upsert(username="carol")
    LearnerProfile.objects.filter(user=user).update(retired_at=timezone.now())
    with pytest.raises(SignInRefused, match="retired"):
        match_user(backend, {"username": "carol"}, uid="sub-1")
    with pytest.raises(SignInRefused, match="retired"):  # already linked: refused all the same
        match_user(backend, {"username": "carol"}, user=user, uid="sub-1")


def test_a_deactivated_account_cannot_sign_in(backend):
    learner_upsert(username="carol", is_active=False)
    with pytest.raises(SignInRefused, match="deactivated"):
        match_user(backend, {"username": "carol"}, uid="sub-1")
