"""Every CSV file we write neutralises cells that a spreadsheet would run as formulas (OWASP CSV injection):
the writers of coursecerts.common.csv_export, and the exports that use them. The course report's CSV is tested
with its endpoint (tests/api/test_course_report.py)."""

import csv
import io
from io import StringIO

import pytest
from django.core.management import call_command

from coursecerts.common.csv_export import SafeDictWriter, SafeWriter, neutralise
from tests.factories import GeneratedCertificateFactory, UserFactory, learner_in_course


@pytest.mark.parametrize("text", ["=1+2", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_text_starting_like_a_formula_gets_a_leading_quote(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["alice", "a=b", " =1", "", -1, -0.5, True, None])
def test_other_cells_are_left_as_they_are(value):
    assert neutralise(value) is value


def test_both_writers_neutralise_every_cell():
    rows = StringIO()
    SafeWriter(rows, lineterminator="\n").writerows([["=1", -1, "ok"], ["@a", "+b", "-c"]])
    assert rows.getvalue() == "'=1,-1,ok\n'@a,'+b,'-c\n"
    dicts = StringIO()
    writer = SafeDictWriter(dicts, fieldnames=["a", "b"], lineterminator="\n")
    writer.writeheader()
    writer.writerows([{"a": "=1", "b": 2}])
    writer.writerow({"a": "x", "b": "-2"})
    assert dicts.getvalue() == "a,b\n'=1,2\nx,'-2\n"


@pytest.mark.django_db
def test_the_dry_run_report_of_generate_course_certificates(course, tmp_path):
    learner_in_course(course, username="-2+3")
    report = tmp_path / "who.csv"
    call_command(
        "generate_course_certificates", str(course.id), "--dry-run", "--output", str(report),
        stdout=StringIO(), stderr=StringIO(),
    )  # fmt: skip
    assert report.read_text().splitlines()[1].startswith("'-2+3,,downloadable,")


@pytest.mark.django_db
def test_list_pdf_certificate_files(course):
    user = UserFactory(username="@SUM(A1)")
    GeneratedCertificateFactory(user=user, course=course, download_uuid="abc123")
    out = StringIO()
    call_command("list_pdf_certificate_files", "--usernames", user.username, stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows and {row["username"] for row in rows} == {"'@SUM(A1)"}
