"""The certificate page offers its Open Badges credential (a download, and a QR code and link a wallet adds it
from), only when the certificate has or can get one; the preview and a certificate whose name cannot be signed
offer none; operators' templates get the same values."""

import json

import pytest

from coursecerts.certificates.services import certificate_invalidate
from coursecerts.credentials.models import OpenBadgeCredential
from tests.web.conftest import issue
from tests.web.html import Page

pytestmark = pytest.mark.django_db


def test_the_page_offers_the_download_and_the_wallet_block(client, certificate):
    html = Page(client.get(f"/certificates/{certificate.verify_uuid}"))
    credential_url = f"http://testserver/certificates/{certificate.verify_uuid}/credential.json"
    button = html.one("#download-badge")
    assert button.text_content().strip() == "Download Open Badge"
    assert button.get("href") == f"/certificates/{certificate.verify_uuid}/credential.json?download=1"
    assert html.one("#credential-url").get("href") == credential_url
    assert html.text("#credential-url") == credential_url
    assert "Add to a wallet" in html.text("#open-badge")
    assert html.one("#wallet-qr svg path") is not None
    assert html.one("#verify-badge-link").get("href") == "/credentials/verify"
    # What the links give: the signed credential of this certificate, saved as a file on ?download=1.
    download = client.get(button.get("href"))
    assert download["Content-Disposition"] == 'attachment; filename="credential.json"'
    assert json.loads(download.content)["credentialSubject"]["name"] == "Jane Doe"


def test_the_qr_code_encodes_the_credential_url(client, certificate, tmp_path):
    """Decoded from the page's SVG as a wallet's camera would read it (rasterised, then zxing)."""
    from PIL import Image, ImageDraw

    from tests.web.pdfs import qr_texts

    html = Page(client.get(f"/certificates/{certificate.verify_uuid}"))
    svg = html.one("#wallet-qr svg")
    size = int(svg.get("width"))
    scale = 4
    image = Image.new("L", ((size + 32) * scale, (size + 32) * scale), 255)
    draw = ImageDraw.Draw(image)
    for run in html.one("#wallet-qr svg path").get("d").split("z"):
        if not run:
            continue
        # Each run is "M{x} {y}h{w}v{h}h-{w}": a rectangle.
        start, rest = run[1:].split("h", 1)
        x, y = (int(v) for v in start.split())
        width = int(rest.split("v")[0])
        height = int(rest.split("v")[1].split("h")[0])
        box = [
            (x + 16) * scale,
            (y + 16) * scale,
            (x + 16 + width) * scale - 1,
            (y + 16 + height) * scale - 1,
        ]
        draw.rectangle(box, fill=0)
    image.save(tmp_path / "qr.png")
    assert qr_texts(tmp_path / "qr.png") == [
        f"http://testserver/certificates/{certificate.verify_uuid}/credential.json"
    ]


def test_no_offer_for_a_certificate_whose_name_cannot_be_signed(client, course_run):
    """A name with a control character gets no credential (credentials.issuance): the page offers none rather
    than a link that answers 404."""
    certificate = issue(course_run, name="Jane\u0007Doe")
    response = client.get(f"/certificates/{certificate.verify_uuid}")
    assert response.status_code == 200
    html = Page(response)
    assert html.one("#download-badge") is None and html.one("#open-badge") is None
    assert client.get(f"/certificates/{certificate.verify_uuid}/credential.json").status_code == 404


def test_an_old_certificate_without_a_credential_yet_is_offered_one(client, certificate):
    """A certificate issued before credentials existed can get one: offered, and issued when fetched."""
    OpenBadgeCredential.objects.filter(certificate=certificate).delete()
    html = Page(client.get(f"/certificates/{certificate.verify_uuid}"))
    assert html.one("#download-badge") is not None
    assert not OpenBadgeCredential.objects.filter(certificate=certificate).exists()  # the page issues nothing
    assert client.get(html.one("#credential-url").get("href")).status_code == 200


def test_the_preview_offers_no_credential(admin_client, course_run):
    html = Page(admin_client.get(f"/certificates/course/{course_run.id}?preview=verified"))
    assert html.one("#certificate-title") is not None
    assert html.one("#open-badge") is None and html.one("#download-badge") is None


def test_a_withdrawn_certificate_offers_nothing(client, certificate, staff):
    client.get(f"/certificates/{certificate.verify_uuid}")  # cached first
    certificate_invalidate(certificate=certificate, source="test", actor=staff)
    response = client.get(f"/certificates/{certificate.verify_uuid}")
    assert response.status_code == 410
    assert "credential.json" not in response.content.decode()


def test_the_arabic_page_offers_it_in_arabic(client, certificate):
    html = Page(client.get(f"/certificates/{certificate.verify_uuid}?lang=ar"))
    assert html.text("#download-badge") == "تنزيل شارة Open Badge"
    assert html.text("#open-badge h3") == "أضفها إلى محفظة رقمية"


def test_operator_templates_get_the_credential_values(certificate):
    from coursecerts.certificates.rendering.selectors import certificate_render_context
    from coursecerts.certificates.web.credential_views import with_credential_offer

    context = with_credential_offer(certificate_render_context(certificate, language="en"), certificate)
    values = context.as_template_context()
    assert values["credential_url"].endswith(f"/certificates/{certificate.verify_uuid}/credential.json")
    assert values["credential_download_url"].endswith("credential.json?download=1")
    assert str(values["credential_qr_code"]).startswith("<svg")
    # The PDF's stored name does not depend on them (the offer is the page's, not the printed sheet's).
    assert context.fingerprint() == certificate_render_context(certificate, language="en").fingerprint()
