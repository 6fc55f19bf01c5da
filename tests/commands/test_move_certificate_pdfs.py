"""move_certificate_pdfs: the PDFs that older versions left in the public media storage move to the
private PDF storage when their certificate is downloadable, and are deleted otherwise."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from coursecerts.certificates.models import GeneratedCertificate
from coursecerts.certificates.services import certificate_generation_attempt, certificate_invalidate
from coursecerts.certificates.services.pdf import PDF_FOLDER, pdf_storage
from tests.factories import CertificateConfigurationFactory, CourseRunFactory, learner_in_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_public_pdfs(settings, tmp_path):
    """A valid and an invalidated certificate, and a PDF of an unknown one, all at the old public path."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CERTIFICATE_PDF_ROOT = tmp_path / "private"
    course = CourseRunFactory()
    CertificateConfigurationFactory(course=course)
    certificates = []
    for username in ("valid", "invalidated"):
        user = learner_in_course(course, username=username)
        certificate_generation_attempt(user=user, course_run=course, source="test")
        certificates.append(GeneratedCertificate.objects.get(user=user))
    certificate_invalidate(certificate=certificates[1], source="certificate_invalidation_list")
    names = [f"{PDF_FOLDER}/{c.verify_uuid}/en-0123456789abcdef.pdf" for c in certificates]
    names.append(f"{PDF_FOLDER}/{'f' * 32}/en-0123456789abcdef.pdf")
    for name in names:
        default_storage.save(name, ContentFile(b"%PDF-1.7 old"))
    return names


def test_it_moves_the_valid_ones_and_deletes_the_others(run, old_public_pdfs):
    valid, invalidated, unknown = old_public_pdfs
    result = run("move_certificate_pdfs")
    assert result.returned == (
        "Moved 1 PDFs to the private PDF storage and deleted 2 PDFs of certificates that are no longer "
        "downloadable"
    )
    assert not any(default_storage.exists(name) for name in old_public_pdfs)
    assert pdf_storage().open(valid).read() == b"%PDF-1.7 old"
    assert not pdf_storage().exists(invalidated) and not pdf_storage().exists(unknown)
    assert run("move_certificate_pdfs").returned.startswith("Moved 0 PDFs")


def test_a_dry_run_lists_and_changes_nothing(run, old_public_pdfs):
    result = run("move_certificate_pdfs", "--dry-run", verbosity=2)
    assert result.returned.startswith("Would move 1 PDFs") and "would delete 2 PDFs" in result.returned
    assert f"would move {old_public_pdfs[0]}" in result.stdout
    assert all(default_storage.exists(name) for name in old_public_pdfs)
    assert not pdf_storage().exists(old_public_pdfs[0])
