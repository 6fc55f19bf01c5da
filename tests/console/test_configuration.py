"""Setting a run's certificate up from the console: the configuration with signatories and their images, the
preview links, the display behaviour and available date, and the run's settings."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from coursecerts.certificates.models import CertificateConfiguration, CertificateGenerationCourseSetting
from tests.factories import CourseModeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _png(color=(20, 30, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), color).save(buffer, "PNG")
    return buffer.getvalue()


def _configuration_post(
    client, run, signatories, title="Professional Certificate", is_active=True, initial=0
):
    data = {
        "part": "configuration",
        "configuration-title": title,
        "signatories-TOTAL_FORMS": str(len(signatories)),
        "signatories-INITIAL_FORMS": str(initial),
        "signatories-MIN_NUM_FORMS": "0",
        "signatories-MAX_NUM_FORMS": "10",
    }
    if is_active:
        data["configuration-is_active"] = "on"
    for i, signatory in enumerate(signatories):
        for key, value in signatory.items():
            data[f"signatories-{i}-{key}"] = value
    return client.post(reverse("console:configuration", args=[run.id]), data, follow=True)


def test_an_instructor_saves_the_configuration_with_a_signature_image(client, run, instructor):
    client.force_login(instructor)
    image = SimpleUploadedFile("sig.png", _png(), content_type="image/png")
    response = _configuration_post(
        client, run, [{"name": "Ada Lovelace", "title": "Professor", "organization": "edX", "image": image}]
    )
    assert [str(m) for m in response.context["messages"]] == ["The certificate configuration is saved."]
    configuration = CertificateConfiguration.objects.get(course=run)
    assert configuration.title == "Professional Certificate" and configuration.is_active
    (signatory,) = configuration.signatories.all()
    assert (signatory.name, signatory.title, signatory.organization) == ("Ada Lovelace", "Professor", "edX")
    assert signatory.signature_image.name.startswith(
        "signatures/"
    ) and signatory.signature_image.name.endswith(".png")
    assert signatory.signature_image.read() == _png()
    # Saved again without a new image, the signatory keeps theirs; a second signatory is added.
    _configuration_post(
        client, run, [{"name": "Ada Lovelace", "title": "Dean"}, {"name": "Alan Turing"}], initial=1
    )
    names = [(s.name, s.title, bool(s.signature_image)) for s in configuration.signatories.order_by("order")]
    assert names == [("Ada Lovelace", "Dean", True), ("Alan Turing", "", False)]


def test_a_signatory_is_removed(client, run, instructor):
    client.force_login(instructor)
    _configuration_post(client, run, [{"name": "Ada"}, {"name": "Alan"}])
    _configuration_post(client, run, [{"name": "Ada", "DELETE": "on"}, {"name": "Alan"}], initial=2)
    assert list(CertificateConfiguration.objects.get().signatories.values_list("name", flat=True)) == ["Alan"]


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_saved(client, run, instructor):
    client.force_login(instructor)
    fake = SimpleUploadedFile("sig.png", b"not an image", content_type="image/png")
    response = _configuration_post(client, run, [{"name": "Ada", "image": fake}])
    assert "Ada: The file is not a PNG, JPEG, GIF or WebP image." in response.content.decode()
    assert not CertificateConfiguration.objects.exists()


def test_the_preview_links_cover_each_mode(client, run, course_staff):
    CourseModeFactory(course=run, mode_slug="verified")
    CourseModeFactory(course=run, mode_slug="audit")
    client.force_login(course_staff)
    response = client.get(reverse("console:configuration", args=[run.id]))
    assert response.context["previews"] == [
        ("audit", f"/certificates/course/{run.id}?preview=audit"),
        ("verified", f"/certificates/course/{run.id}?preview=verified"),
    ]
    assert client.get(response.context["previews"][1][1]).status_code == 200  # the preview itself opens


def test_display_behaviour_and_available_date(client, run, instructor):
    run.self_paced = False
    run.save()
    client.force_login(instructor)
    url = reverse("console:configuration", args=[run.id])
    response = client.post(
        url,
        {"part": "display", "display-certificates_display_behavior": "end_with_date"},
        follow=True,
    )
    assert "certificate_available_date is required" in response.content.decode()
    client.post(
        url,
        {
            "part": "display",
            "display-certificates_display_behavior": "end_with_date",
            "display-certificate_available_date": "2026-12-24",
        },
    )
    run.refresh_from_db()
    assert run.certificates_display_behavior == "end_with_date"
    assert run.certificate_available_date == dt.datetime(2026, 12, 24, tzinfo=dt.UTC)


def test_run_settings_add_a_row_only_when_changed(client, run, instructor):
    client.force_login(instructor)
    url = reverse("console:configuration", args=[run.id])
    data = {"part": "setting", "setting-self_generation_enabled": "on"}
    client.post(url, data)
    client.post(url, data)
    setting = CertificateGenerationCourseSetting.get(run.id)
    assert setting.self_generation_enabled and not setting.language_specific_templates_enabled
    assert CertificateGenerationCourseSetting.objects.filter(course_key=run.id).count() == 1


def test_course_staff_read_the_set_up_but_cannot_change_it(client, run, course_staff):
    client.force_login(course_staff)
    page = client.get(reverse("console:configuration", args=[run.id])).content.decode()
    assert 'id="configuration-form"' not in page and "Only the run's instructors" in page
    response = _configuration_post(client, run, [{"name": "Mallory"}])
    assert response.status_code == 403
    assert not CertificateConfiguration.objects.exists()


def test_no_role_nothing(client, run, nobody):
    client.force_login(nobody)
    assert client.get(reverse("console:configuration", args=[run.id])).status_code == 404
    assert _configuration_post(client, run, [{"name": "Mallory"}]).status_code == 404
