"""One award, three forms, the same facts: the name, the course title, the organisation and the date are the same
on the page (HTML), in the PDF (its text layer, pdftotext) and in the Open Badges credential (JSON, and as the
verification API reads it), for Latin, Arabic, Hebrew and Chinese names; and a change of what the certificate says
(a name correction, a date override) or a reissue with a new template gives a new credential, the old one then
answering "revoked"."""

import datetime as dt
import json
from io import BytesIO

import pytest
from pypdf import PdfReader

from coursecerts.certificates.services.date_override import date_override_set
from coursecerts.certificates.services.template_versions import (
    certificates_reissue_with_version,
    template_version_create,
    template_version_publish,
)
from tests.factories import CertificateTemplateFactory, UserFactory
from tests.web.conftest import ARABIC_NAME, CHINESE_NAME, HEBREW_NAME, issue
from tests.web.html import Page
from tests.web.pdfs import pdf_text

pytestmark = pytest.mark.django_db

BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"))


def printed_date(value: dt.datetime) -> str:
    return f"{value:%B} {value.day}, {value.year}"  # CERTIFICATE_DATE_FORMAT=long in English


def three_forms(client, certificate, tmp_path) -> dict:
    """What the page, the PDF and the credential say of the certificate."""
    uuid = certificate.verify_uuid
    page = Page(client.get(f"/certificates/{uuid}"))
    issued = page.text("#issued-date")
    assert issued.startswith("Issued ")
    pdf = b"".join(client.get(f"/certificates/{uuid}/pdf").streaming_content)
    credential = json.loads(client.get(f"/certificates/{uuid}/credential.json").content)
    verified = client.post("/api/v1/credentials/verify", credential, content_type="application/json").json()
    return {
        "page": {
            "name": page.text("#learner-name"),
            "course": page.text("#course-title"),
            "organization": page.text(".org-name"),
            "date": issued.removeprefix("Issued "),
        },
        "pdf_text": " ".join(pdf_text(pdf, tmp_path).translate(BIDI_CONTROLS).split()),
        "credential": credential,
        "verified": verified,
    }


def assert_same_facts(forms, *, name, course, organization, date):
    assert forms["page"] == {"name": name, "course": course, "organization": organization, "date": date}
    for fact in (name, course, organization, date):
        assert fact in forms["pdf_text"], fact
    credential = forms["credential"]
    assert credential["credentialSubject"]["name"] == name
    assert credential["credentialSubject"]["achievement"]["name"] == course
    assert credential["name"] == course
    assert credential["issuer"]["name"] == organization
    assert printed_date(dt.datetime.fromisoformat(credential["validFrom"])) == date
    verified = forms["verified"]
    assert verified["verified"] is True and verified["status"] == "valid"
    facts = verified["credential"]
    assert (facts["name"], facts["course"], facts["organization"]) == (name, course, organization)
    assert printed_date(dt.datetime.fromisoformat(facts["date"])) == date


@pytest.mark.parametrize("name", ["Jane Doe", ARABIC_NAME, HEBREW_NAME, CHINESE_NAME])
def test_the_page_the_pdf_and_the_credential_say_the_same(client, course_run, name, tmp_path):
    certificate = issue(course_run, name=name)
    assert_same_facts(
        three_forms(client, certificate, tmp_path),
        name=name,
        course="Data Science 101",
        organization="Open Learning Institute",
        date=printed_date(certificate.created_date),
    )


def status_of(client, credential) -> str:
    answer = client.post("/api/v1/credentials/verify", credential, content_type="application/json").json()
    return answer["status"]


def test_a_name_correction_gives_a_new_credential_and_revokes_the_old(client, course_run, tmp_path):
    certificate = issue(course_run, name="Jane Doe", username="jane")
    old = three_forms(client, certificate, tmp_path)["credential"]
    corrected = issue(course_run, name=ARABIC_NAME, username="jane")  # the profile's name, regenerated
    assert corrected.pk == certificate.pk and corrected.name == ARABIC_NAME
    forms = three_forms(client, corrected, tmp_path)
    assert forms["credential"]["id"] != old["id"]
    assert_same_facts(
        forms,
        name=ARABIC_NAME,
        course="Data Science 101",
        organization="Open Learning Institute",
        date=printed_date(certificate.created_date),
    )
    assert status_of(client, old) == "revoked"


def test_a_date_override_gives_a_new_credential_with_the_new_date(client, course_run, tmp_path):
    certificate = issue(course_run, name=HEBREW_NAME)
    old = three_forms(client, certificate, tmp_path)["credential"]
    date_override_set(
        certificate=certificate,
        date=dt.datetime(2026, 6, 15, tzinfo=dt.UTC),
        reason="the exam was on that day",
        actor=UserFactory(username="registrar"),
    )
    forms = three_forms(client, certificate, tmp_path)
    assert forms["credential"]["id"] != old["id"]
    assert_same_facts(
        forms,
        name=HEBREW_NAME,
        course="Data Science 101",
        organization="Open Learning Institute",
        date="June 15, 2026",
    )
    assert status_of(client, old) == "revoked"


def test_a_reissue_with_a_new_template_revokes_the_old_credential(client, course_run, tmp_path):
    template = CertificateTemplateFactory(
        organization=course_run.organization,
        course_key=None,
        mode="verified",
        template='<h1 id="t">First design</h1><p id="learner-name">{{ accomplishment_copy_name }}</p>',
    )
    template_version_publish(version=template_version_create(template=template))
    certificate = issue(course_run, name=CHINESE_NAME)
    old = json.loads(client.get(f"/certificates/{certificate.verify_uuid}/credential.json").content)
    v2 = template_version_publish(
        version=template_version_create(template=template, text='<h1 id="t">Second design</h1>')
    )
    assert certificates_reissue_with_version(version=v2, actor=UserFactory(username="ops")) == 1
    new = json.loads(client.get(f"/certificates/{certificate.verify_uuid}/credential.json").content)
    assert new["id"] != old["id"]
    assert new["credentialSubject"]["name"] == CHINESE_NAME
    assert status_of(client, old) == "revoked"
    assert status_of(client, new) == "valid"
    # The PDF carries the new credential, not the revoked one.
    pdf = b"".join(client.get(f"/certificates/{certificate.verify_uuid}/pdf").streaming_content)
    [attached] = dict(PdfReader(BytesIO(pdf)).attachments)["credential.json"]
    assert json.loads(attached)["id"] == new["id"]
