"""Operators' templates run with only their context (ADR 0006): no settings, database or files; names escaped."""

import pytest
from django.template import Context

from coursecerts.certificates.rendering.engine import TemplateInvalid, compile_template
from tests.factories import CertificateTemplateAssetFactory

pytestmark = pytest.mark.django_db


def render(text, **context):
    return compile_template(text).render(Context(context, autoescape=True))


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{{ accomplishment_copy_name|safe }}", "the |safe filter is not available"),
        ("{{ names|safeseq }}", "the |safeseq filter is not available"),
        ("{% autoescape off %}{{ x }}{% endautoescape %}", "autoescape"),
        ("{% debug %}", "debug"),
        ("{% load static %}", "'static' is not a registered tag library"),
        ("{% load admin_urls %}", "'admin_urls' is not a registered tag library"),
        ('{% include "admin/base.html" %}', "include"),
        ('{% extends "admin/base.html" %}', "extends"),
        ("{% if %}", "Unexpected end of expression"),
    ],
)
def test_unsafe_or_broken_templates_do_not_compile(text, reason):
    with pytest.raises(TemplateInvalid) as caught:
        compile_template(text)
    assert reason in str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '<p>\n{% include "footer.html" %}',
            "line 2: the {% include %} tag is not available in certificate templates: a certificate template is "
            "one self-contained text and cannot read other files.",
        ),
        (
            '{% extends "base.html" %}',
            "line 1: the {% extends %} tag is not available in certificate templates: a certificate template is "
            "one self-contained text and cannot read other files.",
        ),
        (
            "{% debug %}",
            "line 1: the {% debug %} tag is not available in certificate templates: it would print the whole "
            "context and the loaded modules.",
        ),
        (
            "{{ name|safe }}",
            "the |safe filter is not available in certificate templates: every value, learner names above all, "
            "is always HTML-escaped.",
        ),
    ],
)
def test_a_tag_left_out_of_the_sandbox_is_refused_saying_so_and_why(text, message):
    """Not Django's "Did you forget to register or load this tag?": the operator learns the tag does not exist
    here on purpose."""
    with pytest.raises(TemplateInvalid) as caught:
        compile_template(text)
    assert str(caught.value) == f"The template does not compile: {message}"
    assert "forget to register" not in str(caught.value)


def test_an_unknown_tag_keeps_django_s_message():
    with pytest.raises(TemplateInvalid, match="Invalid block tag on line 1: 'frobnicate'"):
        compile_template("{% frobnicate %}")


def test_names_are_always_escaped():
    assert render("{{ n }}|{{ n|upper }}|{{ n|first }}", n="<b>&") == "&lt;b&gt;&amp;|&lt;B&gt;&amp;|&lt;"


def test_settings_are_out_of_reach():
    assert render("{{ settings.SECRET_KEY }}{{ request.META }}{{ user.password }}") == ""


def test_the_certificate_library_gives_asset_urls_and_the_qr_code(settings, media):
    from django.core.files.base import ContentFile

    asset = CertificateTemplateAssetFactory(asset_slug="seal")
    asset.asset.save("seal.png", ContentFile(b"png"))
    out = render(
        '{% load certificate %}[{% certificate_asset_url "seal" %}][{% certificate_asset_url "nope" %}]'
    )
    assert out == f"[/media/certificate_template_assets/{asset.pk}/seal.png][]"


def test_i18n_is_available():
    assert render('{% load i18n %}{% translate "Certificate ID" %}') == "Certificate ID"
