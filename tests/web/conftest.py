"""Fixtures for the web certificate: a run with an organisation logo, an active configuration with two
signatories and their signature images, and certificates issued through the services (so the snapshots are
real), with uploaded files kept in a temporary MEDIA_ROOT."""

import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from coursecerts.certificates.models import CertificateConfiguration, Signatory
from coursecerts.certificates.services import certificate_generate
from tests.factories import CourseRunFactory, OrganizationFactory, UserFactory

ARABIC_NAME = (
    "فاطمة محمد الزهراء"  # (typst maps the ligature of "الله" to "اهلل" in the text layer: ADR 0005)
)
HEBREW_NAME = "דוד כהן"
CHINESE_NAME = "王小明"


def png(width=300, height=100, *, color=(27, 42, 65), stroke=True) -> ContentFile:
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0) if stroke else color + (255,))
    if stroke:
        draw = ImageDraw.Draw(image)
        draw.line([(10, 80), (90, 15), (160, 75), (230, 25), (290, 60)], fill=color + (255,), width=6)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return ContentFile(buffer.getvalue())


@pytest.fixture(autouse=True)
def empty_page_cache():
    from coursecerts.certificates.web import page_cache

    page_cache.clear()
    yield
    page_cache.clear()


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """The page's rate limit counts in the cache; each test starts with none used."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CERTIFICATE_PDF_ROOT = tmp_path / "private"
    settings.SITE_URL = "http://testserver"
    return settings.MEDIA_ROOT


@pytest.fixture
def organization(db):
    organization = OrganizationFactory(short_name="OLI", name="Open Learning Institute")
    organization.logo.save("oli.png", png(240, 80, color=(176, 141, 87), stroke=False))
    return organization


@pytest.fixture
def course_run(organization):
    run = CourseRunFactory(
        id="course-v1:OLI+DATA101+2026", organization=organization, display_name="Data Science 101"
    )
    configuration = CertificateConfiguration.objects.create(course=run, is_active=True)
    for order, (name, title) in enumerate([("Ada Lovelace", "Dean"), ("Alan Turing", "Lead Instructor")]):
        signatory = Signatory(
            configuration=configuration, name=name, title=title, organization="OLI", order=order
        )
        signatory.signature_image.save(f"sig{order}.png", png(), save=False)
        signatory.save()
    return run


def issue(course_run, *, name="Jane Doe", mode="verified", username=None):
    """A downloadable certificate issued by the service, for a learner named `name`."""
    user = UserFactory(username=username or f"user-{abs(hash(name)) % 10**8}")
    user.profile.name = name
    user.profile.save()
    return certificate_generate(user=user, course_run=course_run, mode=mode, grade="0.9", source="test")


@pytest.fixture
def certificate(course_run):
    return issue(course_run)
