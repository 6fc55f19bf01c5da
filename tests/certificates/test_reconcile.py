import pytest

from coursecerts.certificates.models import CertificateHistory, GeneratedCertificate
from coursecerts.certificates.services.reconcile import course_reconcile
from tests.factories import GeneratedCertificateFactory, learner_in_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def mismatches(course):
    missed = learner_in_course(course, username="missed")  # passed, no certificate (the event was lost)
    notpassing = learner_in_course(course, username="later")  # passed after a notpassing certificate
    GeneratedCertificateFactory(user=notpassing, course=course, status="notpassing")
    unearned = learner_in_course(course, username="unearned", percent=0.2, passed=False)
    GeneratedCertificateFactory(user=unearned, course=course)  # downloadable, grade dropped without a trigger
    fine = learner_in_course(course, username="fine")
    GeneratedCertificateFactory(user=fine, course=course)
    return missed, notpassing, unearned


def test_it_reports_both_kinds_and_changes_nothing(course, mismatches):
    report = course_reconcile(course_run=course)
    assert report["checked"] == 4 and report["fixed"] == 0
    assert report["missing"] == [
        {"username": "missed", "status": None},
        {"username": "later", "status": "notpassing"},
    ]
    assert report["unearned"] == [{"username": "unearned", "reason": "not_passing"}]
    assert not GeneratedCertificate.objects.filter(user__username="missed").exists()


def test_fix_issues_the_missing_certificates_only(course, mismatches, staff):
    report = course_reconcile(course_run=course, fix=True, actor=staff)
    assert report["fixed"] == 2
    statuses = dict(GeneratedCertificate.objects.values_list("user__username", "status"))
    assert statuses == {"missed": "downloadable", "later": "downloadable", "unearned": "downloadable",
                        "fine": "downloadable"}  # fmt: skip
    assert set(CertificateHistory.objects.values_list("source", flat=True)) == {"reconcile"}
    assert course_reconcile(course_run=course)["missing"] == []


@pytest.mark.django_db(transaction=True)
def test_fix_commits_chunk_by_chunk_while_the_learners_stream_in(course, mismatches, staff, settings):
    """The enrolled ids are read through one cursor while each chunk's fix commits: every chunk is seen once,
    and a commit does not cut the stream short (chunks of one learner, real commits)."""
    settings.CERTIFICATE_GENERATION_CHUNK_SIZE = 1
    report = course_reconcile(course_run=course, fix=True, actor=staff)
    assert (report["checked"], report["fixed"]) == (4, 2)
    assert [row["username"] for row in report["missing"]] == ["missed", "later"]
    assert set(GeneratedCertificate.objects.values_list("status", flat=True)) == {"downloadable"}
