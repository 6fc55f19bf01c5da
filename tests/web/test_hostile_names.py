"""The hostile-name corpus: names that are valid input (markup, template syntax, typst markup, formulas, emoji,
scripts of every direction, combining marks, very long) go in through the API and come out, unchanged and
harmless, through every place that shows them: the certificate page (escaped), the PDF (drawn, one page, no
error), the verification API (the exact name), the download's filename, and the course report (CSV cells that
start like a formula neutralised). .ci/run runs this file in its hostile stage on every database."""

import csv
import io

import pytest
from django.utils.html import escape

from coursecerts.api.services import api_token_create
from coursecerts.certificates.services import certificate_generate
from coursecerts.learners.models import LearnerProfile
from tests.web.pdfs import pdf_pages, pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.hostile]

# (case id, printed name, a fragment pdftotext must find in the PDF's text)
CORPUS = [
    ("html-script", "Zoë <script>alert(1)</script> Ünal", "alert(1)"),
    ("html-attribute", '"><img src=x onerror=alert(1)> Eve', "onerror=alert(1)"),
    ("django-template", "{{ 7|add:7 }} {% now 'Y' %} Tom", "7|add:7"),
    ("typst-markup", '#panic("boom") *bold* _x_ $x^2$ @ref <lbl> `raw` \\ ] Kim', '#panic("boom")'),
    ("formula", '=HYPERLINK("http://evil.example") Max', "HYPERLINK"),
    ("emoji", "Jane 🎓 Doe 👩‍🎓", "Jane"),
    ("arabic-with-mark", "فاطمة\u200f الزهراء", ""),
    ("combining-marks", "Z\u0334\u0321a\u0336l\u0337g\u0335o\u0338 Smith", "Smith"),
    ("apostrophe-ampersand", "O'Brien-Smith & Sons", "Sons"),
    ("format-strings", "%s %(name)s {0} \\n\\t Lee", "%(name)s"),
    ("cjk-symbols", "王小明 ✓ ★", "王小明"),
    (
        "very-long",
        " ".join(["Wolfeschlegelsteinhausenbergerdorff"] * 7),
        "Wolfeschlegelsteinhausenbergerdorff",
    ),
]

# Usernames and emails the input rules accept that a spreadsheet would read as a formula.
FORMULA_USERNAMES = ["+sum", "-minus", "@at"]


@pytest.fixture
def staff_api(db):
    from rest_framework.test import APIClient

    from tests.factories import UserFactory

    client = APIClient()
    _, token = api_token_create(user=UserFactory(username="corpus-staff", is_staff=True, is_superuser=True))
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def learner_put(staff_api, username: str, name: str, email: str | None = None):
    email = email or f"x{abs(hash(username))}@example.org"
    response = staff_api.put(f"/api/v1/learners/{username}", {"email": email, "name": name}, format="json")
    assert response.status_code == 201, response.content
    return LearnerProfile.objects.select_related("user").get(user__username=username).user


def issued(staff_api, course_run, case_id: str, name: str):
    user = learner_put(staff_api, f"corpus-{case_id}", name)
    return certificate_generate(user=user, course_run=course_run, mode="verified", grade="0.9", source="test")


@pytest.mark.parametrize(("case_id", "name", "fragment"), CORPUS, ids=[case[0] for case in CORPUS])
def test_a_hostile_name_is_shown_escaped_drawn_and_verified_as_it_is(
    client, staff_api, course_run, tmp_path, case_id, name, fragment
):
    certificate = issued(staff_api, course_run, case_id, name)
    assert certificate.name == name

    page = client.get(f"/certificates/{certificate.verify_uuid}")
    assert page.status_code == 200
    html = page.content.decode()
    assert escape(name) in html
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html

    pdf = client.get(f"/certificates/{certificate.verify_uuid}/pdf")
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert "\n" not in pdf["Content-Disposition"] and "\u202e" not in pdf["Content-Disposition"]
    body = b"".join(pdf.streaming_content)
    assert pdf_pages(body) == 1
    assert fragment in pdf_text(body, tmp_path)

    verified = client.get(f"/api/v1/certificates/{certificate.verify_uuid}")
    assert verified.status_code == 200
    assert verified.json()["learner_name"] == name


def test_formula_usernames_are_neutralised_in_the_csv_report_and_kept_in_json(staff_api, course_run):
    from tests.factories import EnrollmentFactory, GradeFactory

    for username in FORMULA_USERNAMES:
        user = learner_put(staff_api, username, "Formula Learner", email=f"=cmd{len(username)}@example.org")
        EnrollmentFactory(user=user, course=course_run, mode="verified")
        GradeFactory(user=user, course=course_run, percent_grade=0.9, passed=True)
    url = f"/api/v1/courses/{course_run.id}/report"
    rows = list(csv.DictReader(io.StringIO(staff_api.get(url, {"format": "csv"}).content.decode())))
    assert sorted(row["username"] for row in rows) == sorted(f"'{u}" for u in FORMULA_USERNAMES)
    assert all(row["email"].startswith("'=cmd") for row in rows)
    json_rows = staff_api.get(url).json()
    assert sorted(row["username"] for row in json_rows) == sorted(FORMULA_USERNAMES)
    assert all(row["email"].startswith("=cmd") for row in json_rows)
