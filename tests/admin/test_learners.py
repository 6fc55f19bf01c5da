"""Learners are found by username, email or name, and their profile is edited with the user."""

from django.contrib.auth import get_user_model

from coursecerts.learners.models import LearnerProfile
from tests.admin.helpers import admin_url
from tests.factories import UserFactory


def found(client, term):
    response = client.get(admin_url(LearnerProfile), {"q": term})
    return {profile.user.username for profile in response.context["cl"].result_list}


def test_learners_are_found_by_username_email_and_name(staff_client):
    UserFactory(username="jane", email="jd@uni.example", profile__name="Jane Doe")
    UserFactory(username="kim", email="kim@example.com", profile__name="Kim Lee")
    assert found(staff_client, "jane") == {"jane"}
    assert found(staff_client, "uni.example") == {"jane"}
    assert found(staff_client, "lee") == {"kim"}


def test_the_user_page_edits_the_profile(staff_client):
    user = UserFactory(username="jane", profile__name="Jane Doe")
    page = staff_client.get(admin_url(get_user_model(), "change", user)).content.decode()
    assert 'name="profile-0-name"' in page and 'value="Jane Doe"' in page


def test_an_operator_adds_a_learner_with_a_name(staff_client):
    response = staff_client.post(
        admin_url(get_user_model(), "add"),
        {
            "username": "lena",
            "usable_password": "false",
            "profile-TOTAL_FORMS": "1",
            "profile-INITIAL_FORMS": "0",
            "profile-MIN_NUM_FORMS": "0",
            "profile-MAX_NUM_FORMS": "1",
            "profile-0-name": "Lena Ortiz",
        },
    )
    assert response.status_code == 302
    assert LearnerProfile.objects.get(user__username="lena").certificate_name == "Lena Ortiz"
