"""Issue 5 acceptance, notifications on real Celery workers: two ``celery -A config worker`` processes against the
real Redis (REDIS_URL) and the test database, with the switchable mail server of config/testing_mail.py, whose
switch (a file) the test flips while the workers run.

- Two workers running ``outbox.deliver_due`` at once, and the tasks enqueued again, send each notice once.
- With the mail server failing the notices stay in the outbox; once it recovers they go out, each once.
- A worker killed while it sends: the notice is not lost; the other worker sends it, once.
"""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from config import testing_mail
from config.celery import app
from enrolment import outbox
from enrolment.models import Notice, NoticeAudience, NoticeStatus

pytestmark = [
    pytest.mark.celery,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL): run scripts/test.sh"),
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]
# A queue of this test process only: another test run on the same Redis db neither takes nor purges its tasks.
QUEUE = f"eel-test-outbox-{os.getpid()}"


def purge():
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(QUEUE)


def waiting_in_queue() -> int:
    with app.connection_for_write() as conn:
        return conn.default_channel.queue_declare(QUEUE).message_count


def send(task: str, *args):
    """By name, as the beat and ``notify`` send them."""
    app.send_task(task, args=args, queue=QUEUE)


def store(n: int, prefix: str) -> list[Notice]:
    """Notices as ``notify_many`` stores them (here without asking for the task: the test sends its own)."""
    return Notice.objects.bulk_create([
        Notice(key=f"{prefix}.{i}", audience=NoticeAudience.STUDENT, to=f"student{i}@example.org",
               subject=f"Subject {prefix}.{i}", body="Your appeal ...") for i in range(n)])


def wait_until(condition, what: str, timeout: float = 120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"{what}: not within {timeout}s; notices: "
                f"{list(Notice.objects.values('key', 'status', 'attempts', 'last_error'))}")


def wait_idle(names, timeout: float = 120):
    """The queue is empty and both workers answer that they run and hold nothing (a busy solo worker does not
    answer at all)."""
    def idle():
        if waiting_in_queue():
            return False
        inspect = app.control.inspect(destination=names, timeout=1)
        active, reserved = inspect.active() or {}, inspect.reserved() or {}
        return (set(active) == set(reserved) == set(names)
                and not any(active.values()) and not any(reserved.values()))

    wait_until(idle, "the workers did not finish their tasks", timeout)


@pytest.fixture
def mail_dir(tmp_path, monkeypatch):
    folder = tmp_path / "mail"
    folder.mkdir()
    monkeypatch.setenv(testing_mail.ENV, str(folder))
    return folder


@pytest.fixture
def workers(tmp_path, mail_dir):
    """Two ``celery worker`` processes on the test database with the switchable mail server, by name; waits until
    both answer a ping."""
    db = connection.settings_dict
    env = {**os.environ, "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
           "DATABASE_CONN_MAX_AGE": "0", "DJANGO_EMAIL_BACKEND": "config.testing_mail.SwitchableBackend",
           testing_mail.ENV: str(mail_dir)}
    names = [f"postman{i}-{os.getpid()}@test" for i in (1, 2)]
    logs = {name: tmp_path / f"{name}.log" for name in names}
    procs = {name: subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--concurrency=1", "-n", name,
         "-Q", QUEUE, "--without-gossip", "--without-mingle", "-l", "info"],
        cwd=ROOT, env=env, stdout=logs[name].open("w"), stderr=subprocess.STDOUT) for name in names}
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            answered = {k for reply in app.control.ping(destination=names, timeout=1) for k in reply}
            if answered == set(names):
                break
            assert all(p.poll() is None for p in procs.values()), [log.read_text() for log in logs.values()]
        else:
            pytest.fail("the workers did not start: " + " / ".join(log.read_text() for log in logs.values()))
        purge()
        yield procs
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs.values():
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        purge()


def sent_once(mail_dir, expected_keys) -> Counter:
    """Every expected notice was accepted by the mail server exactly once; the processes that sent them."""
    lines = testing_mail.sent(mail_dir)
    by_subject = Counter(m["subject"] for m in lines)
    assert by_subject == {f"Subject {key}": 1 for key in expected_keys}, by_subject
    ids = {n.pk: outbox.message_id(n) for n in Notice.objects.all()}
    assert sorted(m["message_id"] for m in lines) == sorted(ids[n.pk] for n in Notice.objects.filter(
        key__in=expected_keys))
    return Counter(m["pid"] for m in lines)


def test_two_workers_running_deliver_due_at_once_send_each_notice_once(workers, mail_dir):
    notices = store(40, "bulk")
    testing_mail.set_delay(0.1, mail_dir)  # a slow mail server: the two workers' runs overlap
    send("outbox.deliver_due")
    send("outbox.deliver_due")
    wait_until(lambda: not Notice.objects.exclude(status=NoticeStatus.SENT).exists(), "all sent")
    senders = sent_once(mail_dir, [n.key for n in notices])
    assert len(senders) == 2, senders  # both workers sent, at the same time, and none sent one twice

    # Everything again: the beat's next run, a task per notice, a redelivered task.
    for _ in range(2):
        send("outbox.deliver_due")
    for n in notices:
        send("outbox.deliver_notice", n.pk)
    wait_idle(list(workers))
    sent_once(mail_dir, [n.key for n in notices])
    assert set(Notice.objects.values_list("status", "attempts")) == {(NoticeStatus.SENT, 1)}


def test_mail_failing_the_notices_wait_and_go_out_once_it_recovers(workers, mail_dir):
    notices = store(12, "appeal")
    testing_mail.set_failing(True, "421 mail.example.org Service not available", where=mail_dir)
    send("outbox.deliver_due")
    for n in notices[:4]:
        send("outbox.deliver_notice", n.pk)  # the tasks notify asks for after commit
    wait_idle(list(workers))
    assert testing_mail.sent(mail_dir) == []
    assert set(Notice.objects.values_list("status", "attempts", "last_error")) == {
        (NoticeStatus.PENDING, 1, "SMTPServerDisconnected: 421 mail.example.org Service not available")}

    # Still down at the next attempt.
    Notice.objects.update(next_attempt_at=timezone.now())  # the back-off has passed
    send("outbox.deliver_due")
    wait_idle(list(workers))
    assert testing_mail.sent(mail_dir) == [] and set(Notice.objects.values_list("attempts", flat=True)) == {2}

    testing_mail.set_failing(False, where=mail_dir)
    Notice.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    send("outbox.deliver_due")
    send("outbox.deliver_due")
    for n in notices:
        send("outbox.deliver_notice", n.pk)
    wait_idle(list(workers))
    sent_once(mail_dir, [n.key for n in notices])
    assert set(Notice.objects.values_list("status", "attempts", "last_error")) == {(NoticeStatus.SENT, 3, "")}


def test_a_worker_killed_while_sending_loses_nothing_and_the_other_sends_it_once(workers, mail_dir):
    (notice,) = store(1, "letter")
    testing_mail.set_delay(30, mail_dir)  # the mail server takes its time: the worker is killed meanwhile
    send("outbox.deliver_notice", notice.pk)
    wait_until(lambda: Notice.objects.filter(pk=notice.pk, attempts=1).exists(), "claimed")
    time.sleep(0.5)  # into the send
    # Which worker took it: the one that does not answer a ping (a solo worker is deaf while it works).
    answered = {k for reply in app.control.ping(destination=list(workers), timeout=1) for k in reply}
    (busy,) = set(workers) - answered
    workers[busy].kill()
    workers[busy].wait()

    notice.refresh_from_db()
    assert (notice.status, notice.attempts, notice.last_error) == (NoticeStatus.PENDING, 1, outbox.INTERRUPTED)
    assert testing_mail.sent(mail_dir) == []

    (other,) = answered
    testing_mail.set_delay(0, mail_dir)
    send("outbox.deliver_due")  # before the back-off: nothing
    wait_idle([other])
    assert testing_mail.sent(mail_dir) == []
    Notice.objects.update(next_attempt_at=timezone.now())  # the back-off has passed
    send("outbox.deliver_due")
    wait_until(lambda: Notice.objects.filter(status=NoticeStatus.SENT).exists(), "sent by the other worker")
    wait_idle([other])
    sent_once(mail_dir, [notice.key])
    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == (NoticeStatus.SENT, 2)
