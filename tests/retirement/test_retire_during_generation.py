"""A retirement while a course-wide generation of the same run is under way neither fails nor brings the
name back: each chunk reads the name when it writes, under its transaction."""

from __future__ import annotations

import pytest

from coursecerts.certificates.generation_selectors import job_summary
from coursecerts.certificates.models import CertificateHistory, CertificateStatuses, GeneratedCertificate
from coursecerts.certificates.services.generation_jobs import chunk_process, course_generation_start
from coursecerts.certificates.services.retirement import learner_retire
from coursecerts.learners.models import LearnerProfile
from tests.factories import learner_in_course

pytestmark = pytest.mark.django_db


def test_a_retirement_between_start_and_chunks_leaves_the_name_blank(run, local_stores, settings):
    settings.CERTIFICATE_GENERATION_CHUNK_SIZE = 1
    users = [learner_in_course(run, username=f"gen{i}") for i in range(3)]
    LearnerProfile.objects.filter(user=users[1]).update(
        name="Dorotea Halvorsen", verified_name="D. Halvorsen"
    )
    job, _ = course_generation_start(course_run=run, scope="all", dispatch=False)

    learner_retire(user=users[1], actor=None)
    for chunk in job.chunks.order_by("index"):
        chunk_process(chunk_id=chunk.pk)

    assert job_summary(job)["state"] == "succeeded"
    certificate = GeneratedCertificate.objects.get(user=users[1], course=run)
    assert certificate.status == CertificateStatuses.DOWNLOADABLE and certificate.name == ""
    names = CertificateHistory.objects.filter(certificate=certificate).values_list(
        "name_before", "name_after"
    )
    assert all(not a and not b for a, b in names)
    assert GeneratedCertificate.objects.get(user=users[0], course=run).name == "Gen0 Example"


def test_a_retirement_of_a_learner_with_a_certificate_before_a_regeneration_chunk(run, local_stores):
    user = learner_in_course(run, username="dora")
    LearnerProfile.objects.filter(user=user).update(name="Dorotea Halvorsen")
    first, _ = course_generation_start(course_run=run, scope="all", dispatch=False)
    for chunk in first.chunks.all():
        chunk_process(chunk_id=chunk.pk)
    assert GeneratedCertificate.objects.get(user=user).name == "Dorotea Halvorsen"
    job, _ = course_generation_start(course_run=run, scope="all", dispatch=False)
    learner_retire(user=user, actor=None)
    for chunk in job.chunks.all():
        chunk_process(chunk_id=chunk.pk)
    assert GeneratedCertificate.objects.get(user=user).name == ""
