"""Sentences the console shows that are defined outside it (the eligibility reasons, Reason's labels, and the
generation scopes), listed so that makemessages puts them in the console's catalogue for translation."""

from django.utils.translation import gettext_noop

REASON_LABELS = [
    gettext_noop("Passed the course"),
    gettext_noop("On the certificate allowlist"),
    gettext_noop("Custom (CCX) courses do not issue certificates"),
    gettext_noop("Beta testers do not receive certificates"),
    gettext_noop("No course grade"),
    gettext_noop("Grade below the passing mark"),
    gettext_noop("The certificate has been invalidated"),
    gettext_noop("Not enrolled in the course"),
    gettext_noop("Enrollment mode does not lead to a certificate"),
    gettext_noop("Identity not verified"),
    gettext_noop("Already holds a downloadable certificate"),
    gettext_noop("Web certificates are not enabled for the course"),
]
SCOPE_LABELS = [
    gettext_noop("All learners without a certificate"),
    gettext_noop("Learners on the allowlist"),
    gettext_noop("Allowlisted learners without a passing certificate"),
    gettext_noop("Named learners"),
    gettext_noop("Learners whose certificate has one of the given statuses (regeneration)"),
]
DISPLAY_LABELS = [
    gettext_noop("At the end of the course"),
    gettext_noop("On the certificate available date"),
    gettext_noop("Immediately upon passing"),
]
STATE_LABELS = [
    gettext_noop("Pending"),
    gettext_noop("Running"),
    gettext_noop("Succeeded"),
    gettext_noop("Failed"),
]
