"""The certificate page and its PDF are rate-limited per client address (CERTIFICATE_PAGE_RATE), cached pages
included, with the API's rule for the address (NUM_PROXIES): a forged X-Forwarded-For changes nothing."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def page(client, certificate, **headers):
    return client.get(f"/certificates/{certificate.verify_uuid}", REMOTE_ADDR="203.0.113.7", **headers)


@override_settings(CERTIFICATE_PAGE_RATE="3/minute")
def test_the_page_answers_429_with_retry_after_beyond_the_rate(client, certificate):
    """The page is cached after the first visit: the limit still counts every visit."""
    assert [page(client, certificate).status_code for _ in range(3)] == [200, 200, 200]
    response = page(client, certificate)
    assert response.status_code == 429
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "Too many requests" in response.content.decode()
    assert "Jane Doe" not in response.content.decode()


@override_settings(CERTIFICATE_PAGE_RATE="3/minute")
def test_pages_and_pdfs_share_the_allowance(client, certificate):
    page(client, certificate)
    page(client, certificate)
    client.get(f"/certificates/{certificate.verify_uuid}.pdf", REMOTE_ADDR="203.0.113.7")
    pdf = client.get(f"/certificates/{certificate.verify_uuid}/pdf", REMOTE_ADDR="203.0.113.7")
    assert pdf.status_code == 429
    assert page(client, certificate).status_code == 429


@override_settings(CERTIFICATE_PAGE_RATE="3/minute")
def test_a_forged_forwarded_for_does_not_reset_the_limit(client, certificate):
    for _ in range(3):
        page(client, certificate)
    assert page(client, certificate, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429
    other = client.get(f"/certificates/{certificate.verify_uuid}", REMOTE_ADDR="203.0.113.8")
    assert other.status_code == 200


@override_settings(CERTIFICATE_PAGE_RATE="3/minute", NUM_PROXIES=1)
def test_behind_a_proxy_the_forwarded_client_counts(client, certificate):
    for forged in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
        assert page(client, certificate, HTTP_X_FORWARDED_FOR=f"{forged}, 192.0.2.5").status_code == 200
    assert page(client, certificate, HTTP_X_FORWARDED_FOR="192.0.2.5").status_code == 429
    assert page(client, certificate, HTTP_X_FORWARDED_FOR="192.0.2.6").status_code == 200


@override_settings(CERTIFICATE_PAGE_RATE="")
def test_an_empty_rate_turns_the_limit_off(client, certificate):
    assert {page(client, certificate).status_code for _ in range(100)} == {200}


def test_the_default_rate_lets_a_person_browse(client, certificate):
    assert {page(client, certificate).status_code for _ in range(30)} == {200}


@override_settings(CERTIFICATE_PAGE_RATE="1/minute")
def test_the_429_speaks_the_visitors_language(client, certificate):
    page(client, certificate)
    response = page(client, certificate, HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 429
    assert "طلبات كثيرة جدًا" in response.content.decode()
