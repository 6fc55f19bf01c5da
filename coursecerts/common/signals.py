"""Signals that cross app boundaries, with their Open edX names (openedx.core.djangoapps.signals).

Producers send them from their services; the certificates app receives them in handlers.py.
"""

from django.dispatch import Signal

# grades: the learner's course grade went from not passing (or none) to passing, and back. kwargs: user, course_run
COURSE_GRADE_NOW_PASSED = Signal()
COURSE_GRADE_NOW_FAILED = Signal()  # kwargs: user, course_run, grade (the PersistentCourseGrade)
# enrollments: an existing enrollment changed mode. kwargs: user, course_run, mode
ENROLLMENT_TRACK_UPDATED = Signal()
# verify_student: an ID verification became approved. kwargs: user
IDV_ATTEMPT_APPROVED = Signal()
# exams: a proctored exam attempt was rejected. kwargs: user, course_run
EXAM_ATTEMPT_REJECTED = Signal()
# courses: a run switched between self- and instructor-paced. kwargs: course_run
COURSE_PACING_CHANGED = Signal()

# certificates (outputs, sent after commit): kwargs user_id, course_key, mode, status, certificate
# (the learner is certificate.user; not loaded here, so that a course-wide run sends thousands cheaply)
COURSE_CERT_CHANGED = Signal()
COURSE_CERT_AWARDED = Signal()
COURSE_CERT_REVOKED = Signal()
# certificates: a learner was put on the allowlist. kwargs: user, course_run, entry
ALLOWLIST_ENTRY_ADDED = Signal()
# certificates: sent INSIDE the transaction that wrote certificates (generation, one learner or a chunk;
# revocation; reissue; retirement), so that what depends on them is written in the same transaction (the
# credentials app issues and revokes Open Badges credentials, set-based). kwargs: certificates (the
# GeneratedCertificate objects as written), reason ("changed", "reissued", "retired")
CERTIFICATES_WRITTEN = Signal()
# certificates: sent INSIDE the transaction of the decision on a name correction (ADR 0024), so the learner's
# email is queued with it (the notifications app). kwargs: correction (NameCorrectionRequest: status approved or
# refused, note, certificate as reissued)
NAME_CORRECTION_DECIDED = Signal()
# certificates: sent INSIDE the transaction that records expiry notices owed (ADR 0025). kwargs: notices (a list
# of CertificateExpiryNotice, with .certificate). A receiver that takes them over (queues the emails) returns
# True; the notices are then marked sent, else they stay owed and are offered again at the next run.
CERTIFICATE_EXPIRY_NOTICES_OWED = Signal()
