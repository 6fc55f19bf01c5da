"""Sharing looks right: the certificate page has Open Graph and Twitter card tags whose image URL answers the
certificate's preview (a PNG drawn once from the PDF and stored beside it), a favicon, and share links for
LinkedIn (profile and feed post), X and email; no inline script (the page's CSP) and the page cache still
serves it."""

from __future__ import annotations

import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from PIL import Image

from coursecerts.certificates.services import certificate_generate, certificate_invalidate
from coursecerts.certificates.services.pdf import pdf_storage, stored_pdf_names
from tests.factories import CertificateConfigurationFactory, learner_in_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def cert(course):
    CertificateConfigurationFactory(course=course)
    user = learner_in_course(course, username="ada")
    return certificate_generate(user=user, course_run=course, mode="verified", grade="0.85", source="t")


def meta(html: str, key: str) -> str:
    match = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">', html)
    assert match, f"no {key} tag"
    return match.group(1)


def test_the_page_has_open_graph_and_twitter_tags_with_an_image_that_answers_a_png(client, cert):
    html = client.get(f"/certificates/{cert.verify_uuid}").content.decode()
    page_url = f"{settings.SITE_URL}/certificates/{cert.verify_uuid}"

    assert meta(html, "og:url") == page_url
    assert cert.name in meta(html, "og:title")
    assert meta(html, "og:image") == f"{page_url}/preview.png"
    assert meta(html, "twitter:card") == "summary_large_image"
    assert meta(html, "twitter:image") == f"{page_url}/preview.png"

    # The credential the PDF carries is signed on its first read; on PostgreSQL the stored copy reads back with its
    # keys in jsonb's order, so the first PDF's name differs from every later one (credentials.attachment): read it
    # once first, so that "drawn once" is about the preview alone.
    client.get(f"/certificates/{cert.verify_uuid}/credential.json")
    image = client.get(path := urlsplit(meta(html, "og:image")).path)
    assert (image.status_code, image["Content-Type"]) == (200, "image/png")
    png = Image.open(io.BytesIO(b"".join(image.streaming_content)))
    assert png.format == "PNG" and png.size[0] == 1200 and png.size[1] > 600
    names = stored_pdf_names(cert.verify_uuid)
    assert [name.rsplit(".", 1)[1] for name in names] == ["pdf", "png"]  # stored beside the PDF
    assert client.get(path).status_code == 200 and stored_pdf_names(cert.verify_uuid) == names  # drawn once


def test_the_page_has_a_favicon_and_share_links_and_no_inline_script(client, cert):
    answer = client.get(f"/certificates/{cert.verify_uuid}")
    html = answer.content.decode()
    page_url = f"{settings.SITE_URL}/certificates/{cert.verify_uuid}"

    assert re.search(r'<link rel="icon" href="[^"]+favicon\.svg"', html)
    post = re.search(r'id="share-linkedin" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(post).query) == {"url": [page_url]}
    x = re.search(r'id="share-x" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(x).query)["url"] == [page_url]
    email = re.search(r'id="share-email" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert email.startswith("mailto:?subject=") and "%20" in email
    assert 'id="add-to-linkedin" href="https://www.linkedin.com/profile/add?' in html
    assert "<script>" not in html and not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "'unsafe-inline'" not in answer["Content-Security-Policy"].split("script-src", 1)[1].split(";")[0]

    again = client.get(f"/certificates/{cert.verify_uuid}")  # the page cache's copy keeps them
    assert 'property="og:image"' in again.content.decode()


def test_a_revoked_certificate_has_no_preview_and_its_image_is_deleted(client, cert, captured_on_commit):
    assert client.get(f"/certificates/{cert.verify_uuid}/preview.png").status_code == 200
    with captured_on_commit(execute=True):
        certificate_invalidate(certificate=cert, source="t", actor=None)

    assert client.get(f"/certificates/{cert.verify_uuid}/preview.png").status_code == 410
    assert stored_pdf_names(cert.verify_uuid) == []
    assert client.get("/certificates/" + "0" * 32 + "/preview.png").status_code == 404
    assert not any(name.endswith(".png") for name in pdf_storage().listdir("certificates/pdf")[1])
