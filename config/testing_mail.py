"""A mail backend for tests only (never in settings): a mail server that tests can break and repair, also from
another process (a Celery worker started by the test).

Everything lives in the folder named by the environment variable ``EEL_TEST_MAIL_DIR``:

- ``fail``: while this file exists, every send raises ``SMTPServerDisconnected`` (the file's text as reason);
- ``delay``: seconds each send takes (a slow server, so that two workers overlap);
- ``sent.jsonl``: one line per accepted message (to, subject, Message-ID, the sending process), appended with
  one ``write`` so lines of several processes do not mix.

Use with ``DJANGO_EMAIL_BACKEND=config.testing_mail.SwitchableBackend`` (workers) or the ``settings`` fixture.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from smtplib import SMTPServerDisconnected

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import sanitize_address

ENV = "EEL_TEST_MAIL_DIR"


def folder() -> Path:
    return Path(os.environ[ENV])


def set_failing(on: bool, reason: str = "mail server down (test switch)", where: Path | None = None) -> None:
    path = (where or folder()) / "fail"
    if on:
        path.write_text(reason)
    else:
        path.unlink(missing_ok=True)


def set_delay(seconds: float, where: Path | None = None) -> None:
    ((where or folder()) / "delay").write_text(str(seconds))


def sent(where: Path | None = None) -> list[dict]:
    path = (where or folder()) / "sent.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line]


class SwitchableBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        where = folder()
        fail = where / "fail"
        if fail.exists():
            raise SMTPServerDisconnected(fail.read_text())
        delay = where / "delay"
        if delay.exists():
            time.sleep(float(delay.read_text() or 0))
        for message in email_messages:
            message.message()  # builds it as the SMTP backend does: bad headers and addresses raise here
            for address in message.recipients():
                sanitize_address(address, message.encoding or "utf-8")
            line = json.dumps({"to": message.to, "subject": message.subject,
                               "message_id": message.extra_headers.get("Message-ID", ""),
                               "attachments": [a[0] for a in message.attachments], "pid": os.getpid()})
            fd = os.open(where / "sent.jsonl", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, (line + "\n").encode())
            finally:
                os.close(fd)
        return len(email_messages)
