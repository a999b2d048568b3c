"""Issue 5, notifications: the outbox (enrolment/outbox.py) in-process, with a mail server tests break and repair
(config/testing_mail.py).

Acceptance: "With the mail backend failing, notices stay in the outbox and go out once it recovers; none twice."
"""

import os
import smtplib
import subprocess
import sys
import threading
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.utils import timezone

from config import testing_mail
from config.celery import app
from config.sweeps import Ref
from enrolment import outbox, tasks
from enrolment.models import Notice, NoticeAudience, NoticeStatus

ROOT = Path(__file__).resolve().parents[2]
# A moment after every notice a test stores (they are due from the moment they are stored).
T0 = timezone.now().replace(microsecond=0) + timedelta(hours=1)


@pytest.fixture
def mailbox(tmp_path, monkeypatch, settings):
    """The switchable mail server; ``mailbox.sent()`` what it accepted, ``mailbox.fail(on)`` breaks it."""
    monkeypatch.setenv(testing_mail.ENV, str(tmp_path))
    settings.EMAIL_BACKEND = "config.testing_mail.SwitchableBackend"

    class Box:
        fail = staticmethod(testing_mail.set_failing)
        sent = staticmethod(testing_mail.sent)

        @staticmethod
        def subjects():
            return Counter(m["subject"] for m in testing_mail.sent())

    return Box


@pytest.fixture
def eager(monkeypatch):
    """The tasks run in-process when the transaction commits (as without REDIS_URL)."""
    monkeypatch.setitem(app.conf, "task_always_eager", True)


def make(key, to="an.peeters@example.org", **extra):
    return outbox.notify(key=key, audience=NoticeAudience.STUDENT, to=to, subject=f"Subject {key}",
                         body=f"Body of {key}", **extra)


def test_retry_delay_doubles_from_one_minute_up_to_six_hours():
    assert [outbox.retry_delay(n).total_seconds() / 60 for n in range(1, 11)] == [
        1, 2, 4, 8, 16, 32, 64, 128, 256, 360]


@pytest.mark.django_db
def test_notify_stores_a_key_once_and_sends_it_after_commit(mailbox, eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = make("t.1", about=Ref("appeals.appeal", 7, "AP-2026-007"),
                     attachment=("letter.pdf", b"%PDF-1.4", "application/pdf"))
        again = make("t.1")
        assert mailbox.sent() == []  # not before the commit
    assert again.pk == first.pk and len(callbacks) == 1
    notice = Notice.objects.get()
    assert (notice.status, notice.attempts, notice.last_error) == (NoticeStatus.SENT, 1, "")
    assert notice.sent_at is not None and (notice.about_model, notice.about_pk) == ("appeals.appeal", 7)
    (message,) = mailbox.sent()
    assert message["to"] == ["an.peeters@example.org"] and message["attachments"] == ["letter.pdf"]
    assert message["message_id"] == outbox.message_id(notice)


@pytest.mark.django_db
def test_nothing_is_sent_when_the_transaction_rolls_back(mailbox, eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            make("t.1")
            raise RuntimeError("the decision is refused after all")
    assert callbacks == [] and not Notice.objects.exists() and mailbox.sent() == []


@pytest.mark.django_db
def test_broker_down_the_notice_waits_and_the_beat_sends_it(mailbox, monkeypatch,
                                                             django_capture_on_commit_callbacks):
    def broker_down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(tasks.deliver_notice, "delay", broker_down)
    monkeypatch.setattr(tasks.deliver_due, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        make("t.1")
        outbox.notify_many([{"key": "t.2", "audience": NoticeAudience.CHAIR, "to": "chair@example.org",
                             "subject": "Subject t.2", "body": "b"}])
    assert set(Notice.objects.values_list("status", flat=True)) == {NoticeStatus.PENDING}
    assert outbox.deliver_due() == 2
    assert mailbox.subjects() == {"Subject t.1": 1, "Subject t.2": 1}


@pytest.mark.django_db
def test_acceptance_mail_failing_the_notices_wait_and_go_out_once_when_it_recovers(mailbox):
    for i in range(5):
        make(f"t.{i}")
    outbox.notify_many([{"key": f"bulk.{i}", "audience": NoticeAudience.STUDENT, "to": f"s{i}@example.org",
                         "subject": f"Subject bulk.{i}", "body": "b"} for i in range(20)])
    mailbox.fail(True)

    assert outbox.deliver_due(now=T0) == 0
    notices = list(Notice.objects.all())
    assert len(notices) == 25 and mailbox.sent() == []
    assert all(n.status == NoticeStatus.PENDING and n.attempts == 1 for n in notices)
    assert all(n.last_error.startswith("SMTPServerDisconnected: mail server down") for n in notices)
    assert all(n.next_attempt_at == T0 + timedelta(minutes=1) for n in notices)

    # Within the back-off nothing is tried; the task of one notice is no shortcut either.
    assert outbox.deliver_due(now=T0 + timedelta(seconds=59)) == 0
    assert outbox.deliver(notices[0].pk, now=T0 + timedelta(seconds=59)) is False
    assert Notice.objects.filter(attempts=1).count() == 25

    # Still down a minute later: second attempt, next one two minutes on.
    assert outbox.deliver_due(now=T0 + timedelta(minutes=1)) == 0
    assert set(Notice.objects.values_list("attempts", "next_attempt_at")) == {(2, T0 + timedelta(minutes=3))}

    mailbox.fail(False)
    assert outbox.deliver_due(now=T0 + timedelta(minutes=3)) == 25
    assert set(Notice.objects.values_list("status", "attempts", "last_error")) == {(NoticeStatus.SENT, 3, "")}
    # Beat, tasks and a redelivered task again: nothing more goes out.
    assert outbox.deliver_due(now=T0 + timedelta(hours=1)) == 0
    assert not any(outbox.deliver(n.pk, now=T0 + timedelta(hours=1)) for n in notices)
    subjects = mailbox.subjects()
    assert len(subjects) == 25 and set(subjects.values()) == {1}
    assert len({m["message_id"] for m in mailbox.sent()}) == 25


@pytest.mark.django_db
def test_after_max_attempts_a_notice_stays_failed_visible_and_staff_can_send_it_again(
        mailbox, eager, django_capture_on_commit_callbacks):
    notice = make("t.1")
    mailbox.fail(True, "421 Service not available")
    moment = T0
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        assert outbox.deliver_due(now=moment) == 0
        notice.refresh_from_db()
        assert notice.attempts == attempt
        moment += outbox.retry_delay(attempt)
    assert notice.status == NoticeStatus.FAILED
    assert notice.last_error == "SMTPServerDisconnected: 421 Service not available"
    # Given up: the beat leaves it alone.
    assert outbox.deliver_due(now=moment + timedelta(days=30)) == 0
    assert Notice.objects.get().attempts == outbox.MAX_ATTEMPTS

    mailbox.fail(False)
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.retry(notice.pk) is True
    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == (NoticeStatus.SENT, outbox.MAX_ATTEMPTS + 1)
    assert mailbox.subjects() == {"Subject t.1": 1}
    assert outbox.retry(notice.pk) is False  # sent: nothing to send again


@pytest.mark.django_db
def test_staff_retry_of_a_notice_whose_attempts_are_used_up_is_one_more_attempt(mailbox):
    notice = make("t.1")
    Notice.objects.filter(pk=notice.pk).update(status=NoticeStatus.FAILED, attempts=outbox.MAX_ATTEMPTS,
                                               last_error="SMTPServerDisconnected: down")
    mailbox.fail(True, "still down")
    assert outbox.retry(notice.pk) is True
    assert outbox.deliver_due() == 0
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.FAILED and notice.last_error == "SMTPServerDisconnected: still down"
    assert notice.attempts == outbox.MAX_ATTEMPTS + 1


@pytest.mark.django_db
def test_an_error_that_trying_again_cannot_cure_gives_up_at_once(mailbox, monkeypatch):
    no_address = make("t.empty", to="  ")
    refused = make("t.refused", to="nobody@example.org")
    busy = make("t.busy", to="busy@example.org")

    real = testing_mail.SwitchableBackend.send_messages

    def refusing(self, messages):
        to = messages[0].to[0]
        if to == "nobody@example.org":
            raise smtplib.SMTPRecipientsRefused({to: (550, b"5.1.1 User unknown")})
        if to == "busy@example.org":
            raise smtplib.SMTPRecipientsRefused({to: (451, b"4.3.0 Try again later")})
        return real(self, messages)

    monkeypatch.setattr(testing_mail.SwitchableBackend, "send_messages", refusing)
    outbox.deliver_due(now=T0)
    no_address.refresh_from_db()
    refused.refresh_from_db()
    busy.refresh_from_db()
    assert (no_address.status, no_address.last_error) == (NoticeStatus.FAILED, outbox.NO_ADDRESS)
    assert refused.status == NoticeStatus.FAILED and "User unknown" in refused.last_error
    assert busy.status == NoticeStatus.PENDING and "Try again later" in busy.last_error  # 4xx: tried again


@pytest.mark.django_db
def test_a_mail_server_that_cannot_be_reached_is_tried_once_per_run_not_once_per_notice(mailbox, monkeypatch):
    """Each try would wait for the connection timeout: the run stops at the first, and the notices it had
    claimed fail this attempt with the same error (and wait for their next one)."""
    for i in range(30):
        make(f"t.{i}")
    tries = []

    def refused(self, messages):
        tries.append(messages[0].to)
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(testing_mail.SwitchableBackend, "send_messages", refused)
    assert outbox.deliver_due(now=T0) == 0
    assert len(tries) == 1
    claimed = Notice.objects.filter(attempts=1)
    assert claimed.count() == 25  # one batch
    assert set(claimed.values_list("status", "last_error")) == {
        (NoticeStatus.PENDING, "ConnectionRefusedError: [Errno 111] Connection refused")}
    assert Notice.objects.filter(attempts=0, last_error="").count() == 5  # not claimed: due for the next run


class WorkerDied(BaseException):
    """What a killed process looks like from inside: nothing after it runs, its transaction is rolled back."""


@pytest.mark.django_db
def test_mail_sent_then_the_worker_dies_before_commit_it_goes_again_with_the_same_message_id(mailbox, monkeypatch):
    """The documented window: the database cannot know the mail server accepted the message. The notice is
    retried after the back-off (at least once, never lost); both copies carry one Message-ID."""
    notice = make("t.1")
    real = testing_mail.SwitchableBackend.send_messages

    def accept_then_die(self, messages):
        real(self, messages)
        raise WorkerDied

    monkeypatch.setattr(testing_mail.SwitchableBackend, "send_messages", accept_then_die)
    with pytest.raises(WorkerDied):
        outbox.deliver(notice.pk, now=T0)
    notice.refresh_from_db()
    assert (notice.status, notice.attempts, notice.last_error) == (NoticeStatus.PENDING, 1, outbox.INTERRUPTED)
    assert notice.next_attempt_at == T0 + timedelta(minutes=1)
    monkeypatch.setattr(testing_mail.SwitchableBackend, "send_messages", real)

    assert outbox.deliver_due(now=T0 + timedelta(seconds=30)) == 0  # a restarted worker waits the back-off
    assert outbox.deliver_due(now=T0 + timedelta(minutes=1)) == 1
    first, second = mailbox.sent()
    assert first["message_id"] == second["message_id"] == outbox.message_id(notice)
    assert Notice.objects.get().status == NoticeStatus.SENT


@pytest.mark.django_db
def test_a_notice_that_kills_its_worker_every_time_is_given_up_after_max_attempts(mailbox, monkeypatch):
    notice = make("t.1")

    def die(self, messages):
        raise WorkerDied

    monkeypatch.setattr(testing_mail.SwitchableBackend, "send_messages", die)
    moment = T0
    for _attempt in range(outbox.MAX_ATTEMPTS):
        with pytest.raises(WorkerDied):
            outbox.deliver_due(now=moment)
        notice.refresh_from_db()
        moment = notice.next_attempt_at
    assert notice.attempts == outbox.MAX_ATTEMPTS and notice.status == NoticeStatus.PENDING
    assert outbox.deliver_due(now=moment) == 0  # the claim after the last attempt gives up
    notice.refresh_from_db()
    assert (notice.status, notice.attempts, notice.last_error) == (
        NoticeStatus.FAILED, outbox.MAX_ATTEMPTS, outbox.INTERRUPTED)
    assert mailbox.sent() == []


@pytest.mark.django_db
def test_a_withdrawn_notice_is_not_sent_and_staff_cannot_send_it_again(mailbox):
    notice = make("t.1")
    assert outbox.withdraw("t.1", "the hearing was planned again") is True
    assert outbox.withdraw("t.1", "twice") is False
    notice.refresh_from_db()
    assert outbox.is_withdrawn(notice)
    assert outbox.retry(notice.pk) is False and outbox.retry_all_failed() == 0
    assert outbox.deliver_due() == 0 and mailbox.sent() == []


@pytest.mark.django_db
def test_a_withdrawal_between_claim_and_send_wins(mailbox, monkeypatch):
    """The fence of the second step: a notice withdrawn after this worker claimed it is not sent."""
    notice = make("t.1")
    claim = outbox._claim

    def claim_then_withdraw(notice_id, now):
        attempt = claim(notice_id, now)
        outbox.withdraw("t.1", "replaced")
        return attempt

    monkeypatch.setattr(outbox, "_claim", claim_then_withdraw)
    assert outbox.deliver(notice.pk, now=T0) is False
    assert mailbox.sent() == [] and outbox.is_withdrawn(Notice.objects.get())


@pytest.mark.django_db
def test_retry_all_failed_sends_every_failed_notice_again(mailbox):
    make("t.sent")
    assert outbox.deliver_due(now=T0) == 1
    for i in range(3):
        make(f"t.{i}")
    Notice.objects.filter(status=NoticeStatus.PENDING).update(
        status=NoticeStatus.FAILED, attempts=outbox.MAX_ATTEMPTS, last_error="SMTPServerDisconnected: x")
    assert outbox.retry_all_failed() == 3
    assert outbox.deliver_due() == 3
    assert mailbox.subjects() == {"Subject t.0": 1, "Subject t.1": 1, "Subject t.2": 1, "Subject t.sent": 1}


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_notice_once(mailbox):
    """Two threads (two database connections) run deliver_due on the same due notices with a slow mail server."""
    outbox.notify_many([{"key": f"bulk.{i}", "audience": NoticeAudience.STUDENT, "to": f"s{i}@example.org",
                         "subject": f"Subject bulk.{i}", "body": "b"} for i in range(30)])
    testing_mail.set_delay(0.02)
    counts, errors = [], []
    start = threading.Barrier(2)

    def worker():
        try:
            start.wait()
            counts.append(outbox.deliver_due())
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == [] and sum(counts) == 30
    subjects = mailbox.subjects()
    assert len(subjects) == 30 and set(subjects.values()) == {1}
    assert set(Notice.objects.values_list("status", "attempts")) == {(NoticeStatus.SENT, 1)}


def test_production_sends_by_smtp_configured_from_the_environment(tmp_path):
    """config.production: SMTP by default (never the console backend of the base settings), from DJANGO_EMAIL_*."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.production", "DJANGO_SECRET_KEY": "k" * 60,
           "DATABASE_URL": "postgres://eel@db.example.org/eel", "DJANGO_EMAIL_HOST": "smtp.example.org",
           "DJANGO_EMAIL_PORT": "587", "DJANGO_EMAIL_USE_TLS": "1", "DJANGO_EMAIL_HOST_USER": "eel",
           "DJANGO_EMAIL_HOST_PASSWORD": "secret", "DJANGO_DEFAULT_FROM_EMAIL": "EEL Office <office@uni.example>"}
    env.pop("DJANGO_EMAIL_BACKEND", None)
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.EMAIL_USE_SSL, s.EMAIL_TIMEOUT, "
            "s.EMAIL_HOST_USER, s.EMAIL_HOST_PASSWORD)")
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT,
                         check=True)
    assert run.stdout.split() == ["django.core.mail.backends.smtp.EmailBackend", "smtp.example.org", "587", "True",
                                  "False", "30", "eel", "secret"]
    both = subprocess.run([sys.executable, "-c", code], env={**env, "DJANGO_EMAIL_USE_SSL": "1"},
                          capture_output=True, text=True, cwd=ROOT)
    assert both.returncode != 0 and "not both" in both.stderr


def test_the_message_id_names_the_notice_and_the_sender_domain(settings, db):
    settings.DEFAULT_FROM_EMAIL = "EEL Office <office@uni.example>"
    notice = make("t.1")
    assert outbox.message_id(notice) == f"<notice.{notice.pk}.{notice.created_at:%Y%m%d%H%M%S}@uni.example>"
