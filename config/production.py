"""Production settings: the base settings plus the hardening ``check --deploy`` asks for.

Use with ``DJANGO_SETTINGS_MODULE=config.production``; requires DJANGO_SECRET_KEY, DATABASE_URL and
DJANGO_ALLOWED_HOSTS, and REDIS_URL for Celery.
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
