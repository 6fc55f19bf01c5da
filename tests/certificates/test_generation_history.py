import pytest

from coursecerts.certificates.models import CertificateGenerationHistory
from tests.factories import UserFactory


@pytest.mark.parametrize(
    "task_input, expected",
    [
        ({}, "All Learners"),
        (None, "All Learners"),
        ({"student_set": "all_allowlisted"}, "Granted Exceptions"),
        ({"students": [1, 2]}, "Granted Exceptions"),
        ({"statuses_to_regenerate": ["downloadable", "notpassing"]}, "already received, didn't receive"),
        (
            {"statuses_to_regenerate": ["error", "audit_passing", "audit_notpassing"]},
            "error states, audit passing states, audit not passing states",
        ),
        ({"statuses_to_regenerate": ["unavailable", "notpassing"]}, "didn't receive"),
    ],
)
def test_generation_candidates_read_as_on_the_instructor_dashboard(task_input, expected):
    history = CertificateGenerationHistory(task_input=task_input)
    assert history.get_certificate_generation_candidates() == expected


@pytest.mark.django_db
def test_task_name(course):
    history = CertificateGenerationHistory(course=course, generated_by=UserFactory(), is_regeneration=True)
    assert history.get_task_name() == "regenerated"
    history.is_regeneration = False
    assert history.get_task_name() == "generated"
