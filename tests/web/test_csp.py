"""Certificate pages carry a Content-Security-Policy that forbids inline script, and contain none: their script and
style are static files. Pages drawn from operators' templates may use inline styles, never script."""

import pytest

from coursecerts.certificates.services.template_versions import (
    template_version_create,
    template_version_publish,
)
from tests.csp import inline_code, policy
from tests.factories import CertificateTemplateFactory, UserFactory
from tests.web.conftest import issue

pytestmark = pytest.mark.django_db


def assert_no_inline_script(sources):
    assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources
    assert "'self'" in sources


def test_the_page_has_a_policy_without_inline_script_and_no_inline_code(client, certificate):
    response = client.get(f"/certificates/{certificate.verify_uuid}")
    assert response.status_code == 200
    directives = policy(response)
    assert_no_inline_script(directives["script-src"])
    assert "'unsafe-inline'" not in directives["style-src"]
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]
    assert inline_code(response.content.decode()) == []
    body = response.content.decode()
    assert 'src="/static/certificates/web/certificate.js"' in body
    assert 'href="/static/certificates/web/certificate.css"' in body


def test_a_cached_page_has_the_same_policy(client, certificate):
    first = client.get(f"/certificates/{certificate.verify_uuid}")
    second = client.get(f"/certificates/{certificate.verify_uuid}")
    assert second.content == first.content
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_messages_have_the_policy_and_no_inline_code(client):
    response = client.get("/certificates/" + "0" * 32)
    assert response.status_code == 404
    assert_no_inline_script(policy(response)["script-src"])
    assert inline_code(response.content.decode()) == []


def test_the_copy_button_texts_are_translated_attributes(client, certificate):
    body = client.get(f"/certificates/{certificate.verify_uuid}", {"lang": "ar"}).content.decode()
    assert 'data-copied-text="تم نسخ الرابط"' in body


@pytest.fixture
def operator_certificate(course_run):
    template = CertificateTemplateFactory(
        organization=course_run.organization,
        course_key=None,
        mode="verified",
        template="<style>h1 { color: navy }</style><h1>{{ accomplishment_copy_name }}</h1>",
    )
    template_version_publish(version=template_version_create(template=template))
    return issue(course_run)


def test_an_operator_template_may_use_inline_styles_but_no_script(client, operator_certificate):
    """Not even a <script src> of a file served by coursecerts (an uploaded asset, say) runs."""
    assert operator_certificate.template_version is not None
    for _ in range(2):  # rendered, then from the page cache
        response = client.get(f"/certificates/{operator_certificate.verify_uuid}")
        assert response.status_code == 200 and "<style>" in response.content.decode()
        directives = policy(response)
        assert "'unsafe-inline'" in directives["style-src"]
        assert directives["script-src"] == ["'none'"]


def test_the_preview_of_an_operator_template_may_use_inline_styles(client, course_run, operator_certificate):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    response = client.get(f"/certificates/course/{course_run.id}", {"preview": "verified"})
    assert response.status_code == 200
    assert "'unsafe-inline'" in policy(response)["style-src"]
    assert policy(response)["script-src"] == ["'none'"]
