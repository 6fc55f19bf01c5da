"""`/`, the landing page, and certificate URLs as people type them (README "Web certificates"): what the service
is, a form that verifies a certificate by its id or URL, links for staff; case, dashes and a trailing slash are
redirected to the canonical URL, and any other URL under /certificates/ is the styled 404 page."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_landing_page_says_what_the_service_is_and_links_staff(client):
    response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Verify a certificate" in body
    assert "issues certificates to the learners who complete its courses" in body
    assert 'action="/certificates/"' in body and 'name="id"' in body
    assert 'id="admin-link" href="/admin/"' in body
    assert 'id="api-docs-link" href="/api/docs/"' in body
    assert "certificates/web/certificate.css" in body  # styled as the certificate page


def test_the_landing_page_names_the_platform_an_operator_set(client, settings):
    settings.PLATFORM_NAME = "Campus X"
    body = client.get("/").content.decode()
    assert "Campus X issues certificates" in body and "<title>Verify a certificate | Campus X</title>" in body


def test_the_landing_page_has_no_inline_script_or_style(client):
    body = client.get("/").content.decode()
    assert "<style" not in body and "style=" not in body
    assert "<script>" not in body and "onclick" not in body


def test_the_landing_page_is_in_arabic(client):
    body = client.get("/", {"lang": "ar"}, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert 'dir="rtl"' in body and "التحقق من شهادة" in body


@pytest.mark.parametrize(
    "given",
    [
        "0123456789abcdef0123456789abcdef",
        " 0123456789ABCDEF0123456789ABCDEF ",
        "01234567-89ab-cdef-0123-456789abcdef",
        "{01234567-89AB-CDEF-0123-456789ABCDEF}",
        "https://certificates.example.org/certificates/0123456789abcdef0123456789abcdef",
        "https://certificates.example.org/certificates/0123456789abcdef0123456789abcdef/pdf?lang=ar",
    ],
)
def test_the_form_goes_to_the_certificate_page(client, given):
    response = client.get("/certificates/", {"id": given})
    assert response.status_code == 302
    assert response["Location"] == "/certificates/0123456789abcdef0123456789abcdef"


def test_the_form_says_when_what_was_typed_is_not_an_id(client):
    response = client.get("/certificates/", {"id": "not-a-certificate"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "This is not a certificate ID" in body and 'value="not-a-certificate"' in body


def test_the_form_sent_empty_goes_back_to_the_landing_page(client):
    response = client.get("/certificates/", {"id": " "})
    assert (response.status_code, response["Location"]) == (302, "/")


CANONICAL = "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize(
    ("path", "target"),
    [
        (f"/certificates/{CANONICAL.upper()}", f"/certificates/{CANONICAL}"),
        ("/certificates/01234567-89ab-cdef-0123-456789abcdef", f"/certificates/{CANONICAL}"),
        (f"/certificates/{CANONICAL}/", f"/certificates/{CANONICAL}"),
        (f"/certificates/{CANONICAL.upper()}/", f"/certificates/{CANONICAL}"),
        (f"/certificates/{CANONICAL}/pdf/", f"/certificates/{CANONICAL}/pdf"),
        ("/certificates/01234567-89AB-CDEF-0123-456789ABCDEF/pdf", f"/certificates/{CANONICAL}/pdf"),
        (f"/certificates/{CANONICAL.upper()}.pdf", f"/certificates/{CANONICAL}.pdf"),
        (f"/certificates/{CANONICAL.upper()}?lang=ar", f"/certificates/{CANONICAL}?lang=ar"),
    ],
)
def test_certificate_urls_as_typed_redirect_permanently_to_the_canonical_url(client, path, target):
    response = client.get(path)
    assert (response.status_code, response["Location"]) == (301, target)


def test_the_redirect_reaches_the_certificate(client, certificate):
    response = client.get(f"/certificates/{certificate.verify_uuid.upper()}/", follow=True)
    assert response.redirect_chain == [(f"/certificates/{certificate.verify_uuid}", 301)]
    assert response.status_code == 200 and b"Jane Doe" in response.content


@pytest.mark.parametrize(
    "path",
    ["/certificates/not-a-uuid", "/certificates/not-a-uuid/", "/certificates/abc/pdf", "/certificates/a/b/c"],
)
def test_other_certificate_urls_get_the_styled_404_page(client, path):
    response = client.get(path)
    body = response.content.decode()
    assert response.status_code == 404
    assert "Cannot Find Certificate" in body and "certificates/web/certificate.css" in body
    assert 'id="home-link" href="/"' in body
