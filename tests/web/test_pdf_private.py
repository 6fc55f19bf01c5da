"""Rendered PDFs are private (ADR 0011, README "Storage"): stored outside MEDIA_ROOT, never reachable at /media/,
served only by /certificates/<id>/pdf, and deleted after commit when the certificate stops being downloadable,
whether one learner's certificate changes or a course-wide run revokes it."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from coursecerts.certificates.models import CertificateStatuses, GeneratedCertificate
from coursecerts.certificates.services import certificate_invalidation_create, certificate_mark_notpassing
from coursecerts.certificates.services.generation_jobs import course_generation_start
from coursecerts.certificates.services.pdf import PDF_FOLDER, certificate_pdf_get_or_render, pdf_storage
from tests.factories import InvalidationFactory, UserFactory, learner_in_course
from tests.web.conftest import issue

pytestmark = pytest.mark.django_db


def stored(certificate) -> list[str]:
    try:
        return sorted(pdf_storage().listdir(f"{PDF_FOLDER}/{certificate.verify_uuid}")[1])
    except FileNotFoundError:
        return []


def rendered(certificate) -> str:
    return certificate_pdf_get_or_render(certificate=certificate, language="en").name


def test_a_rendered_pdf_is_kept_outside_media_root(client, settings, certificate, media):
    response = client.get(f"/certificates/{certificate.verify_uuid}/pdf")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    name = rendered(certificate)
    assert (settings.CERTIFICATE_PDF_ROOT / name).is_file()
    assert not list(media.rglob("*.pdf"))
    assert client.get(f"/media/{name}").status_code == 404


def test_media_serves_logos_but_never_a_pdf_left_there_by_an_older_version(client, course_run, certificate):
    name = rendered(certificate)
    default_storage.save(name, ContentFile(b"%PDF-1.7 old public copy"))
    assert client.get(f"/media/{name}").status_code == 404
    assert client.get(f"/media/{course_run.organization.logo.name}").status_code == 200


def test_a_pdf_has_no_url_of_its_own(certificate):
    with pytest.raises(ValueError, match="private"):
        pdf_storage().url(rendered(certificate))


def invalidate(certificate):
    certificate_invalidation_create(certificate=certificate, invalidated_by=UserFactory(username="prof"))


def fail(certificate):
    certificate_mark_notpassing(certificate=certificate, mode=None, grade="0.2", source="notpassing_signal")


@pytest.mark.parametrize("change", [invalidate, fail], ids=["invalidated", "notpassing"])
def test_a_certificate_that_stops_being_downloadable_loses_its_pdfs_after_commit(
    client, certificate, captured_on_commit, change
):
    names = [
        rendered(certificate),
        certificate_pdf_get_or_render(certificate=certificate, language="ar").name,
    ]
    with captured_on_commit() as callbacks:
        change(certificate)
        assert len(stored(certificate)) == 2  # nothing deleted before the commit
    for callback in callbacks:
        callback()
    assert stored(certificate) == []
    for name in names:
        assert client.get(f"/media/{name}").status_code == 404
    assert client.get(f"/certificates/{certificate.verify_uuid}/pdf").status_code == 410


def test_a_copy_at_the_old_public_path_goes_too(certificate, captured_on_commit):
    name = rendered(certificate)
    default_storage.save(name, ContentFile(b"%PDF-1.7 old public copy"))
    with captured_on_commit(execute=True):
        invalidate(certificate)
    assert not default_storage.exists(name) and not pdf_storage().exists(name)


def test_a_course_wide_run_that_invalidates_a_certificate_deletes_its_pdf(
    client, course_run, captured_on_commit
):
    """The set-based writer (course-wide runs, imports) acts on an invalidation entry that the certificate's
    status does not show yet (e.g. imported from Open edX), and deletes the PDF after its chunk commits."""
    learner = learner_in_course(course_run, username="bulk-learner")
    with captured_on_commit(execute=True):
        course_generation_start(course_run=course_run, scope="all")
    certificate = GeneratedCertificate.objects.get(user=learner)
    name = rendered(certificate)
    InvalidationFactory(generated_certificate=certificate)
    with captured_on_commit(execute=True):  # regenerate the certificates already received
        course_generation_start(course_run=course_run, scope="statuses", statuses=["downloadable"])
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatuses.UNAVAILABLE
    assert stored(certificate) == []
    assert client.get(f"/media/{name}").status_code == 404
    assert client.get(f"/certificates/{certificate.verify_uuid}/pdf").status_code == 410


def test_a_certificate_that_stays_downloadable_keeps_its_pdf(certificate, captured_on_commit):
    """Only leaving `downloadable` deletes; a reissue with nothing new to show keeps the stored PDF."""
    name = rendered(certificate)
    with captured_on_commit(execute=True):
        issue(certificate.course, name="Jane Doe", username=certificate.user.username)
    assert pdf_storage().exists(name)


def test_the_system_check_refuses_a_pdf_folder_inside_media_root(settings, media):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.CERTIFICATE_PDF_ROOT = media / "pdfs"
    with pytest.raises(SystemCheckError, match=r"certificates\.E003.*rendered PDFs would be public"):
        call_command("check")
