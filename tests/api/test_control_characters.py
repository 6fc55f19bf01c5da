"""Names and titles hold no control characters and no bidirectional overrides or isolates: `Bob \u202egnp.exe\u202c
Smith` would print as "Bob exe.png Smith" on the certificate and in its file name, and a BEL broke the PDF.
Every write refuses them with a 400 naming the field, and nothing is written."""

import pytest
from django.contrib.auth import get_user_model

from coursecerts.certificates.models import CertificateConfiguration, Signatory
from coursecerts.courses.models import CourseRun, Organization
from coursecerts.learners.models import LearnerProfile
from tests.api.conftest import COURSE_KEY, assert_error

pytestmark = [pytest.mark.django_db, pytest.mark.hostile]

MESSAGE = "Control characters and bidirectional overrides (such as U+{:04X}) are not allowed."
HOSTILE = {
    "right-to-left override": "Bob \u202egnp.exe\u202c Smith",
    "left-to-right isolate": "Bob \u2066Smith\u2069",
    "bell": "Bob\x07 Smith",
    "tab": "Bob\tSmith",
    "newline": "Bob\nSmith",
    "escape": "Bob \x1b[31mSmith",
    "delete": "Bob\x7f Smith",
    "C1 control": "Bob\x85Smith",
}


def first_control(text: str) -> str:
    return next(c for c in text if c in "\u202e\u2066" or ord(c) < 32 or 0x7F <= ord(c) <= 0x9F)


def refused(response, field: str, text: str) -> dict:
    body = assert_error(response, 400, "invalid_input")
    assert body["errors"][field] == [MESSAGE.format(ord(first_control(text)))], body
    return body


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_learner_name_is_refused(staff_api, text):
    refused(staff_api.put("/api/v1/learners/bob", {"name": text}, format="json"), "name", text)
    assert not get_user_model().objects.filter(username="bob").exists()


@pytest.mark.parametrize(
    "name",
    ["فاطمة \u200fمحمد", "Jane 🎓 Doe", "José Ñúñez", "דוד כהן"],
    ids=["right-to-left mark", "emoji", "accents", "hebrew"],
)
def test_names_in_any_script_with_marks_and_emoji_are_accepted(staff_api, name):
    response = staff_api.put("/api/v1/learners/bob", {"name": name}, format="json")
    assert response.status_code == 201 and LearnerProfile.objects.get(user__username="bob").name == name


@pytest.mark.parametrize("field", ["display_name", "org"])
def test_a_course_display_name_or_organisation_is_refused(staff_api, field):
    body = {"display_name": "Physics", field: HOSTILE["right-to-left override"]}
    refused(
        staff_api.put(f"/api/v1/courses/{COURSE_KEY}", body, format="json"),
        field,
        HOSTILE["right-to-left override"],
    )
    assert not CourseRun.objects.exists() and not Organization.objects.exists()


def test_a_certificate_title_is_refused(staff_api, physics):
    url = f"/api/v1/courses/{COURSE_KEY}/certificate-configuration"
    refused(staff_api.put(url, {"title": "Cert\x07", "is_active": True}, format="json"), "title", "\x07")
    assert CertificateConfiguration.objects.get().title == "Certificate in Physics"


@pytest.mark.parametrize("field", ["name", "title", "organization"])
def test_a_signatory_field_is_refused_naming_the_signatory_and_field(staff_api, physics, field):
    url = f"/api/v1/courses/{COURSE_KEY}/certificate-configuration"
    signatories = [{"name": "Ada Lovelace"}, {"name": "Alan Turing", field: "Alan \u202eDean"}]
    response = staff_api.put(url, {"is_active": True, "signatories": signatories}, format="json")
    body = assert_error(response, 400, "invalid_input")
    assert body["errors"]["signatories"]["1"][field] == [MESSAGE.format(0x202E)], body
    assert not Signatory.objects.exists()


def test_an_import_row_is_refused_naming_row_and_field_and_nothing_is_written(staff_api, physics):
    text = "username,name,mode\namy,Amy Pond,verified\nbob,Bob \u202egnp.exe\u202c Smith,audit\n"
    response = staff_api.generic(
        "POST", f"/api/v1/courses/{COURSE_KEY}/import", text, content_type="text/csv"
    )
    body = assert_error(response, 400, "invalid_rows")
    assert body["errors"]["rows"] == [{"row": 3, "errors": {"name": [MESSAGE.format(0x202E)]}}]
    assert not get_user_model().objects.filter(username__in=["amy", "bob"]).exists()


def test_a_json_lines_import_row_is_refused_too(staff_api, physics):
    text = '{"username": "amy", "mode": "audit", "name": "Amy\\u0007 Pond"}\n'
    response = staff_api.generic(
        "POST", f"/api/v1/courses/{COURSE_KEY}/import", text, content_type="application/x-ndjson"
    )
    body = assert_error(response, 400, "invalid_rows")
    assert body["errors"]["rows"] == [{"row": 1, "errors": {"name": [MESSAGE.format(7)]}}]
    assert not get_user_model().objects.filter(username="amy").exists()
