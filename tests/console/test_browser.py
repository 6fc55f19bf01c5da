"""The console in a real browser (Debian's Chromium through Playwright, against Django's live server): the main
flow with the keyboard only, the live progress bar across a reload, a learner lookup and the downloads, a course
staff member who only reads, a person with no role, and on every page: no serious or critical axe-core
violation, no sideways scrolling on a 390 px phone, and Arabic mirrored right to left. One browser for the
module; every test fails if a page broke the Content-Security-Policy."""

import os
from pathlib import Path

import pytest
from PIL import Image

from coursecerts.certificates.models import CertificateGenerationJob, GeneratedCertificate, JobStates
from tests.chromium import chromium
from tests.console.browser import PHONE, scrolls_sideways, serious_violations, sign_in, tab_to
from tests.factories import AllowlistFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1200, "height": 850}


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture
def open_as(browser, live_server, settings):
    """open_as(user, viewport=..., locale=...) -> a signed-in page on the live server."""
    settings.SITE_URL = live_server.url
    contexts, refused = [], []

    def open_page(user, *, viewport=DESKTOP, locale="en-US"):
        context = browser.new_context(viewport=viewport, locale=locale, accept_downloads=True)
        context.on("console", lambda m: "Content Security Policy" in m.text and refused.append(m.text))
        sign_in(context, user, live_server.url)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert refused == []


def test_an_instructor_generates_with_the_keyboard_only(open_as, live_server, run, instructor, learners):
    page = open_as(instructor)
    page.goto(f"{live_server.url}/console/")
    tab_to(page, f'a[href="/console/{run.id}/"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/console/{run.id}/")
    tab_to(page, 'nav a[href$="/generate"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/generate")
    tab_to(page, "#generate-dry-run")
    page.keyboard.press("Enter")
    page.wait_for_selector("#dry-run")
    assert page.locator('#dry-run [data-outcome="downloadable"]').inner_text() == "1"
    assert "Grade below the passing mark" in page.locator("#dry-run .reasons").inner_text()
    tab_to(page, "#generate-start")
    page.keyboard.press("Enter")
    page.wait_for_selector("#question")
    assert page.evaluate("document.activeElement.id") == "confirm"  # the confirmation takes the focus
    page.keyboard.press("Enter")
    page.wait_for_selector('#job-progress[data-state="succeeded"]')
    assert page.locator('#job-progress [data-outcome="downloadable"]').inner_text() == "1"
    assert GeneratedCertificate.objects.get(user=learners["bob"]).status == "downloadable"


def test_the_progress_bar_goes_on_live_across_a_reload(open_as, live_server, run, course_staff):
    job = CertificateGenerationJob.objects.create(
        course=run, scope="all", state=JobStates.RUNNING, total=10, done=3
    )
    page = open_as(course_staff)
    page.goto(f"{live_server.url}/console/{run.id}/jobs/{job.pk}/")
    assert page.locator("#job-progress progress").get_attribute("value") == "3"
    CertificateGenerationJob.objects.filter(pk=job.pk).update(done=7)
    page.reload()
    assert page.locator("#job-progress progress").get_attribute("value") == "7"
    CertificateGenerationJob.objects.filter(pk=job.pk).update(
        state=JobStates.SUCCEEDED,
        done=10,
        result={"outcomes": {"downloadable": 10}, "reasons": {}, "changed": 10},
    )
    page.wait_for_selector('#job-progress[data-state="succeeded"]', timeout=5_000)  # polled, not reloaded
    assert page.locator("#job-progress progress").get_attribute("value") == "10"


def test_course_staff_look_a_learner_up_and_download_the_reports_but_cannot_act(
    open_as, live_server, run, course_staff, learners
):
    page = open_as(course_staff)
    page.goto(f"{live_server.url}/console/{run.id}/learners")
    page.fill("#q", "ada")
    page.keyboard.press("Enter")
    page.wait_for_selector("#certificate-status")
    certificate = learners["ada"].certificates.get()
    assert (
        page.locator("#link-page").get_attribute("href")
        == f"{live_server.url}/certificates/{certificate.verify_uuid}"
    )
    assert page.locator("#link-pdf").get_attribute("href") == f"/certificates/{certificate.verify_uuid}/pdf"
    page.goto(f"{live_server.url}/console/{run.id}/")
    assert page.locator(".read-only").is_visible()
    with page.expect_download() as download:
        page.click("#report-csv")
    report = open(download.value.path()).read()
    assert report.splitlines()[0].startswith("username,email,mode")
    assert "ada," in report and "cy," in report
    for path, form in [
        ("generate", "#generate-form"),
        ("exceptions", "#allowlist-add"),
        ("configuration", "#configuration-form"),
    ]:
        page.goto(f"{live_server.url}/console/{run.id}/{path}")
        assert page.locator(form).count() == 0 and page.locator(".read-only").is_visible(), path
        assert page.locator("main form[method=post] button").count() == 0, path


def test_a_person_with_no_role_sees_nothing(open_as, live_server, run, nobody, learners):
    page = open_as(nobody)
    page.goto(f"{live_server.url}/console/")
    assert "You have no role in any course run" in page.locator("main").inner_text()
    assert page.locator("table").count() == 0
    assert page.goto(f"{live_server.url}/console/{run.id}/").status == 404
    assert page.goto(f"{live_server.url}/console/{run.id}/learners?q=ada").status == 404


def test_an_instructor_handles_exceptions_confirming_each_change(
    open_as, live_server, run, instructor, learners, tmp_path
):
    page = open_as(instructor)
    page.goto(f"{live_server.url}/console/{run.id}/exceptions")
    page.fill("#id_invalidation_add-learner", "ada")
    page.fill("#id_invalidation_add-notes", "plagiarism")
    page.click("#invalidation-add button")
    assert "Invalidate ada's certificate?" in page.locator("#question").inner_text()
    page.click("#confirm")
    page.wait_for_selector(".message.success")
    assert page.locator(".message.success").inner_text() == "ada's certificate is invalidated."
    assert "plagiarism" in page.locator("#invalidation-table").inner_text()
    assert GeneratedCertificate.objects.get(user=learners["ada"]).status == "unavailable"
    roster = tmp_path / "allowlist.csv"
    roster.write_text("cy,retake\nghost,x\n")
    page.set_input_files("#id_allowlist_csv-students_list", str(roster))
    page.click("#allowlist-csv button")
    page.wait_for_selector("#csv-result")
    assert 'user "cy" in row# 1' in page.locator("#csv-result .csv-success").inner_text()
    assert 'user "ghost" in row# 2' in page.locator("#csv-result").inner_text()
    assert "cy" in page.locator("#allowlist-table").inner_text()


def test_an_instructor_sets_the_certificate_up_and_previews_it(
    open_as, live_server, run, instructor, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    signature = tmp_path / "signature.png"
    Image.new("RGB", (240, 80), (27, 42, 65)).save(signature)
    page = open_as(instructor)
    page.goto(f"{live_server.url}/console/{run.id}/configuration")
    page.fill("#id_configuration-title", "Certificate in Data Science")
    page.check("#id_configuration-is_active")
    page.fill("#id_signatories-0-name", "Ada Lovelace")
    page.fill("#id_signatories-0-title", "Professor")
    page.set_input_files("#id_signatories-0-image", str(signature))
    page.click("#configuration-form button[type=submit]")
    page.wait_for_selector(".message.success")
    assert (
        page.locator("#signatory-0 .current-image img").evaluate("img => img.complete && img.naturalWidth")
        == 240
    )
    with page.context.expect_page() as preview:
        page.click('#preview a[data-mode="verified"]')
    preview = preview.value
    preview.wait_for_load_state()
    assert "Ada Lovelace" in preview.content() and "Certificate in Data Science" in preview.content()


def _pages(run, job):
    """(name, path) of every console page."""
    return [
        ("runs", "/console/"),
        ("run", f"/console/{run.id}/"),
        ("generate", f"/console/{run.id}/generate"),
        ("learner", f"/console/{run.id}/learners?q=ada"),
        ("exceptions", f"/console/{run.id}/exceptions"),
        ("configuration", f"/console/{run.id}/configuration"),
        ("job", f"/console/{run.id}/jobs/{job.pk}/"),
    ]


# CONSOLE_SCREENSHOTS=1 saves the README's screenshots (docs/screenshots/console-*.png) while this test runs.
SCREENSHOTS = (
    Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    if os.environ.get("CONSOLE_SCREENSHOTS")
    else None
)


def test_every_page_is_accessible_fits_a_phone_and_mirrors_in_arabic(
    open_as, live_server, run, global_staff, learners
):
    AllowlistFactory(user=learners["cy"], course=run, notes="retake")
    job = CertificateGenerationJob.objects.create(
        course=run, scope="all", state=JobStates.SUCCEEDED, total=2, done=2, requested_by=global_staff,
        result={"outcomes": {"downloadable": 1, "no_certificate": 1}, "reasons": {"not_passing": 1}, "changed": 1},
    )  # fmt: skip
    desktop, phone = open_as(global_staff), open_as(global_staff, viewport=PHONE)
    arabic = open_as(global_staff, locale="ar")
    for name, path in _pages(run, job):
        url = f"{live_server.url}{path}"
        assert desktop.goto(url).status == 200, path
        assert serious_violations(desktop) == [], path
        phone.goto(url)
        assert not scrolls_sideways(phone), path
        arabic.goto(url)
        assert arabic.locator("html").get_attribute("dir") == "rtl", path
        assert arabic.locator("html").get_attribute("lang") == "ar", path
        assert arabic.locator(".site-name").inner_text() == "لوحة فريق المقرر", path
        header = arabic.locator(".site-name").bounding_box()
        assert header["x"] > DESKTOP["width"] / 2, path  # the header starts on the right
        if SCREENSHOTS:
            desktop.screenshot(path=SCREENSHOTS / f"console-{name}.png", full_page=True)
    if SCREENSHOTS:
        arabic.goto(f"{live_server.url}/console/{run.id}/learners?q=cy")
        arabic.screenshot(path=SCREENSHOTS / "console-learner-ar.png", full_page=True)
        phone.goto(f"{live_server.url}/console/{run.id}/")
        phone.screenshot(path=SCREENSHOTS / "console-run-phone.png", full_page=True)
