"""/api/v1/.../name-corrections (ADR 0024): the learner (or the platform for them) asks, the run's instructor
approves or refuses with a note; approval reissues the certificate under the same verify_uuid and URL, with a
history row, a certificate.changed.v1 event, a new Open Badges credential (the old one revoked) and new PDFs."""

import json
import subprocess

import pytest

from coursecerts.certificates.models import CertificateHistory, NameCorrectionRequest
from coursecerts.certificates.services.pdf import stored_pdf_names
from coursecerts.common import signals
from coursecerts.credentials.models import OpenBadgeCredential
from coursecerts.events.models import OutgoingEvent
from tests.api.conftest import assert_error, client_for
from tests.factories import UserFactory
from tests.web.html import Page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CERTIFICATE_PDF_ROOT = tmp_path / "private"
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def decided(db):
    """The NAME_CORRECTION_DECIDED signals sent (what the notifications app receives to tell the learner)."""
    sent = []

    def receiver(sender, correction, **kwargs):
        sent.append((correction.pk, correction.status, correction.note))

    signals.NAME_CORRECTION_DECIDED.connect(receiver, dispatch_uid="test_name_correction")
    yield sent
    signals.NAME_CORRECTION_DECIDED.disconnect(dispatch_uid="test_name_correction")


def ask(api, certificate, name="Alice Q. Example", reason="My middle initial is missing."):
    url = f"/api/v1/certificates/{certificate.verify_uuid}/name-corrections"
    return api.post(url, {"requested_name": name, "reason": reason}, format="json")


def pdf_bytes(client, certificate) -> bytes:
    return b"".join(client.get(f"/certificates/{certificate.verify_uuid}/pdf").streaming_content)


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout


def test_an_approved_correction_reissues_the_certificate_everywhere(
    client, alice_api, instructor_api, certificate, decided, tmp_path, django_capture_on_commit_callbacks
):
    uuid = certificate.verify_uuid
    old_name = certificate.name
    first_pdf = pdf_bytes(client, certificate)
    assert old_name in pdf_text(first_pdf, tmp_path)
    first_preview = b"".join(client.get(f"/certificates/{uuid}/preview.png").streaming_content)
    old_files = set(stored_pdf_names(uuid))
    assert any(name.endswith(".png") for name in old_files)
    old_credential = json.loads(client.get(f"/certificates/{uuid}/credential.json").content)
    assert old_credential["credentialSubject"]["name"] == old_name

    asked = ask(alice_api, certificate)
    assert asked.status_code == 201, asked.content
    body = asked.json()
    assert body | {"id": 0, "created": ""} == {
        "id": 0,
        "verify_uuid": uuid,
        "username": "alice",
        "course_key": "course-v1:edX+Physics+2026",
        "current_name": old_name,
        "requested_name": "Alice Q. Example",
        "reason": "My middle initial is missing.",
        "channel": "api",
        "status": "pending",
        "created": "",
        "decided_by": None,
        "decided_at": None,
        "note": "",
    }
    queue = instructor_api.get("/api/v1/courses/course-v1:edX+Physics+2026/name-corrections?status=pending")
    assert [row["id"] for row in queue.json()["results"]] == [body["id"]]

    with django_capture_on_commit_callbacks(execute=True):
        approved = instructor_api.post(
            f"/api/v1/name-corrections/{body['id']}/approve", {"note": "Matches the ID."}, format="json"
        )
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved"
    assert approved.json()["decided_by"] == "ivy_instructor"
    assert decided == [(body["id"], "approved", "Matches the ID.")]

    certificate.refresh_from_db()
    assert (certificate.verify_uuid, certificate.name) == (uuid, "Alice Q. Example")
    row = CertificateHistory.objects.filter(certificate=certificate).latest("pk")
    assert (row.source, row.actor.username, row.name_before, row.name_after) == (
        "name_correction",
        "ivy_instructor",
        old_name,
        "Alice Q. Example",
    )
    assert "My middle initial is missing." in row.note and "Matches the ID." in row.note
    event = OutgoingEvent.objects.latest("id")
    assert event.event_type == "org.openedx.learning.certificate.changed.v1"
    assert event.data["certificate"]["name"] == "Alice Q. Example"
    assert event.verify_uuid == uuid

    # the page (same URL), the PDF (the old one deleted from storage) and the credential (old one revoked)
    page = Page(client.get(f"/certificates/{uuid}"))
    assert page.text("#learner-name") == "Alice Q. Example"
    assert not old_files & set(stored_pdf_names(uuid))  # the old PDF and preview are gone from storage
    new_pdf = pdf_bytes(client, certificate)
    assert new_pdf != first_pdf
    text = pdf_text(new_pdf, tmp_path)
    assert "Alice Q. Example" in text and old_name not in text
    assert len(stored_pdf_names(uuid)) == 1
    preview = client.get(f"/certificates/{uuid}/preview.png")
    assert preview.status_code == 200
    assert b"".join(preview.streaming_content) != first_preview  # drawn again, from the new PDF
    credential = json.loads(client.get(f"/certificates/{uuid}/credential.json").content)
    assert credential["credentialSubject"]["name"] == "Alice Q. Example"
    assert credential["id"] != old_credential["id"]
    revoked = OpenBadgeCredential.objects.get(public_id=old_credential["id"].removeprefix("urn:uuid:"))
    assert revoked.revoked is not None
    verified = client.post(
        "/api/v1/credentials/verify", json.dumps(old_credential), content_type="application/json"
    ).json()
    assert verified["status"] == "revoked"

    history = instructor_api.get(f"/api/v1/certificates/{uuid}/history").json()
    assert history[-1]["source"] == "name_correction" and history[-1]["actor"] == "ivy_instructor"


def test_a_refusal_needs_a_note_and_changes_nothing(alice_api, instructor_api, certificate, decided):
    correction_id = ask(alice_api, certificate).json()["id"]
    url = f"/api/v1/name-corrections/{correction_id}/refuse"
    assert_error(instructor_api.post(url, {"note": ""}, format="json"), 400, "note_required")
    refused = instructor_api.post(url, {"note": "The name must match your ID."}, format="json")
    assert refused.status_code == 200 and refused.json()["status"] == "refused"
    assert decided == [(correction_id, "refused", "The name must match your ID.")]
    name = certificate.name
    certificate.refresh_from_db()
    assert certificate.name == name
    assert_error(instructor_api.post(url, {"note": "again"}, format="json"), 409, "name_correction_decided")
    # decided: the learner may ask again, and reads the decision
    assert ask(alice_api, certificate, name="Alice Example-Smith").status_code == 201
    mine = alice_api.get(f"/api/v1/certificates/{certificate.verify_uuid}/name-corrections").json()
    assert [(c["status"], c["note"]) for c in mine] == [
        ("pending", ""),
        ("refused", "The name must match your ID."),
    ]


def test_who_may_ask_read_and_decide(
    alice_api, instructor_api, course_staff_api, outsider_api, staff_api, anonymous, certificate
):
    assert_error(ask(outsider_api, certificate), 404, "certificate_not_found")  # no existence oracle
    assert_error(ask(course_staff_api, certificate), 404, "certificate_not_found")  # only the learner asks
    assert (
        anonymous.post(
            f"/api/v1/certificates/{certificate.verify_uuid}/name-corrections", {}, format="json"
        ).status_code
        == 401
    )
    platform = ask(staff_api, certificate)  # the platform, for the learner
    assert platform.status_code == 201
    correction_id = platform.json()["id"]
    detail = f"/api/v1/name-corrections/{correction_id}"
    assert alice_api.get(detail).status_code == 200
    assert course_staff_api.get(detail).status_code == 200
    assert_error(outsider_api.get(detail), 404, "name_correction_not_found")
    assert_error(course_staff_api.post(f"{detail}/approve", {}, format="json"), 403, "permission_denied")
    assert_error(alice_api.post(f"{detail}/approve", {}, format="json"), 404, "name_correction_not_found")
    assert_error(
        outsider_api.get("/api/v1/courses/course-v1:edX+Physics+2026/name-corrections"),
        403,
        "permission_denied",
    )
    assert staff_api.post(f"{detail}/approve", {}, format="json").status_code == 200


def test_bad_requests_are_refused_saying_why(alice, alice_api, certificate):
    url = f"/api/v1/certificates/{certificate.verify_uuid}/name-corrections"
    body = assert_error(
        alice_api.post(url, {"requested_name": "Al\x07ice"}, format="json"), 400, "invalid_input"
    )
    assert "requested_name" in body["errors"]
    assert_error(alice_api.post(url, {"requested_name": "x" * 256}, format="json"), 400, "invalid_input")
    assert_error(alice_api.post(url, {"name": "Alice"}, format="json"), 400, "invalid_input")
    assert_error(ask(alice_api, certificate, name=certificate.name), 400, "name_unchanged")
    assert ask(alice_api, certificate).status_code == 201
    assert_error(ask(alice_api, certificate, name="Another"), 409, "name_correction_pending")
    assert NameCorrectionRequest.objects.count() == 1


def test_the_verified_name_rule_stays(alice, alice_api, certificate):
    """A learner who prints their verified name changes it through ID verification (Open edX's rule)."""
    alice.profile.verified_name = "Alice Verified"
    alice.profile.use_verified_name_for_certificates = True
    alice.profile.save()
    assert_error(ask(alice_api, certificate), 409, "verified_name_in_use")


def test_an_invalidated_certificate_cannot_be_corrected(alice_api, instructor_api, certificate):
    instructor_api.put(
        f"/api/v1/courses/{certificate.course_id}/invalidations/alice", {"notes": "cheating"}, format="json"
    )
    assert_error(ask(alice_api, certificate), 409, "certificate_not_downloadable")


def test_the_link_api_gives_the_learner_a_signed_form(alice_api, certificate, client):
    answer = alice_api.get(f"/api/v1/certificates/{certificate.verify_uuid}/name-correction-link")
    assert answer.status_code == 200
    url = answer.json()["url"]
    assert url.startswith("http://testserver/certificates/name-correction/")
    form = client.get(url.removeprefix("http://testserver"))
    assert form.status_code == 200
    assert Page(form).text("#current-name") == certificate.name
    assert_error(
        client_for(UserFactory(username="mallory")).get(
            f"/api/v1/certificates/{certificate.verify_uuid}/name-correction-link"
        ),
        404,
        "certificate_not_found",
    )
