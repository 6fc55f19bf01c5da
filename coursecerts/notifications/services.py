"""The write path of learner emails: owe them (in the caller's transaction), send what is due (in batches, one
SMTP connection a batch), resend, and the per-run switch.

How another app tells a learner something (the public entry point):

    from coursecerts.notifications import kinds, services
    services.learner_emails_queue(kind=kinds.NAME_CORRECTION_DECIDED, certificates=[certificate],
                                  key=f"correction {correction.pk}", context={"status": ..., "note": ...})

called inside the transaction of the change that owes the email: the rows commit with the change or not at all,
and a task sends them after the commit. `key` makes the email one of its kind for that certificate (the same
kind, certificate and key are sent at most once; another call with them does nothing). Adding a kind is one
kind_register line in kinds.py plus its three templates (kinds.py says where).
"""

from __future__ import annotations

import logging
import random
import smtplib
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from coursecerts.certificates.display import certificates_viewable_for_course, certificates_viewable_from
from coursecerts.certificates.models import CertificateStatuses, GeneratedCertificate
from coursecerts.common.errors import ApplicationError
from coursecerts.courses.models import CourseRun
from coursecerts.notifications import kinds
from coursecerts.notifications.learner_page import learner_page_urls
from coursecerts.notifications.models import CourseRunEmailSettings, EmailStates, LearnerEmail, LearnerPage
from coursecerts.notifications.rendering import NoAddress, email_message

log = logging.getLogger(__name__)


def issue_key(certificate: GeneratedCertificate) -> str:
    """The key of an issue: when the certificate last became downloadable (re-saving never moves it)."""
    issued = certificate.issued_date or certificate.created_date
    return issued.isoformat() if issued else "unknown"


def learner_emails_queue(
    *,
    kind: str,
    certificates: Iterable[GeneratedCertificate],
    key: str | None = None,
    context: dict | None = None,
    requested_by: User | None = None,
    send: bool = True,
) -> int:
    """Owe an email of `kind` to each certificate's learner, in the caller's transaction, and send it after the
    commit (unless `send` is false: the email sink, whose run_due follows). `key`: what makes it one of its
    kind (None: the certificate's issue, issue_key); an email already owed or sent with the same kind,
    certificate and key is not owed again. `context`: what the kind's templates need beyond the certificate
    (a "language" in it overrides the course's). Returns how many rows were new (none while
    LEARNER_EMAILS_ENABLED is false: nobody is emailed)."""
    if kind not in kinds.KINDS:
        raise ValueError(f"Unknown email kind {kind!r}: register it in coursecerts.notifications.kinds.")
    if not settings.LEARNER_EMAILS_ENABLED:
        return 0
    now = timezone.now()
    rows = [
        LearnerEmail(
            kind=kind,
            certificate_id=certificate.pk,
            key=key if key is not None else issue_key(certificate),
            context=context or {},
            requested_by=requested_by,
            created=now,
            updated=now,
            next_attempt_at=now,
        )  # fmt: skip
        for certificate in certificates
    ]
    created = _insert_new(rows)
    if created and send:
        send_after_commit()
    return created


def _insert_new(rows: list[LearnerEmail]) -> int:
    """Insert the rows whose (certificate, kind, key) is new (the unique constraint drops a repeat written at
    the same time); returns how many were new."""
    if not rows:
        return 0
    existing = set(
        LearnerEmail.objects.filter(
            kind__in={row.kind for row in rows}, certificate_id__in={row.certificate_id for row in rows}
        ).values_list("certificate_id", "kind", "key")
    )
    fresh = [row for row in rows if (row.certificate_id, row.kind, row.key) not in existing]
    LearnerEmail.objects.bulk_create(fresh, ignore_conflicts=True, batch_size=1000)
    return len(fresh)


def send_after_commit() -> None:
    """Queue the send task once the current transaction commits (one task a transaction: a course-wide chunk
    is one; a second in the same transaction finds nothing more to do). Robust: a broker that cannot be
    reached is logged, never the caller's error (the emails stay owed for the next run)."""
    transaction.on_commit(_kick, robust=True)


def _kick() -> None:
    from coursecerts.notifications.tasks import send_learner_emails

    send_learner_emails.delay()


def runs_with_emails_off(course_ids: Iterable) -> set[str]:
    """Which of these runs have their issue emails turned off."""
    return {
        str(pk)
        for pk in CourseRunEmailSettings.objects.filter(
            course_run_id__in=set(course_ids), emails_enabled=False
        ).values_list("course_run_id", flat=True)
    }


# --- sending -----------------------------------------------------------------------------------------------------


@dataclass
class _Outcome:
    state: str
    error: str = ""
    wait_until: datetime | None = None  # not an attempt: the certificate does not show yet


def learner_emails_send_due(*, limit: int | None = None) -> int:
    """Send every email due now (at most `limit`), a batch at a time on one SMTP connection; returns how many
    were attempted. Several senders at once never send the same email (a conditional claim with a lease)."""
    size = settings.LEARNER_EMAIL_BATCH_SIZE
    done = 0
    while limit is None or done < limit:
        batch = _claim(min(size, limit - done) if limit else size)
        if batch is None:
            break
        if batch:
            _send(batch)
            done += len(batch)
    return done


def _unclaimed(now) -> Q:
    return Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)


def _claim(size: int) -> list[LearnerEmail] | None:
    """The batch this sender claimed ([] when another took it first), or None when nothing is due."""
    now = timezone.now()
    due = list(
        LearnerEmail.objects.filter(_unclaimed(now), state=EmailStates.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:size]
    )
    if not due:
        return None
    claim = uuid.uuid4()
    lease = timedelta(seconds=settings.EMAIL_TIMEOUT * 2 + len(due) + 60)
    LearnerEmail.objects.filter(_unclaimed(now), pk__in=due, state=EmailStates.PENDING).update(
        claim=claim, claimed_until=now + lease
    )
    return list(
        LearnerEmail.objects.filter(pk__in=due, claim=claim).select_related(
            "certificate__user__profile", "certificate__course__organization"
        )
    )


def _send(batch: list[LearnerEmail]) -> None:
    outcomes: dict[int, _Outcome] = {}
    messages = []
    off = runs_with_emails_off({email.certificate.course_id for email in batch})
    pages = learner_page_urls({email.certificate.user_id for email in batch})
    hidden = _hidden_until({email.certificate.course for email in batch})
    for email in batch:
        if (skip := _skip_reason(email, off)) is not None:
            outcomes[email.pk] = skip
            continue
        if (until := hidden.get(email.certificate.course_id)) is not None:
            outcomes[email.pk] = _Outcome(
                EmailStates.PENDING, "Waits until the run shows certificates.", until
            )
            continue
        try:
            message = email_message(
                kind=email.kind,
                certificate=email.certificate,
                context=email.context,
                learner_page_url=pages.get(email.certificate.user_id, ""),
            )
            messages.append((email, message))
        except NoAddress as exc:
            outcomes[email.pk] = _Outcome(EmailStates.FAILED, str(exc))
        except Exception as exc:  # a template error: kept on the row, retried (a fixed template sends it)
            log.exception("learner emails: rendering email %s failed", email.pk)
            outcomes[email.pk] = _Outcome(
                EmailStates.PENDING, f"Rendering failed: {type(exc).__name__}: {exc}"
            )
    if messages:
        outcomes |= _deliver(messages)
    _record(batch, outcomes)


def _hidden_until(runs: set) -> dict:
    """The runs whose display rules hide certificates for now (ADR 0011), with when to look again: the email
    waits for its certificate to show (the date the run gives, or a day)."""
    now = timezone.now()
    return {
        run.pk: certificates_viewable_from(run) or now + timedelta(days=1)
        for run in runs
        if not certificates_viewable_for_course(run, now)
    }


def _skip_reason(email: LearnerEmail, off: set[str]) -> _Outcome | None:
    if email.certificate.status != CertificateStatuses.DOWNLOADABLE:
        return _Outcome(EmailStates.CANCELLED, "The certificate is no longer downloadable.")
    if (
        email.kind == kinds.ISSUED
        and not email.key.startswith(RESEND)
        and str(email.certificate.course_id) in off
    ):
        return _Outcome(EmailStates.CANCELLED, "The run's emails are turned off.")
    return None


def _deliver(messages: Sequence) -> dict[int, _Outcome]:
    """Hand the messages to the email backend on LEARNER_EMAIL_CONNECTIONS connections at once (threads: while
    one waits for the server, another builds its next message)."""
    connections = min(settings.LEARNER_EMAIL_CONNECTIONS, len(messages))
    if connections <= 1:
        return _deliver_on_one(messages)
    shares = [messages[index::connections] for index in range(connections)]
    outcomes: dict[int, _Outcome] = {}
    with ThreadPoolExecutor(max_workers=connections, thread_name_prefix="learner-email") as pool:
        for share in pool.map(_deliver_on_one, shares):
            outcomes |= share
    return outcomes


def _deliver_on_one(messages: Sequence) -> dict[int, _Outcome]:
    """Hand the messages to the email backend on one connection. A refused address fails that email only; a
    connection that cannot be opened or breaks leaves the rest for a retry."""
    outcomes: dict[int, _Outcome] = {}
    backend = get_connection(fail_silently=False)
    try:
        backend.open()
    except Exception as exc:
        error = f"Could not connect to the mail server: {type(exc).__name__}: {exc}"
        log.warning("learner emails: %s (%d emails wait for a retry)", error, len(messages))
        return {email.pk: _Outcome(EmailStates.PENDING, error) for email, _ in messages}
    try:
        for index, (email, message) in enumerate(messages):
            message.connection = backend
            try:
                backend.send_messages([message])
                outcomes[email.pk] = _Outcome(EmailStates.SENT)
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
                permanent = _permanent(exc)
                outcomes[email.pk] = _Outcome(
                    EmailStates.FAILED if permanent else EmailStates.PENDING, _smtp_error(exc)
                )
            except smtplib.SMTPResponseException as exc:
                outcomes[email.pk] = _Outcome(
                    EmailStates.FAILED if exc.smtp_code >= 500 else EmailStates.PENDING, _smtp_error(exc)
                )
            except Exception as exc:  # the connection broke: this one and the rest wait for a retry
                error = f"{type(exc).__name__}: {exc}"
                for left, _ in messages[index:]:
                    outcomes[left.pk] = _Outcome(EmailStates.PENDING, error)
                break
    finally:
        try:
            backend.close()
        except Exception:  # noqa: S110  (closing a broken connection: nothing left to do)
            pass
    return outcomes


def _permanent(exc: smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused) -> bool:
    """A 5xx answer is final; a 4xx one is worth a retry."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    return exc.smtp_code >= 500


def _smtp_error(exc: smtplib.SMTPException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{address} refused: {code} {message.decode(errors='replace')}"
            for address, (code, message) in exc.recipients.items()
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        error = (
            exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        )
        return f"{exc.smtp_code} {error}"
    return str(exc)


def _record(batch: list[LearnerEmail], outcomes: dict[int, _Outcome]) -> None:
    """Each email's new state, one UPDATE per outcome the batch shares (every email sent alike), guarded by the
    claim: an email taken over by another sender after a lost lease is not overwritten. (bulk_update's CASE per
    row is far slower.)"""
    now = timezone.now()
    delays: dict[int, datetime | None] = {}  # one retry time per attempt count in a batch
    groups: dict[tuple, list[int]] = defaultdict(list)
    for email in batch:
        outcome = outcomes[email.pk]
        if outcome.wait_until is not None:  # not an attempt: the certificate does not show yet
            groups[(outcome.state, max(outcome.wait_until, now), outcome.error, None, 0)].append(email.pk)
            continue
        attempts, state, next_at, sent_at = email.attempts + 1, outcome.state, None, None
        if state == EmailStates.SENT:
            sent_at = now
        elif state == EmailStates.PENDING:
            if attempts not in delays:
                delay = _retry_delay(attempts)
                delays[attempts] = None if delay is None else now + timedelta(seconds=delay)
            next_at = delays[attempts]
            if next_at is None:
                state = EmailStates.FAILED
        if state == EmailStates.FAILED:
            log.warning("learner emails: email %s (%s, certificate %s) failed: %s", email.pk, email.kind,
                        email.certificate_id, outcome.error)  # fmt: skip
        elif state == EmailStates.PENDING:
            log.info("learner emails: email %s will be retried at %s: %s", email.pk, next_at, outcome.error)
        groups[(state, next_at, outcome.error, sent_at, 1)].append(email.pk)
    claims = {email.claim for email in batch}
    for (state, next_at, error, sent_at, counted), pks in groups.items():
        LearnerEmail.objects.filter(pk__in=pks, claim__in=claims).update(
            state=state,
            next_attempt_at=next_at,
            last_error=error,
            sent_at=sent_at,
            attempts=F("attempts") + counted,
            claim=None,
            claimed_until=None,
            updated=now,
        )


def _retry_delay(attempts: int) -> float | None:
    schedule = settings.LEARNER_EMAIL_RETRY_SCHEDULE
    if attempts > len(schedule):
        return None
    delay = schedule[attempts - 1]
    return delay + random.uniform(0, delay / 10)


# --- the course team's actions ---------------------------------------------------------------------------------


RESEND = "resend"  # the start of a resend's key


class NothingToResend(ApplicationError):
    pass


@transaction.atomic
def learner_emails_resend(
    *, course_run: CourseRun, usernames: list[str] | None = None, actor: User | None = None
) -> int:
    """Send the issue email again to these learners of the run (None: every learner with a downloadable
    certificate), even if the run's emails are off: the course team asked. Returns how many were owed."""
    downloadable = GeneratedCertificate.objects.filter(
        course=course_run, status=CertificateStatuses.DOWNLOADABLE
    )
    if usernames is not None:
        downloadable = downloadable.filter(user__username__in=usernames)
    certificates = list(downloadable.only("pk", "issued_date", "created_date"))
    if usernames is not None and not certificates:
        raise NothingToResend("None of these learners has a downloadable certificate in this run.")
    key = f"{RESEND} {timezone.now().isoformat()}"
    return learner_emails_queue(kind=kinds.ISSUED, certificates=certificates, key=key, requested_by=actor)


@transaction.atomic
def course_run_emails_set(
    *, course_run: CourseRun, enabled: bool, actor: User | None = None
) -> CourseRunEmailSettings:
    """Turn the run's issue emails on or off. Off: the issue emails not sent yet are cancelled when their turn
    comes (resends the course team asks for are still sent)."""
    setting, _ = CourseRunEmailSettings.objects.update_or_create(
        course_run=course_run, defaults={"emails_enabled": enabled, "changed_by": actor}
    )
    return setting


def course_run_emails_enabled(course_run: CourseRun) -> bool:
    setting = CourseRunEmailSettings.objects.filter(course_run=course_run).first()
    return setting.emails_enabled if setting else True


@transaction.atomic
def learner_emails_retry(*, emails: Iterable[LearnerEmail]) -> int:
    """Make failed or cancelled emails due again now (an operator's retry); returns how many."""
    now = timezone.now()
    return LearnerEmail.objects.filter(
        pk__in=[email.pk for email in emails], state__in=[EmailStates.FAILED, EmailStates.CANCELLED]
    ).update(state=EmailStates.PENDING, attempts=0, next_attempt_at=now, last_error="", updated=now)


def learner_emails_forget(*, certificates: Iterable[GeneratedCertificate]) -> int:
    """A retired learner (ADR 0012), in the retirement's transaction: their emails not sent yet are cancelled,
    the context of every one of them (a requested name...) is blanked, and their page of certificates goes.
    Returns how many emails changed."""
    certificates = list(certificates)
    emails = LearnerEmail.objects.filter(certificate__in=[certificate.pk for certificate in certificates])
    now = timezone.now()
    emails.filter(state=EmailStates.PENDING).update(
        state=EmailStates.CANCELLED, last_error="The learner was retired.", next_attempt_at=None, updated=now
    )
    changed = emails.exclude(context={}).update(context={}, updated=now)
    LearnerPage.objects.filter(user_id__in={certificate.user_id for certificate in certificates}).delete()
    return changed
