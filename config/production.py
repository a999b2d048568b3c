"""Production settings: the base settings plus the hardening ``check --deploy`` asks for.

Use with ``DJANGO_SETTINGS_MODULE=config.production``; requires DJANGO_SECRET_KEY, DATABASE_URL and
DJANGO_ALLOWED_HOSTS, and REDIS_URL for Celery. Mail goes out by SMTP: DJANGO_EMAIL_HOST, DJANGO_EMAIL_PORT,
DJANGO_EMAIL_HOST_USER, DJANGO_EMAIL_HOST_PASSWORD, DJANGO_EMAIL_USE_TLS or DJANGO_EMAIL_USE_SSL ("1"),
DJANGO_EMAIL_TIMEOUT (seconds), DJANGO_DEFAULT_FROM_EMAIL; DJANGO_EMAIL_BACKEND names another backend.
"""

import os

from .settings import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise RuntimeError("config.production needs DJANGO_SECRET_KEY (at least 50 random characters).")
if not os.environ.get("DATABASE_URL"):
    raise RuntimeError("config.production needs DATABASE_URL (PostgreSQL).")

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
# The __Host- prefix: the browser keeps these cookies only when Secure, for this host alone, on the path /.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "1") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# One reverse proxy (it sets X-Forwarded-Proto and X-Forwarded-For); the log-in lockout reads the address it saw.
EEL_TRUSTED_PROXIES = int(os.environ.get("EEL_TRUSTED_PROXIES", "1"))
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Mail (the notification outbox, enrolment/outbox.py). SMTP unless DJANGO_EMAIL_BACKEND names another backend:
# the console backend of the base settings would mark every notice sent without sending it. The timeout keeps a
# mail server that hangs from holding a notice (and its worker) for ever; the outbox then tries again later.
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("DJANGO_EMAIL_USE_TLS", "0") == "1"  # STARTTLS, usually port 587
EMAIL_USE_SSL = os.environ.get("DJANGO_EMAIL_USE_SSL", "0") == "1"  # implicit TLS, usually port 465
EMAIL_TIMEOUT = int(os.environ.get("DJANGO_EMAIL_TIMEOUT", "30"))
SERVER_EMAIL = os.environ.get("DJANGO_SERVER_EMAIL", DEFAULT_FROM_EMAIL)  # noqa: F405
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise RuntimeError("config.production: set DJANGO_EMAIL_USE_TLS or DJANGO_EMAIL_USE_SSL, not both.")
