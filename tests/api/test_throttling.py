"""Rate limits count per client address, and the address is REMOTE_ADDR unless NUM_PROXIES trusted proxies add
X-Forwarded-For: a client cannot pick its own address with a forged header."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def url(certificate):
    return f"/api/v1/certificates/{certificate.verify_uuid}"


@override_settings(API_THROTTLE_VERIFY="3/minute")
def test_a_forged_forwarded_for_does_not_reset_the_limit(anonymous, certificate):
    for _ in range(3):
        assert anonymous.get(url(certificate), REMOTE_ADDR="203.0.113.7").status_code == 200
    for forged in ("198.51.100.1", "198.51.100.2", "10.0.0.1, 198.51.100.3"):
        response = anonymous.get(url(certificate), REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=forged)
        assert response.status_code == 429, forged


@override_settings(API_THROTTLE_VERIFY="3/minute")
def test_other_addresses_have_their_own_allowance(anonymous, certificate):
    for _ in range(3):
        anonymous.get(url(certificate), REMOTE_ADDR="203.0.113.7")
    assert anonymous.get(url(certificate), REMOTE_ADDR="203.0.113.8").status_code == 200


@override_settings(API_THROTTLE_VERIFY="3/minute", NUM_PROXIES=1)
def test_behind_one_proxy_the_right_most_forwarded_address_counts(anonymous, certificate):
    """The proxy appends the address it saw; whatever the client wrote before it is ignored."""
    proxy = "10.0.0.2"
    for forged in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
        response = anonymous.get(
            url(certificate), REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.7"
        )
        assert response.status_code == 200
    response = anonymous.get(
        url(certificate), REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.7"
    )
    assert response.status_code == 429
    other = anonymous.get(url(certificate), REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert other.status_code == 200


@override_settings(API_THROTTLE_VERIFY="3/minute", NUM_PROXIES=2)
def test_behind_two_proxies_the_second_from_the_right_counts(anonymous, certificate):
    for _ in range(3):
        anonymous.get(url(certificate), REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.1")
    response = anonymous.get(
        url(certificate), REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7, 10.0.0.1"
    )
    assert response.status_code == 429
