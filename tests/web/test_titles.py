"""Which title is the certificate's and which the course's: a configuration title that names a certificate is the
heading, and the course's own name is printed, so no sentence says "Certificate" twice (ADR 0014)."""

import html
from urllib.parse import parse_qs, urlparse

import pytest

from coursecerts.certificates.models import GeneratedCertificate
from tests.web.conftest import issue
from tests.web.pdfs import pdf_text

pytestmark = pytest.mark.django_db

HEADING = "Certificate of Achievement in Data Science Foundations"


def configure_title(course_run, title):
    course_run.certificate_configuration.title = title
    course_run.certificate_configuration.save()


def body_of(client, certificate):
    return client.get(f"/certificates/{certificate.verify_uuid}").content.decode()


def text_of(body, element_id):
    start = body.index(f'id="{element_id}"')
    return html.unescape(body[body.index(">", start) + 1 : body.index("</", start)])


def linkedin_name(body):
    start = body.index('id="add-to-linkedin" href="') + len('id="add-to-linkedin" href="')
    query = urlparse(html.unescape(body[start : body.index('"', start)])).query
    return parse_qs(query)["name"][0]


def test_a_title_that_names_a_certificate_is_the_heading_and_the_course_name_is_printed(client, course_run):
    configure_title(course_run, HEADING)
    certificate = issue(course_run)
    body = body_of(client, certificate)
    assert text_of(body, "certificate-title") == HEADING
    assert text_of(body, "course-title") == "Data Science 101"
    assert linkedin_name(body) == f"{HEADING}: Data Science 101"
    assert certificate.course_title == "Data Science 101"  # the snapshot the API prints as course_title


def test_a_course_title_override_is_printed_as_the_course(client, course_run):
    """Open edX's course-title override: the mode's title stays the heading."""
    configure_title(course_run, "Data Science 101: Statistics and Python")
    body = body_of(client, issue(course_run))
    assert text_of(body, "certificate-title") == "Verified Certificate of Achievement"
    assert text_of(body, "course-title") == "Data Science 101: Statistics and Python"


def test_a_certificate_issued_with_such_a_title_as_its_course_title_reads_once(client, course_run):
    """Certificates issued before the rule stored the configuration title as their course title."""
    certificate = issue(course_run)
    GeneratedCertificate.objects.filter(pk=certificate.pk).update(course_title=HEADING)
    body = body_of(client, certificate)
    assert text_of(body, "certificate-title") == HEADING
    assert text_of(body, "course-title") == "Data Science 101"
    assert body.count("Certificate of Achievement") == body.count(HEADING)


def test_linkedin_does_not_repeat_a_course_the_heading_names(client, course_run):
    configure_title(course_run, "Data Science 101 Certificate")
    body = body_of(client, issue(course_run))
    assert linkedin_name(body) == "Data Science 101 Certificate"


def test_the_pdf_prints_the_heading_and_the_course_once_each(client, course_run, tmp_path):
    configure_title(course_run, HEADING)
    certificate = issue(course_run)
    pdf = b"".join(client.get(f"/certificates/{certificate.verify_uuid}/pdf").streaming_content)
    text = " ".join(pdf_text(pdf, tmp_path).split())
    assert HEADING in text and "Data Science 101" in text
    assert text.count("Certificate of Achievement") == 1


def test_the_preview_follows_the_same_rule(client, course_run):
    from tests.factories import UserFactory

    configure_title(course_run, HEADING)
    client.force_login(UserFactory(username="staff", is_staff=True))
    body = client.get(f"/certificates/course/{course_run.id}?preview=verified").content.decode()
    assert text_of(body, "certificate-title") == HEADING
    assert text_of(body, "course-title") == "Data Science 101"
