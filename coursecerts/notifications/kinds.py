"""The kinds of email a learner gets. Each kind is a name, a description for the admin, and three templates:

    notifications/email/<name>/subject.txt   one line (rendered, then stripped)
    notifications/email/<name>/body.txt      the plain-text part
    notifications/email/<name>/body.html     the HTML part

rendered in the course's language with rendering.email_context (the certificate, the learner, the course, the
organisation, the links) plus the email's own `context` (what the caller gave services.learner_emails_queue).

To add a kind: register it here (one line), write its three templates (they may extend
notifications/email/base.html and base.txt), and call services.learner_emails_queue(kind=..., ...) in the
transaction of the change that owes it. No migration: LearnerEmail.kind is a plain string."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EmailKind:
    name: str
    description: str


KINDS: dict[str, EmailKind] = {}


def kind_register(name: str, description: str) -> str:
    KINDS[name] = EmailKind(name, description)
    return name


ISSUED = kind_register("issued", "The certificate was issued (it became downloadable).")
# The certificates app's name corrections (ADR 0024): context {"status", "requested_name", "note"}.
NAME_CORRECTION_DECIDED = kind_register(
    "name_correction_decided", "The course team approved or refused the learner's name correction."
)
# The certificates app's expiry notices (ADR 0025): the certificate's expires_date says when.
EXPIRY_NOTICE = kind_register("expiry_notice", "The certificate expires soon.")
