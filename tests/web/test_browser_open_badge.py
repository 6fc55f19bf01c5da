"""The certificate page's Open Badge block and the credential verification page in a real browser (Chromium via
Playwright, with test_browser's fixtures: any Content-Security-Policy violation fails the test): the download
saves the signed credential, the QR code a wallet scans holds the credential's URL, the block fits a phone and
does not print; on /credentials/verify a pasted credential reads "Valid credential", a tampered upload fails."""

import copy
import datetime as dt
import json
from io import BytesIO
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from tests.web import test_browser
from tests.web.pdfs import pdf_text

# test_browser's fixtures: its Chromium, a context that fails on a CSP violation, a certificate on the live server.
browser, context, shown = test_browser.browser, test_browser.context, test_browser.shown
PHONE = test_browser.PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_open_badge_block_downloads_the_credential_and_shows_its_qr_code(context, shown):
    certificate, url = shown
    credential_url = f"{url}/credential.json"
    page = context.new_page()
    page.goto(url)
    assert page.locator("#download-badge").is_visible()
    with page.expect_download() as started:
        page.click("#download-badge")
    download = started.value
    assert download.suggested_filename == "credential.json"
    credential = json.loads(Path(download.path()).read_text())
    assert credential["credentialSubject"]["name"] == "Jane Doe"
    assert "OpenBadgeCredential" in credential["type"]
    block = page.locator("#open-badge")
    block.scroll_into_view_if_needed()
    assert block.is_visible()
    assert page.locator("#credential-url").inner_text() == credential_url
    qr = Image.open(BytesIO(page.locator("#wallet-qr").screenshot()))
    assert [result.text for result in zxingcpp.read_barcodes(qr)] == [credential_url]


def test_on_a_phone_the_open_badge_block_fits(context, shown):
    _, url = shown
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto(url)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for selector in (
        "#download-badge",
        "#open-badge",
        "#wallet-qr",
        "#credential-url",
        "#download-badge-file",
    ):
        box = page.locator(selector).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], selector
    assert page.locator("#download-badge").evaluate("el => el.scrollWidth <= el.clientWidth")
    qr = page.locator("#wallet-qr svg").bounding_box()
    assert qr["width"] >= 120  # large enough for a phone camera to read off another screen
    text = page.locator("#open-badge p").first.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert text >= 12


def test_the_open_badge_block_does_not_print(context, shown, tmp_path):
    _, url = shown
    page = context.new_page()
    page.goto(url)
    text = pdf_text(page.pdf(format="A4", landscape=True, print_background=True), tmp_path)
    assert "Jane Doe" in text
    assert "Add to a wallet" not in text and "Download Open Badge" not in text


def test_a_pasted_credential_verifies_on_the_verify_page(context, shown, live_server):
    certificate, url = shown
    page = context.new_page()
    credential = page.request.get(f"{url}/credential.json").json()
    page.goto(f"{live_server.url}/")
    page.click("#credential-verify-link a")
    assert page.url == f"{live_server.url}/credentials/verify"
    page.fill("#credential-input", json.dumps(credential, ensure_ascii=False))
    page.click("#credential-submit")
    page.wait_for_selector("#verdict")
    assert page.locator("#verdict-heading").inner_text().strip().endswith("Valid credential")
    assert page.locator("#credential-status").inner_text() == "valid"
    assert page.locator("#fact-name").inner_text() == "Jane Doe"
    assert page.locator("#fact-course").inner_text() == "Data Science 101"
    assert page.locator("#fact-organization").inner_text() == "Open Learning Institute"
    # The fixture's date override is written directly, not through the service, so the credential keeps the
    # issue date (test_same_facts checks an override made through the service).
    issued = dt.datetime.fromisoformat(credential["validFrom"])
    assert page.locator("#fact-date").inner_text() == f"{issued:%B} {issued.day}, {issued.year}"


def test_an_uploaded_tampered_credential_fails_on_the_verify_page(context, shown, live_server, tmp_path):
    _, url = shown
    page = context.new_page()
    tampered = copy.deepcopy(page.request.get(f"{url}/credential.json").json())
    tampered["credentialSubject"]["name"] = "Mallory"
    path = tmp_path / "credential.json"
    path.write_text(json.dumps(tampered))
    page.goto(f"{live_server.url}/credentials/verify")
    page.set_input_files("#credential-file", str(path))
    page.click("#credential-submit")
    page.wait_for_selector("#verdict")
    assert page.locator("#verdict-heading").inner_text() == "This credential did not verify"
    assert page.locator("#check-signature").get_attribute("data-passed") == "false"
    assert page.locator("#check-signature .check-reason").is_visible()
