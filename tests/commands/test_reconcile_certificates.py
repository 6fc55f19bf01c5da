from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from coursecerts.certificates.models import GeneratedCertificate
from tests.factories import GeneratedCertificateFactory, learner_in_course

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("reconcile_certificates", *args, stdout=out)
    return out.getvalue()


def test_it_reports_then_fixes(course):
    learner_in_course(course, username="missed")
    unearned = learner_in_course(course, username="dropped", percent=0.1, passed=False)
    GeneratedCertificateFactory(user=unearned, course=course)
    out = run(str(course.id))
    assert "Eligible but without a downloadable certificate: 1\n  missed (certificate: none)" in out
    assert "Downloadable but no longer eligible: 1\n  dropped: Grade below the passing mark" in out
    assert (
        "Run again with --fix" in out
        and not GeneratedCertificate.objects.filter(user__username="missed").exists()
    )
    assert "Fixed: 1 certificates issued." in run(str(course.id), "--fix")
    assert GeneratedCertificate.objects.get(user__username="missed").status == "downloadable"


def test_an_unknown_course_is_an_error():
    with pytest.raises(CommandError, match="is not a valid course key"):
        run("nope")
