"""Log-in and session security: Argon2 hashes, the lockout after repeated failed log-ins (django-axes), secure
headers and the content security policy, session expiry, and ``check --deploy`` clean under config.production."""

import os
import secrets
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from config.security import client_ip

ROOT = Path(__file__).resolve().parents[2]


def log_in(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


# ------------------------------------------------------------------------------------------------ hashing ----
def test_new_passwords_are_hashed_with_argon2():
    assert settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert make_password("a long enough password").startswith("argon2$argon2id$")


def test_an_older_pbkdf2_hash_is_upgraded_to_argon2_at_the_next_log_in(make_user, user_password):
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    user = make_user("legacy")
    user.password = PBKDF2PasswordHasher().encode(user_password, PBKDF2PasswordHasher().salt())
    user.save(update_fields=["password"])
    assert log_in(Client(), "legacy", user_password).status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")


# ------------------------------------------------------------------------------------------------ lockout ----
def test_five_failed_log_ins_lock_the_account_even_for_the_right_password(student_admin, user_password):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = log_in(client, "student_admin", "wrong password")
        assert response.status_code == 200  # the form again, with its error
        assert "Please enter a correct username and password" in response.content.decode()
    response = log_in(client, "student_admin", "wrong password")
    assert response.status_code == 429
    response = log_in(Client(REMOTE_ADDR="10.1.2.3"), "student_admin", user_password)  # another address too
    assert response.status_code == 429
    page = response.content.decode()
    assert "Log-in locked" in page and "Try again in 15 minutes" in page
    assert "_auth_user_id" not in client.session


def test_the_lock_ends_after_the_cool_off_and_a_success_resets_the_count(student_admin, user_password):
    from axes.models import AccessAttempt

    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "student_admin", "wrong password")
    assert log_in(client, "student_admin", user_password).status_code == 429
    # The failures age past the cool-off.
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1))
    assert log_in(client, "student_admin", user_password).status_code == 302
    # The success wiped the earlier failures: four more do not lock.
    other = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(other, "student_admin", "wrong password")
    assert log_in(other, "student_admin", user_password).status_code == 302


def test_the_administrator_can_unlock_an_account(student_admin, user_password):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(Client(), "student_admin", "wrong password")
    assert log_in(Client(), "student_admin", user_password).status_code == 429
    call_command("axes_reset_username", "student_admin", stdout=StringIO())
    assert log_in(Client(), "student_admin", user_password).status_code == 302


def test_password_spraying_from_one_address_locks_that_address_only(make_user, user_password):
    for i in range(settings.AXES_FAILURE_LIMIT):
        make_user(f"user{i}")
        log_in(Client(REMOTE_ADDR="203.0.113.9"), f"user{i}", "Winter2026!")
    make_user("innocent")
    assert log_in(Client(REMOTE_ADDR="203.0.113.9"), "innocent", user_password).status_code == 429
    assert log_in(Client(REMOTE_ADDR="198.51.100.7"), "innocent", user_password).status_code == 302


def test_the_admin_log_in_is_locked_too(make_user, user_password):
    make_user("root", is_staff=True, is_superuser=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post(reverse("admin:login"), {"username": "root", "password": "guess"})
    response = Client().post(reverse("admin:login"), {"username": "root", "password": user_password})
    assert response.status_code == 429


@pytest.mark.parametrize(("proxies", "forwarded", "expected"), [
    (0, "6.6.6.6", "10.0.0.5"),                       # no proxy: the header is the client's own claim
    (1, "6.6.6.6, 192.0.2.44", "192.0.2.44"),         # the proxy appended the address it saw
    (1, "", "10.0.0.5"),                              # no header at all
    (2, "6.6.6.6, 192.0.2.44, 10.9.9.9", "192.0.2.44"),
])
def test_the_lockout_reads_the_address_the_trusted_proxy_saw(proxies, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(EEL_TRUSTED_PROXIES=proxies):
        assert client_ip(request) == expected


# ---------------------------------------------------------------------------------------- headers and CSP ----
def test_pages_carry_the_security_headers_and_the_content_security_policy(client_as, student_admin):
    for response in (Client().get(reverse("login")), client_as(student_admin).get(reverse("dashboard"))):
        assert response.status_code == 200
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
        assert policy["default-src"] == "'self'"
        assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"  # no 'unsafe-inline'
        assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"


def test_cookies_are_http_only_and_same_site(student_admin, user_password):
    client = Client()
    client.get(reverse("login"))
    response = log_in(client, "student_admin", user_password)
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"] and session["samesite"] == "Lax"
    assert client.cookies[settings.CSRF_COOKIE_NAME]["httponly"]


# ------------------------------------------------------------------------------------------------ session ----
def test_the_session_key_changes_at_log_in(student_admin, user_password):
    client = Client()
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    log_in(client, "student_admin", user_password)
    assert client.session.session_key != before


def test_a_session_ends_after_eight_hours_and_when_the_browser_closes(student_admin, user_password):
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    client = Client()
    log_in(client, "student_admin", user_password)
    assert client.get(reverse("students:list")).status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("students:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_log_out_is_a_post_and_ends_the_session(client_as, student_admin):
    client = client_as(student_admin)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("students:list")).status_code == 302
    assert get_user_model().objects.filter(username="student_admin").exists()


# ------------------------------------------------------------------------------------------ check --deploy ----
def production_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DATABASE_URL": os.environ.get("DATABASE_URL") or "postgres://eel@localhost/eel_office",
        "DJANGO_ALLOWED_HOSTS": "eel-office.example.org",
        **extra,
    })
    return env


def test_check_deploy_reports_no_issue_under_the_production_settings():
    run = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"], cwd=ROOT,
                         env=production_env(), capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "System check identified no issues (0 silenced)." in run.stdout


def test_production_cookies_are_secure_and_host_only():
    code = ("from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
            "s.LANGUAGE_COOKIE_SECURE, s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.EEL_TRUSTED_PROXIES, "
            "s.DEBUG, s.SECURE_HSTS_SECONDS >= 31536000)")
    run = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], cwd=ROOT,
                         env=production_env(), capture_output=True, text=True, timeout=120)
    assert run.stdout.split() == ["True", "True", "True", "__Host-sessionid", "__Host-csrftoken", "1", "False",
                                  "True"], run.stderr


def test_production_refuses_to_start_without_a_real_secret_key():
    run = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=production_env(DJANGO_SECRET_KEY="x"),
                         capture_output=True, text=True, timeout=120)
    assert run.returncode != 0 and "DJANGO_SECRET_KEY" in run.stderr


# ------------------------------------------------------------------------------------ exports are logged ----
def test_every_download_is_logged_with_who_and_what(client_as, student_admin, make_user, caplog):
    import logging

    from students.models import Student

    Student.objects.create(number="2600001", first_name="An", last_name="Peeters", date_of_birth="2008-03-01",
                           email="an@example.org", street="Markt 1", postcode="3500", city="Hasselt")
    client = client_as(student_admin)
    with caplog.at_level(logging.INFO, logger="eel.exports"):
        assert client.get(reverse("students:list")).status_code == 200  # a page: not logged
        assert client.get(reverse("students:list") + "?format=csv").status_code == 200
        assert client.get(reverse("students:statement_pdf", args=["2600001"])).status_code == 200
    records = [r for r in caplog.records if r.name == "eel.exports"]
    assert [(r.user, r.path.split("?")[0]) for r in records] == [
        ("student_admin", reverse("students:list")), ("student_admin", reverse("students:statement_pdf",
                                                                              args=["2600001"]))]
    assert "file=students-" in records[0].getMessage() and "type=text/csv" in records[0].getMessage()


def test_a_refused_download_is_not_logged_as_an_export(client_as, lecturer, caplog):
    import logging

    with caplog.at_level(logging.INFO, logger="eel.exports"):
        assert client_as(lecturer).get(reverse("students:list") + "?format=csv").status_code == 403
    assert not [r for r in caplog.records if r.name == "eel.exports"]
