"""A small Open edX database: two organisations, three course overviews (one with a malformed key), learners
with enrollments, grades, roles and ID verifications, and certificates in every state the import must handle."""

from __future__ import annotations

ENDED = "course-v1:OLI+DATA101+2025_SP"
SELF = "course-v1:OLI+SELF+2025"
MALFORMED = "not a course key"
UUID_ALICE = "a" * 32
UUID_BOB = "b" * 32
UUID_CAROL = "c" * 32
UUID_ERIN = "e" * 32
UUID_FRANK = "f" * 32
ORPHAN_CERT_ID = 90
MALFORMED_CERT_ID = 91

USERS = [
    # id, username, email, profile name, is_active
    (1, "edx_staff", "staff@lms.example", "Staff Person", 1),
    (2, "alice", "alice@example.com", "Alice Liddell", 1),
    (3, "bob", "bob@example.com", "Bob Builder", 1),
    (4, "carol", "carol@example.com", "Carol Danvers", 1),
    (5, "dave", "dave@example.com", "Dave Lister", 1),
    (6, "erin", "erin@example.com", "Erin Brockovich", 1),
    (7, "frank", "frank@example.com", "Frank Ocean", 0),
]


def load(db) -> None:
    db.insert(
        "organizations_organization",
        [
            {"id": 1, "name": "Open Learning Initiative", "short_name": "OLI", "created": "2020-01-01",
             "modified": "2020-01-01", "description": "OLI", "logo": "organization_logos/oli.png"},
        ],
    )  # fmt: skip
    db.insert(
        "course_overviews_courseoverview",
        [
            {"id": ENDED, "org": "OLI", "display_name": "Data Science 101", "display_number_with_default": "DATA101",
             "start": "2025-01-01", "end": "2025-06-01", "self_paced": 0, "certificates_display_behavior": "end",
             "cert_html_view_enabled": 1, "has_any_active_web_certificate": 1, "language": "en",
             "modified": "2025-06-02"},
            {"id": SELF, "org": "OLI", "display_name": "Self-paced Statistics", "display_number_with_default": "SELF",
             "start": "2025-01-01", "self_paced": 1, "certificates_display_behavior": "end_with_date",
             "certificate_available_date": "2025-03-01", "cert_html_view_enabled": 1,
             "has_any_active_web_certificate": 1, "modified": "2025-06-02"},
            {"id": MALFORMED, "org": "OLI", "display_name": "Broken", "display_number_with_default": "X",
             "self_paced": 0, "cert_html_view_enabled": 1, "modified": "2025-06-02"},
        ],
    )  # fmt: skip
    db.insert(
        "course_modes_coursemode",
        [
            {"id": 1, "course_id": ENDED, "mode_slug": "audit", "mode_display_name": "Audit"},
            {"id": 2, "course_id": ENDED, "mode_slug": "verified", "mode_display_name": "Verified Certificate",
             "min_price": 49, "expiration_datetime": "2025-05-01"},
            {"id": 3, "course_id": SELF, "mode_slug": "honor", "mode_display_name": "Honor"},
            {"id": 4, "course_id": SELF, "mode_slug": "space-cadet", "mode_display_name": "Not a mode"},
        ],
    )  # fmt: skip
    db.insert(
        "auth_user",
        [
            {"id": i, "username": u, "email": e, "is_active": a, "date_joined": "2020-01-01"}
            for i, u, e, _, a in USERS
        ],
    )
    db.insert("auth_userprofile", [{"user_id": i, "name": n} for i, _, _, n, _ in USERS])
    db.insert(
        "student_courseenrollment",
        [
            {"id": 1, "user_id": 2, "course_id": ENDED, "mode": "verified", "is_active": 1, "created": "2025-01-02"},
            {"id": 2, "user_id": 3, "course_id": SELF, "mode": "honor", "is_active": 1, "created": "2025-01-02"},
            {"id": 3, "user_id": 4, "course_id": ENDED, "mode": "audit", "is_active": 0, "created": "2025-01-02"},
            {"id": 4, "user_id": 5, "course_id": ENDED, "mode": "verified", "is_active": 1, "created": "2025-01-02"},
            {"id": 5, "user_id": 6, "course_id": ENDED, "mode": "verified", "is_active": 1, "created": "2025-01-02"},
            {"id": 6, "user_id": 2, "course_id": MALFORMED, "mode": "audit", "is_active": 1, "created": "2025-01-02"},
        ],
    )  # fmt: skip
    db.insert(
        "grades_persistentcoursegrade",
        [
            {"id": 1, "user_id": 2, "course_id": ENDED, "percent_grade": 0.91, "letter_grade": "A",
             "passed_timestamp": "2025-05-01", "modified": "2025-05-01"},
            {"id": 2, "user_id": 4, "course_id": ENDED, "percent_grade": 0.4, "modified": "2025-05-01"},
        ],
    )  # fmt: skip
    db.insert(
        "student_courseaccessrole",
        [
            {"id": 1, "user_id": 1, "org": "OLI", "course_id": ENDED, "role": "staff"},
            {"id": 2, "user_id": 1, "org": "OLI", "course_id": ENDED, "role": "instructor"},
            {"id": 3, "user_id": 4, "org": "OLI", "course_id": ENDED, "role": "beta_testers"},
            {"id": 4, "user_id": 1, "org": "OLI", "course_id": "", "role": "data_researcher"},
        ],
    )  # fmt: skip
    db.insert(
        "verify_student_softwaresecurephotoverification",
        [{"id": 1, "user_id": 2, "status": "approved", "created_at": "2025-01-01", "updated_at": "2025-01-01",
          "expiration_date": "2026-01-01"}],
    )  # fmt: skip
    db.insert(
        "verify_student_manualverification",
        [{"id": 1, "user_id": 5, "status": "approved", "created_at": "2025-02-01", "updated_at": "2025-02-01"}],
    )  # fmt: skip
    db.insert(
        "verify_student_ssoverification",
        [{"id": 1, "user_id": 6, "status": "denied", "created_at": "2025-02-01", "updated_at": "2025-02-01"}],
    )  # fmt: skip
    cert = {"created_date": "2025-06-01 10:00:00", "modified_date": "2025-06-03 12:00:00", "grade": "0.91"}
    db.insert(
        "certificates_generatedcertificate",
        [
            # The row's name column is stale: the LMS page printed the profile name.
            {**cert, "id": 10, "user_id": 2, "course_id": ENDED, "verify_uuid": UUID_ALICE, "status": "downloadable",
             "mode": "verified", "name": "Alice L."},
            {**cert, "id": 11, "user_id": 3, "course_id": SELF, "verify_uuid": UUID_BOB, "status": "downloadable",
             "mode": "honor", "name": "Bob Builder", "grade": "0.8"},
            {**cert, "id": 12, "user_id": 4, "course_id": ENDED, "verify_uuid": UUID_CAROL, "status": "audit_passing",
             "mode": "audit", "name": "Carol Danvers", "grade": "0.4"},
            # PDF era: no verify_uuid.
            {**cert, "id": 13, "user_id": 5, "course_id": ENDED, "verify_uuid": "", "status": "downloadable",
             "mode": "verified", "name": "Dave Lister", "download_url": "https://s3.example/cert/13.pdf",
             "download_uuid": "d" * 32, "key": "k" * 32},
            {**cert, "id": 14, "user_id": 6, "course_id": ENDED, "verify_uuid": UUID_ERIN, "status": "unavailable",
             "mode": "verified", "name": "Erin Brockovich", "grade": ""},
            {**cert, "id": 15, "user_id": 7, "course_id": ENDED, "verify_uuid": UUID_FRANK, "status": "notpassing",
             "mode": "honor", "name": "Frank Ocean", "grade": "0.2", "error_reason": "old"},
        ],
    )  # fmt: skip
    db.insert(
        "certificates_generatedcertificate",
        [
            {**cert, "id": ORPHAN_CERT_ID, "user_id": 999, "course_id": ENDED, "verify_uuid": "9" * 32,
             "status": "downloadable", "mode": "honor"},
            {**cert, "id": MALFORMED_CERT_ID, "user_id": 2, "course_id": MALFORMED, "verify_uuid": "8" * 32,
             "status": "downloadable", "mode": "honor"},
        ],
        checks=False,
    )  # fmt: skip
    db.insert(
        "certificates_certificateallowlist",
        [{"id": 1, "user_id": 4, "course_id": ENDED, "allowlist": 1, "notes": "scholarship",
          "created": "2025-03-01", "modified": "2025-03-01"}],
    )  # fmt: skip
    db.insert(
        "certificates_certificateinvalidation",
        [{"id": 1, "generated_certificate_id": 14, "invalidated_by_id": 1, "notes": "plagiarism", "active": 1,
          "created": "2025-06-10", "modified": "2025-06-10"}],
    )  # fmt: skip
    db.insert(
        "certificates_certificatedateoverride",
        [{"id": 1, "generated_certificate_id": 11, "overridden_by_id": 1, "date": "2025-04-01",
          "reason": "exam review", "created": "2025-06-05", "modified": "2025-06-05"}],
    )  # fmt: skip
    db.insert(
        "certificates_certificategenerationcoursesetting",
        [
            {"id": 1, "course_key": ENDED, "self_generation_enabled": 0, "created": "2025-01-01",
             "modified": "2025-01-01"},
            {"id": 2, "course_key": ENDED, "self_generation_enabled": 1, "language_specific_templates_enabled": 1,
             "created": "2025-02-01", "modified": "2025-02-01"},
        ],
    )  # fmt: skip
    db.insert(
        "certificates_certificatetemplate",
        [{"id": 1, "name": "OLI verified", "template": "<p>${accomplishment_copy_name}</p>", "organization_id": 1,
          "mode": "verified", "is_active": 1, "created": "2025-01-01", "modified": "2025-01-01"}],
    )  # fmt: skip
    db.insert(
        "certificates_certificatehtmlviewconfiguration",
        [
            {"id": 1, "change_date": "2020-01-01", "enabled": 0, "configuration": '{"default": {}}'},
            {"id": 2, "change_date": "2024-01-01", "enabled": 1,
             "configuration": '{"default": {"platform_name": "OLI Learn"}}'},
        ],
    )  # fmt: skip
