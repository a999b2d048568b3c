"""The notification outbox (:class:`enrolment.models.Notice`): every notice is stored first and sent afterwards, so
a broker or mail failure loses nothing.

How a notice goes out
    ``notify`` stores it in the caller's transaction (once per ``key``); when that transaction commits, the task
    ``outbox.deliver_notice`` sends it. The beat runs ``outbox.deliver_due`` every minute: it sends whatever is
    due, so a notice whose task was lost (broker down, worker killed) still goes out within a minute or so.

How one notice is sent (``deliver``), in two short transactions
    1. *Claim*: lock the row if it waits and is due, skipping a row another worker holds (``skip_locked``). Count
       the attempt, move ``next_attempt_at`` to the back-off time and write :data:`INTERRUPTED` as the error, as if
       the attempt had already failed; commit. From now on no other worker finds it due. (``deliver_due`` claims
       a small batch in one transaction, then sends them one by one.)
    2. *Send*: lock the row again and check that the attempt is still ours and the notice still to be sent
       (the fence: ``attempts``, status and the "interrupted" note; a later claim or a :func:`withdraw` changes
       them). Send while the row is locked, then mark it sent, or write the mail server's error, in the same
       transaction. Nobody else can claim, send or withdraw it meanwhile, so two workers never send one notice.

When a worker dies
    * before the claim commits: nothing happened; the notice is sent later.
    * after the claim, before the mail server accepted the message: the attempt counts, the error says
      "interrupted", and the notice is sent after the back-off.
    * after the mail server accepted the message, before the commit ("sent, then died"): the database still
      says "waiting, interrupted", so the notice is sent again after the back-off. This window (the time of one
      commit) is the only way a notice can go out twice, and no outbox can close it: the mail server and the
      database share no transaction. We choose "at least once" (a lost decision letter is worse than a double
      one), and every copy carries the same ``Message-ID`` (:func:`message_id`), by which mail servers and
      clients that deduplicate recognise the copy.
    * a notice that kills its worker every time is counted each time and given up after ``MAX_ATTEMPTS``
      (by the claim that finds the last attempt interrupted).

Retries and giving up
    After a failed attempt the notice waits ``retry_delay(attempts)`` (1, 2, 4, ... minutes). The attempt that
    reaches ``MAX_ATTEMPTS`` (about two hours of trying) leaves it ``FAILED`` with its error, on the staff page
    "Outbox"; so does an error that trying again cannot cure (no or an invalid address, an address the mail
    server refuses for good). Staff's "send again" (:func:`retry`, :func:`retry_all_failed`) tries it at once.
"""

from __future__ import annotations

import enum
import smtplib
import socket
import time
from datetime import datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.sweeps import Ref

from .models import Notice, NoticeStatus

MAX_ATTEMPTS = 8

# Errors the outbox writes itself (stored in English, shown translated by :func:`error_text`).
INTERRUPTED = "Interrupted while sending (the worker stopped); it may or may not have gone out."
NO_ADDRESS = "No e-mail address."
# A notice withdrawn before it went out (``withdraw``) is failed with this prefix and the reason; never sent again.
WITHDRAWN_PREFIX = "Withdrawn: "
KNOWN_ERRORS = {
    INTERRUPTED: _("Interrupted while sending (the worker stopped); it may or may not have gone out."),
    NO_ADDRESS: _("No e-mail address."),
}


def error_text(last_error: str) -> str:
    """The stored error in words for the page (the outbox's own errors translated, the mail server's as it said)."""
    return str(KNOWN_ERRORS.get(last_error, last_error))


def retry_delay(attempts: int) -> timedelta:
    """Back-off after ``attempts`` failed attempts: 1, 2, 4, ... minutes, at most 6 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def notify(*, key: str, audience: str, to: str, subject: str, body: str, about: Ref | None = None,
           attachment: tuple[str, bytes, str] | None = None) -> Notice:
    """Store the notice ``key`` (once: asking again returns the stored one) and send it after commit."""
    existing = Notice.objects.filter(key=key).first()
    if existing is not None:
        return existing
    fields = {"audience": audience, "to": to, "subject": subject[:300], "body": body}
    if about is not None:
        fields.update(about_model=about.model, about_pk=about.pk, about_label=about.label[:300])
    if attachment is not None:
        fields.update(attachment_name=attachment[0], attachment=attachment[1], attachment_type=attachment[2])
    try:
        with transaction.atomic():
            notice = Notice.objects.create(key=key, **fields)
    except IntegrityError:  # stored by a concurrent caller
        return Notice.objects.get(key=key)
    transaction.on_commit(lambda: _enqueue(notice.pk))
    return notice


def notify_many(notices: list[dict]) -> int:
    """Store many notices at once (a sweep's reminders to thousands of students): each dict has the arguments
    of :func:`notify`. Keys already stored are left as they are (one insert, conflicts ignored); the waiting
    ones go out through ``deliver_due`` after commit. Returns how many keys were new."""
    if not notices:
        return 0
    keys = [n["key"] for n in notices]
    known = set()
    for start in range(0, len(keys), 5000):
        known.update(Notice.objects.filter(key__in=keys[start:start + 5000]).values_list("key", flat=True))
    rows = []
    for n in notices:
        if n["key"] in known:
            continue
        about = n.get("about")
        attachment = n.get("attachment")
        rows.append(Notice(key=n["key"], audience=n["audience"], to=n["to"], subject=n["subject"][:300],
                           body=n["body"], about_model=about.model if about else "",
                           about_pk=about.pk if about else None, about_label=about.label[:300] if about else "",
                           attachment_name=attachment[0] if attachment else "",
                           attachment=attachment[1] if attachment else None,
                           attachment_type=attachment[2] if attachment else ""))
        known.add(n["key"])
    Notice.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    if rows:
        transaction.on_commit(_enqueue_due)
    return len(rows)


def _enqueue_due() -> None:
    from .tasks import deliver_due as deliver_due_task

    try:
        deliver_due_task.delay()
    except Exception:  # noqa: BLE001 - broker down: the beat's deliver_due sends them later
        pass


def _enqueue(notice_id: int) -> None:
    from .tasks import deliver_notice

    try:
        deliver_notice.delay(notice_id)
    except Exception:  # noqa: BLE001 - broker down: the periodic deliver_due sends it later
        pass


def message_id(notice: Notice) -> str:
    """The notice's own ``Message-ID``, the same on every copy, so a copy sent twice is recognisably one."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "eel-office.invalid"
    return f"<notice.{notice.pk}.{notice.created_at:%Y%m%d%H%M%S}@{domain}>"


def _is_permanent(error: Exception) -> bool:
    """Trying again cannot cure it: an address Django cannot use, or one every mail server answer refused for
    good (5xx). Anything else (server down, timeouts, 4xx) is tried again."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return bool(error.recipients) and all(code >= 500 for code, _msg in error.recipients.values())
    return isinstance(error, ValueError)


class Outcome(enum.Enum):
    SKIPPED = "skipped"  # no longer ours (claimed again by another worker, withdrawn)
    SENT = "sent"
    FAILED = "failed"  # this attempt failed (the notice waits again, or was given up)


def _claim(notice_id: int, now: datetime) -> int | None:
    """Step 1 of :func:`deliver`: the attempt number when this worker now owns an attempt, else ``None``."""
    with transaction.atomic():
        notice = (Notice.objects.select_for_update(skip_locked=True).only("pk", "attempts", "last_error")
                  .filter(pk=notice_id, status=NoticeStatus.PENDING, next_attempt_at__lte=now).first())
        if notice is None:
            return None
        if notice.attempts >= MAX_ATTEMPTS and notice.last_error == INTERRUPTED:
            # The last attempt died on its way (a notice that kills its worker): give up, keep the note.
            Notice.objects.filter(pk=notice_id).update(status=NoticeStatus.FAILED)
            return None
        attempt = notice.attempts + 1
        Notice.objects.filter(pk=notice_id).update(
            attempts=attempt, next_attempt_at=now + retry_delay(attempt), last_error=INTERRUPTED)
        return attempt


def _claim_batch(now: datetime, limit: int) -> list[tuple[int, int]]:
    """Step 1 of :func:`deliver` for up to ``limit`` due notices at once (oldest first): ``(id, attempt)`` of
    those this worker now owns. One transaction and a few statements for the lot."""
    with transaction.atomic():
        rows = list(Notice.objects.select_for_update(skip_locked=True)
                    .filter(status=NoticeStatus.PENDING, next_attempt_at__lte=now)
                    .order_by("next_attempt_at", "id").values_list("pk", "attempts", "last_error")[:limit])
        given_up = {pk for pk, attempts, error in rows if attempts >= MAX_ATTEMPTS and error == INTERRUPTED}
        if given_up:
            Notice.objects.filter(pk__in=given_up).update(status=NoticeStatus.FAILED)
        claimed = [(pk, attempts + 1) for pk, attempts, _error in rows if pk not in given_up]
        by_attempt: dict[int, list[int]] = {}
        for pk, attempt in claimed:
            by_attempt.setdefault(attempt, []).append(pk)
        for attempt, pks in by_attempt.items():
            Notice.objects.filter(pk__in=pks).update(attempts=attempt, next_attempt_at=now + retry_delay(attempt),
                                                     last_error=INTERRUPTED)
        return claimed


def _send(notice_id: int, attempt: int, connection=None) -> tuple[Outcome, Exception | None]:
    """Step 2 of :func:`deliver`: send the claimed ``attempt`` of the notice, under its row lock; the outcome and
    the mail error, if any."""
    with transaction.atomic():
        # Blocking lock: whoever holds the row (a withdrawal, a worker whose claim expired) finishes first; the
        # fence then tells whether the attempt is still ours and the notice still to be sent.
        notice = (Notice.objects.select_for_update()
                  .filter(pk=notice_id, attempts=attempt, status=NoticeStatus.PENDING, last_error=INTERRUPTED)
                  .first())
        if notice is None:
            return Outcome.SKIPPED, None
        try:
            if not notice.to.strip():
                raise ValueError(NO_ADDRESS)
            message = EmailMessage(subject=notice.subject, body=notice.body, to=[notice.to],
                                   headers={"Message-ID": message_id(notice)}, connection=connection)
            if notice.attachment_name:
                message.attach(notice.attachment_name, bytes(notice.attachment or b""), notice.attachment_type)
            message.send(fail_silently=False)
        except Exception as error:  # noqa: BLE001 - any mail failure: keep the notice, try again or give up
            give_up = attempt >= MAX_ATTEMPTS or _is_permanent(error)
            Notice.objects.filter(pk=notice_id).update(
                last_error=_words(error), status=NoticeStatus.FAILED if give_up else NoticeStatus.PENDING)
            if connection is not None:
                _close_quietly(connection)  # a broken connection: the next message opens a new one
            return Outcome.FAILED, error
        Notice.objects.filter(pk=notice_id).update(status=NoticeStatus.SENT, sent_at=timezone.now(), last_error="")
        return Outcome.SENT, None


def _words(error: Exception) -> str:
    return (str(error) if str(error) == NO_ADDRESS else f"{type(error).__name__}: {error}")[:2000]


def _server_unusable(error: Exception) -> bool:
    """The mail server cannot be reached or refuses us (not one message or address): the next message would
    fail the same way."""
    if isinstance(error, smtplib.SMTPResponseException) and not isinstance(error, smtplib.SMTPAuthenticationError):
        return False  # an answer about this message (sender, data)
    return isinstance(error, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError,
                              smtplib.SMTPAuthenticationError, ConnectionError, TimeoutError, socket.gaierror))


def _release(claimed: list[tuple[int, int]], error: Exception) -> None:
    """Claimed notices not tried because the server is unusable: this attempt failed with the same error."""
    for attempt in {attempt for _pk, attempt in claimed}:
        pks = [pk for pk, a in claimed if a == attempt]
        Notice.objects.filter(pk__in=pks, attempts=attempt, status=NoticeStatus.PENDING,
                              last_error=INTERRUPTED).update(
            last_error=_words(error), status=NoticeStatus.FAILED if attempt >= MAX_ATTEMPTS else NoticeStatus.PENDING)


def deliver(notice_id: int, *, now: datetime | None = None) -> bool:
    """Send one waiting notice if it is due; ``True`` when it went out now."""
    attempt = _claim(notice_id, now or timezone.now())
    return attempt is not None and _send(notice_id, attempt)[0] is Outcome.SENT


def deliver_due(*, now: datetime | None = None, batch: int = 25, time_budget: float = 50.0) -> int:
    """Send every waiting notice that is due, oldest first, over one mail connection: claim ``batch`` of them,
    send those, and again, until none is due or ``time_budget`` seconds have passed (the beat starts another run
    every minute; runs at the same time share the work, a batch each). When the mail server cannot be reached,
    the rest of the batch is not tried (each would wait for the same timeout) but fails with the same error,
    and the run ends. The number sent."""
    started = time.monotonic()
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception:  # noqa: BLE001 - the mail server is down: the first attempt records the error
        pass
    sent = 0
    try:
        while True:
            claimed = _claim_batch(now or timezone.now(), batch)
            for i, (pk, attempt) in enumerate(claimed):
                outcome, error = _send(pk, attempt, connection)
                sent += outcome is Outcome.SENT
                if error is not None and _server_unusable(error):
                    _release(claimed[i + 1:], error)
                    return sent
            if not claimed or time.monotonic() - started > time_budget:
                return sent  # nothing due, or all of it held by other workers, or time for the next run
    finally:
        _close_quietly(connection)


def _close_quietly(connection) -> None:
    try:
        connection.close()
    except Exception:  # noqa: BLE001 - closing a connection that is already broken
        pass


def withdraw(key: str, reason: str) -> bool:
    """Keep a notice that waits from going out (an invitation to a hearing that was replaced): it is marked not
    sent, with the reason, and staff cannot send it again. Waits for a delivery in progress; a notice already
    sent stays sent (``False``)."""
    with transaction.atomic():
        notice = Notice.objects.select_for_update().filter(key=key, status=NoticeStatus.PENDING).first()
        if notice is None:
            return False
        Notice.objects.filter(pk=notice.pk).update(status=NoticeStatus.FAILED,
                                                   last_error=f"{WITHDRAWN_PREFIX}{reason}"[:2000])
        return True


def is_withdrawn(notice: Notice) -> bool:
    return notice.status == NoticeStatus.FAILED and notice.last_error.startswith(WITHDRAWN_PREFIX)


def _retryable():
    return Notice.objects.filter(status=NoticeStatus.FAILED).exclude(last_error__startswith=WITHDRAWN_PREFIX)


def retry(notice_id: int) -> bool:
    """Staff send a notice that was given up on again: it is tried at once. The attempts so far stay counted, so
    when they were used up this is one more attempt (failed again, with the new error, when it fails too).
    ``False`` when the notice is not failed (sent meanwhile, already waiting, or withdrawn): nothing changes."""
    changed = _retryable().filter(pk=notice_id).update(status=NoticeStatus.PENDING, next_attempt_at=timezone.now(),
                                                       last_error="")
    if changed:
        transaction.on_commit(lambda: _enqueue(notice_id))
    return bool(changed)


def retry_all_failed() -> int:
    """Staff send every failed notice again (after the mail server was repaired); how many."""
    changed = _retryable().update(status=NoticeStatus.PENDING, next_attempt_at=timezone.now(), last_error="")
    if changed:
        transaction.on_commit(_enqueue_due)
    return changed
