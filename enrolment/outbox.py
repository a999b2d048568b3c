"""The notification outbox (:class:`enrolment.models.Notice`).

``notify`` stores a notice in the caller's transaction and, once that transaction commits, asks a Celery task to
send it. Sending (``deliver``) locks the row (``skip_locked``: two workers never hold the same notice), sends,
and marks it sent in the same transaction; a failure records the error and the time of the next attempt. The
periodic ``deliver_due`` sends whatever is waiting, so a notice whose task was lost (broker down) still goes
out. A notice is never sent after it was marked sent.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone

from config.sweeps import Ref

from .models import Notice, NoticeStatus

MAX_ATTEMPTS = 8


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
        rows.append(Notice(key=n["key"], audience=n["audience"], to=n["to"], subject=n["subject"][:300],
                           body=n["body"], about_model=about.model if about else "",
                           about_pk=about.pk if about else None, about_label=about.label[:300] if about else ""))
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


def deliver(notice_id: int, *, now: datetime | None = None) -> bool:
    """Send one waiting notice if it is due; ``True`` when it went out now."""
    now = now or timezone.now()
    with transaction.atomic():
        notice = (Notice.objects.select_for_update(skip_locked=True)
                  .filter(pk=notice_id, status=NoticeStatus.PENDING, next_attempt_at__lte=now).first())
        if notice is None:
            return False
        message = EmailMessage(subject=notice.subject, body=notice.body, to=[notice.to])
        if notice.attachment_name:
            message.attach(notice.attachment_name, bytes(notice.attachment or b""), notice.attachment_type)
        try:
            message.send(fail_silently=False)
        except Exception as error:  # noqa: BLE001 - any mail failure: keep the notice and try again later
            attempts = notice.attempts + 1
            Notice.objects.filter(pk=notice.pk).update(
                attempts=attempts, last_error=f"{type(error).__name__}: {error}"[:2000],
                next_attempt_at=now + retry_delay(attempts),
                status=NoticeStatus.FAILED if attempts >= MAX_ATTEMPTS else NoticeStatus.PENDING)
            return False
        Notice.objects.filter(pk=notice.pk).update(status=NoticeStatus.SENT, sent_at=now,
                                                   attempts=notice.attempts + 1, last_error="")
        return True


def deliver_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Send every waiting notice that is due (oldest first); the number sent."""
    now = now or timezone.now()
    ids = list(Notice.objects.filter(status=NoticeStatus.PENDING, next_attempt_at__lte=now)
               .order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit])
    return sum(deliver(pk, now=now) for pk in ids)


def retry(notice_id: int, *, now: datetime | None = None) -> None:
    """Staff send a notice that was given up on again: it waits once more, from now."""
    Notice.objects.filter(pk=notice_id, status=NoticeStatus.FAILED).update(
        status=NoticeStatus.PENDING, next_attempt_at=now or timezone.now())
    transaction.on_commit(lambda: _enqueue(notice_id))
