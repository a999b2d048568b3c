"""Log-in lockout (django-axes calls :func:`lockout_response` and :func:`client_ip`) and the log of downloads
(:class:`ExportLogMiddleware`)."""

import logging

from axes.helpers import get_cool_off, get_failure_limit
from django.shortcuts import render


def lockout_response(request, original_response=None, credentials=None):
    """HTTP 429 with the page saying how many failures lock the account and for how many minutes."""
    cool_off = get_cool_off(request)
    return render(request, "registration/locked_out.html", {
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }, status=429)


def client_ip(request) -> str | None:
    """The client's address for the lockout (``AXES_CLIENT_IP_CALLABLE``).

    Behind ``EEL_TRUSTED_PROXIES`` reverse proxies, each appends the address it received the request from to
    X-Forwarded-For, so the client is the entry that many places from the end: entries before it are whatever
    the client sent and are not trusted. With no proxy (0) it is the socket's address.
    """
    from django.conf import settings

    proxies = settings.EEL_TRUSTED_PROXIES
    if proxies:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR")


export_log = logging.getLogger("eel.exports")


class ExportLogMiddleware:
    """Logs every download (a response sent as an attachment: the CSV exports, the PDF statements, letters and
    reports, the evidence documents), with who, what and when, on the ``eel.exports`` logger. Personal data that
    leaves the office this way can then be traced; the log holds the path and file name, never the contents."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        disposition = response.get("Content-Disposition", "")
        if response.status_code == 200 and disposition.startswith("attachment"):
            user = getattr(request, "user", None)
            export_log.info(
                "export user=%s path=%s file=%s type=%s", getattr(user, "username", "") or "-",
                request.get_full_path(), disposition.partition("filename=")[2].strip('"') or "-",
                response.get("Content-Type", "-"),
                extra={"user": getattr(user, "username", ""), "path": request.get_full_path()},
            )
        return response
