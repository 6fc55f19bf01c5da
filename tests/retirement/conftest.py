"""Retirement fixtures: the two storages (coursecerts' own files and the legacy PDF bucket) as local folders or
as buckets on moto's S3 server, a real HTTP endpoint on loopback; two learners with legacy PDF certificates,
rendered PDFs and history."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from coursecerts.certificates.models import GeneratedCertificate
from coursecerts.certificates.services import certificate_generation_attempt
from coursecerts.certificates.services.legacy_files import legacy_certificate_paths
from coursecerts.certificates.services.pdf import PDF_FOLDER, pdf_storage
from coursecerts.learners.models import LearnerProfile
from tests.factories import CertificateConfigurationFactory, CourseRunFactory, learner_in_course

KEY, SECRET, REGION = "testing", "testing", "us-east-1"
LEGACY_PREFIX = "edx-certs"


@pytest.fixture(scope="session")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@dataclass
class Stores:
    kind: str
    settings: object
    root: Path | None = None
    endpoint: str = ""
    buckets: tuple[str, str] = ("", "")

    def all_files(self) -> dict[str, bytes]:
        """Every stored file of both storages, by a name that says which storage it is in."""
        if self.kind == "local":
            return {
                str(path.relative_to(self.root)): path.read_bytes()
                for path in sorted(self.root.rglob("*"))
                if path.is_file()
            }
        client = self.client()
        files = {}
        for bucket in self.buckets:
            for item in client.list_objects_v2(Bucket=bucket).get("Contents", []):
                body = client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
                files[f"{bucket}/{item['Key']}"] = body
        return files

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=KEY,
            aws_secret_access_key=SECRET,
            region_name=REGION,
        )

    def refuse_legacy_deletes(self, names) -> None:
        """From now on the legacy storage refuses to delete these files (as with a permission problem)."""
        config = dict(self.settings.STORAGES["legacy_certificates"])
        backend = "RefusingFileSystemStorage" if self.kind == "local" else "RefusingS3Storage"
        config["BACKEND"] = f"tests.retirement.storages.{backend}"
        config["OPTIONS"] = {**config["OPTIONS"], "refuse": list(names)}
        self.settings.STORAGES = {**self.settings.STORAGES, "legacy_certificates": config}

    def allow_deletes(self, original: dict) -> None:
        self.settings.STORAGES = original


def _local(settings, tmp_path) -> Stores:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CERTIFICATE_PDF_ROOT = tmp_path / "private"
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "certificate_pdfs": {"BACKEND": "coursecerts.certificates.storage.CertificatePdfStorage"},
        "legacy_certificates": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "legacy" / LEGACY_PREFIX)},
        },
    }
    return Stores("local", settings, root=tmp_path)


def _s3(settings, endpoint) -> Stores:
    suffix = uuid.uuid4().hex[:12]
    buckets = (f"coursecerts-{suffix}", f"legacy-{suffix}")
    stores = Stores("s3", settings, endpoint=endpoint, buckets=buckets)
    for bucket in buckets:
        stores.client().create_bucket(Bucket=bucket)
    common = {
        "endpoint_url": endpoint,
        "access_key": KEY,
        "secret_key": SECRET,
        "region_name": REGION,
        "file_overwrite": False,
    }
    settings.STORAGES = {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**common, "bucket_name": buckets[0]},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "certificate_pdfs": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**common, "bucket_name": buckets[0], "location": "private", "default_acl": "private"},
        },
        "legacy_certificates": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**common, "bucket_name": buckets[1], "location": LEGACY_PREFIX},
        },
    }
    return stores


@pytest.fixture(params=["local", "s3"])
def stores(request, settings, tmp_path):
    if request.param == "local":
        return _local(settings, tmp_path)
    return _s3(settings, request.getfixturevalue("s3_endpoint"))


@pytest.fixture
def local_stores(settings, tmp_path):
    return _local(settings, tmp_path)


@pytest.fixture
def run(db):
    course = CourseRunFactory(id="course-v1:edX+Retire+2026", display_name="Retirement 101")
    CertificateConfigurationFactory(course=course, title="Certificate in Retirement")
    return course


def make_learner(run, username: str, name: str, *, legacy_pdf: bool = True):
    """A learner with a certificate issued by the services (so with history), imported legacy PDF references,
    the four legacy files and a rendered PDF, all holding the learner's name."""
    user = learner_in_course(run, username=username, first_name=name.split()[0], last_name=name.split()[-1])
    LearnerProfile.objects.filter(user=user).update(name=name, verified_name=f"{name} (verified)")
    user = type(user).objects.get(pk=user.pk)
    certificate_generation_attempt(user=user, course_run=run, source="grade_passed")
    certificate = GeneratedCertificate.objects.get(user=user, course=run)
    assert certificate.name == name
    if legacy_pdf:
        download_uuid = uuid.uuid4().hex
        GeneratedCertificate.objects.filter(pk=certificate.pk).update(
            download_uuid=download_uuid,
            download_url=f"https://certs.example.com/downloads/{download_uuid}/Certificate.pdf",
        )
        for path in legacy_certificate_paths(
            download_uuid=download_uuid, verify_uuid=certificate.verify_uuid
        ):
            storages["legacy_certificates"].save(path, ContentFile(f"certificate of {name}".encode()))
    rendered = f"{PDF_FOLDER}/{certificate.verify_uuid}/en-0123456789abcdef.pdf"
    pdf_storage().save(rendered, ContentFile(f"%PDF-1.7 {name}".encode()))
    user.refresh_from_db()
    return user


@pytest.fixture
def alice(run, stores):
    return make_learner(run, "alice", "Alicia Zephyrine")


@pytest.fixture
def bob(run, stores):
    return make_learner(run, "bob", "Roberto Quillfeather")


def traces(user_name: str, email: str):
    """The strings that must not survive a retirement."""
    first, last = user_name.split()[0], user_name.split()[-1]
    return [user_name, email, first, last]
