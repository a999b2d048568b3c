"""The staff page "Outbox": every notice the office sends (enrolment/outbox.py), whether it went out, and the error
of those that did not, with "send again" for the failed ones. Student administration (and superusers).

Included from enrolment/urls.py under ``outbox/`` (URL names ``enrolment:outbox``, ``enrolment:outbox_retry``,
``enrolment:outbox_retry_all``).
"""

from __future__ import annotations

from datetime import timedelta

import django_filters
from django import forms
from django.contrib import messages
from django.db.models import Count, Min, Q
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_filters.views import FilterView

from config.access import Role, RoleRequiredMixin

from . import outbox
from .models import Notice, NoticeAudience, NoticeStatus
from .views import roles_text

OUTBOX_ROLES = (Role.STUDENT_ADMIN,)
# A notice still waiting this long after it was due means no worker is sending (the beat tries every minute).
LATE_AFTER = timedelta(minutes=10)


WITHDRAWN = Q(status=NoticeStatus.FAILED, last_error__startswith=outbox.WITHDRAWN_PREFIX)
STATUS_FILTERS = {
    "pending": Q(status=NoticeStatus.PENDING),
    "failed": Q(status=NoticeStatus.FAILED) & ~WITHDRAWN,
    "withdrawn": WITHDRAWN,
    "sent": Q(status=NoticeStatus.SENT),
}
STATUS_CHOICES = [("pending", gettext_lazy("Waiting to be sent")), ("failed", gettext_lazy("Not sent (gave up)")),
                  ("withdrawn", gettext_lazy("Withdrawn (not to be sent)")), ("sent", gettext_lazy("Sent"))]


class NoticeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=gettext_lazy("Search"), method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": gettext_lazy("E-mail address or subject")}),
    )
    status = django_filters.ChoiceFilter(label=gettext_lazy("Status"), choices=STATUS_CHOICES, method="by_status",
                                         empty_label=gettext_lazy("All"))
    audience = django_filters.ChoiceFilter(label=gettext_lazy("To whom"), choices=NoticeAudience.choices,
                                           empty_label=gettext_lazy("All"))

    class Meta:
        model = Notice
        fields = ["q", "status", "audience"]

    def by_status(self, queryset, name, value):
        return queryset.filter(STATUS_FILTERS[value])

    def search(self, queryset, name, value):
        words = value.split()
        for word in words:
            queryset = queryset.filter(Q(to__icontains=word) | Q(subject__icontains=word))
        return queryset


class OutboxView(RoleRequiredMixin, FilterView):
    """enrolment:outbox - student administration. The notices, newest first, with filters and search."""

    allowed_roles = OUTBOX_ROLES
    filterset_class = NoticeFilter
    paginate_by = 50
    template_name = "enrolment/outbox.html"

    def get_queryset(self):
        # Not the text and the attachment: the list shows neither, and an attachment can be large.
        return Notice.objects.defer("body", "attachment").order_by("-created_at", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        totals = Notice.objects.aggregate(
            waiting=Count("pk", filter=STATUS_FILTERS["pending"]),
            failed=Count("pk", filter=STATUS_FILTERS["failed"]),
            withdrawn=Count("pk", filter=STATUS_FILTERS["withdrawn"]),
            sent=Count("pk", filter=STATUS_FILTERS["sent"]),
            late=Count("pk", filter=Q(status=NoticeStatus.PENDING, next_attempt_at__lt=now - LATE_AFTER)),
            oldest_late=Min("next_attempt_at", filter=Q(status=NoticeStatus.PENDING,
                                                        next_attempt_at__lt=now - LATE_AFTER)),
        )
        for notice in context["object_list"]:
            notice.error_text = outbox.error_text(notice.last_error)
            notice.withdrawn = outbox.is_withdrawn(notice)
        context.update({
            "totals": totals, "now": now, "max_attempts": outbox.MAX_ATTEMPTS,
            "filtered": any(self.request.GET.get(k) for k in ("q", "status", "audience")),
            "page_roles": roles_text(self.allowed_roles),
        })
        return context


def _back(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect(reverse("enrolment:outbox"))


class RetryView(RoleRequiredMixin, View):
    """enrolment:outbox_retry - POST: send a failed notice again."""

    allowed_roles = OUTBOX_ROLES
    http_method_names = ["post"]

    def post(self, request, pk):
        notice = Notice.objects.filter(pk=pk).only("pk", "to", "subject", "status").first()
        if notice is None:
            messages.error(request, _("This notice does not exist."))
        elif outbox.retry(notice.pk):
            messages.success(request, _("The notice “%(subject)s” to %(to)s will be sent again in a moment.") % {
                "subject": notice.subject, "to": notice.to})
        else:
            messages.info(request, _("The notice “%(subject)s” to %(to)s is not failed (any more): it was sent or "
                                     "is already waiting to be sent. Nothing changed.") % {
                "subject": notice.subject, "to": notice.to})
        return _back(request)


class RetryAllView(RoleRequiredMixin, View):
    """enrolment:outbox_retry_all - POST: send every failed notice again (once the mail server works again)."""

    allowed_roles = OUTBOX_ROLES
    http_method_names = ["post"]

    def post(self, request):
        count = outbox.retry_all_failed()
        if count:
            messages.success(request, _("Failed notices to send again: %(count)d.") % {"count": count})
        else:
            messages.info(request, _("There are no failed notices. Nothing changed."))
        return _back(request)


urlpatterns = [
    path("", OutboxView.as_view(), name="outbox"),
    path("<int:pk>/send-again/", RetryView.as_view(), name="outbox_retry"),
    path("send-again/", RetryAllView.as_view(), name="outbox_retry_all"),
]
