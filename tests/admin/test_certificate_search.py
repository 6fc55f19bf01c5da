"""Operators find certificates by username, by course key (whole or any part, in any case) and by status."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coursecerts.certificates.models import GeneratedCertificate
from tests.admin.helpers import admin_url
from tests.factories import CourseRunFactory, GeneratedCertificateFactory, UserFactory


@pytest.fixture
def certificates(physics):
    chemistry = CourseRunFactory(id="course-v1:MITx+Chem+2025")
    return {
        "alice": GeneratedCertificateFactory(user=UserFactory(username="alice"), course=physics),
        "bob": GeneratedCertificateFactory(
            user=UserFactory(username="bob"), course=chemistry, status="notpassing"
        ),
        "carol": GeneratedCertificateFactory(user=UserFactory(username="carol"), course=chemistry),
    }


def search(client, term: str, **filters) -> set[str]:
    response = client.get(admin_url(GeneratedCertificate), {"q": term, **filters})
    assert response.status_code == 200
    return {certificate.user.username for certificate in response.context["cl"].result_list}


@pytest.mark.parametrize(
    "term, found",
    [
        ("alice", {"alice"}),
        ("ALI", {"alice"}),
        ("course-v1:edX+Physics+2026", {"alice"}),
        ("course-v1:MITx+Chem+2025", {"bob", "carol"}),
        ("Physics", {"alice"}),
        ("mitx+chem", {"bob", "carol"}),
        ("+2025", {"bob", "carol"}),
        ("notpassing", {"bob"}),
        ("downloadable", {"alice", "carol"}),
        ("carol chem", {"carol"}),
        ("nobody", set()),
    ],
)
def test_it_searches_username_course_key_and_status(staff_client, certificates, term, found):
    assert search(staff_client, term) == found


def test_a_partial_status_does_not_match_every_status(staff_client, certificates):
    """Status is matched exactly, so 'passing' does not find 'notpassing' certificates."""
    assert search(staff_client, "passing") == set()


def test_search_keeps_the_list_filters(staff_client, certificates):
    assert search(staff_client, "chem", status__exact="downloadable") == {"carol"}


def test_the_course_filter_lists_runs_and_filters_by_key(staff_client, certificates):
    response = staff_client.get(admin_url(GeneratedCertificate))
    assert "course__id__exact=course-v1%3AMITx%2BChem%2B2025" in response.content.decode()
    assert search(staff_client, "", course__id__exact="course-v1:MITx+Chem+2025") == {"bob", "carol"}


def test_the_list_costs_the_same_queries_however_many_certificates(staff_client, certificates, physics):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(admin_url(GeneratedCertificate)).status_code == 200
        return len(captured)

    before = queries()
    for number in range(5):
        GeneratedCertificateFactory(user=UserFactory(username=f"extra{number}"), course=physics)
    assert queries() == before
