"""One award, three forms: the name, course title, organisation and date the certificate page prints are the
ones the credential says (both come from the certificate's frozen record), in Latin, Arabic, Hebrew and Chinese."""

import pytest

from coursecerts.certificates.rendering.selectors import (
    certificate_get_for_rendering,
    certificate_render_context,
)
from coursecerts.credentials.documents import xsd_datetime
from coursecerts.credentials.services.issuance import credential_for_certificate
from coursecerts.credentials.verification import credential_verify
from tests.factories import CourseRunFactory, GeneratedCertificateFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

CASES = [
    ("en", "Ada Lovelace", "Data Science 101", "University of Examples"),
    ("ar", "محمد بن موسى الخوارزمي", "مقدمة في الجبر", "جامعة الأمثلة"),
    ("he", "רחל בלובשטיין", "מבוא לשירה", "אוניברסיטת הדוגמאות"),
    ("zh-hans", "张衡", "天文学导论", "示例大学"),
]


@pytest.mark.parametrize(("language", "name", "title", "organization"), CASES)
def test_the_page_and_the_credential_say_the_same(language, name, title, organization):
    org = OrganizationFactory(short_name=f"Org{language}", name=organization)
    course = CourseRunFactory(organization=org, display_name=title, language=language)
    certificate = GeneratedCertificateFactory(course=course, name=name, course_title=title)
    document = credential_for_certificate(certificate=certificate)
    page = certificate_render_context(
        certificate_get_for_rendering(certificate.verify_uuid), language=language
    )
    facts = credential_verify(document=document).facts
    assert facts == {
        "name": page.learner_name,
        "course": page.course_title,
        "organization": page.organization_name,
        "date": xsd_datetime(page.issued_date),
    }
    assert (facts["name"], facts["course"], facts["organization"]) == (name, title, organization)
