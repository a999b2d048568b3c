"""students:audit - the audit search of the student administration (issue 6, point 1): every history row of
every tracked record, and the dataset imports, filtered by record type, user, dates and text in the reason.

One UNION ALL over the history tables (only the one asked for when a record type is chosen), sorted by time and
paginated in the database: a count, a page and the page's users, whatever the number of rows.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from appeals import models as appeals
from config.access import Role, role_required
from config.audit import ACTIONS
from enrolment import models as enrolment
from enrolment.views import roles_text
from examinations import models as examinations

from . import models as students

#: The record types of the search: key -> (label, tracked model). ``import`` is the dataset imports' events.
RECORD_TYPES = {
    "student": (_("Student"), students.Student),
    "ledger": (_("Ledger movement"), students.LedgerMovement),
    "contract": (_("Contract"), enrolment.StudyContract),
    "line": (_("Programme line"), enrolment.ProgrammeLine),
    "result": (_("Result"), examinations.Result),
    "progress": (_("Study-progress decision"), examinations.StudyProgressDecision),
    "proclamation": (_("Proclamation"), examinations.Proclamation),
    "material_error": (_("Material error"), examinations.MaterialError),
    "committee": (_("Examination committee"), examinations.ExamCommittee),
    "member": (_("Committee member"), examinations.CommitteeMember),
    "tie": (_("Tie declaration"), examinations.TieDeclaration),
    "meeting": (_("Meeting"), examinations.Meeting),
    "attendance": (_("Attendance"), examinations.Attendance),
    "decision": (_("Committee decision"), examinations.Decision),
    "tolerance": (_("Tolerance choice"), examinations.ToleranceChoice),
    "signature": (_("Minutes signature"), examinations.MeetingSignature),
    "appeal": (_("Appeal"), appeals.Appeal),
    "admissibility": (_("Admissibility check"), appeals.AdmissibilityCheck),
    "exclusion": (_("Appeal exclusion"), appeals.AppealExclusion),
    "hearing": (_("Appeal hearing"), appeals.AppealHearing),
    "hearing_attendance": (_("Hearing attendance"), appeals.HearingAttendance),
    "motion": (_("Appeal motion"), appeals.AppealMotion),
    "ballot": (_("Appeal ballot"), appeals.AppealBallot),
    "appeal_decision": (_("Appeal decision"), appeals.AppealDecision),
    "mediation": (_("Mediation case"), appeals.MediationCase),
    "mediation_step": (_("Mediation step"), appeals.MediationTransition),
    "mediation_note": (_("Mediation note"), appeals.MediationNote),
}
IMPORT = "import"
TYPE_LABELS = {key: label for key, (label, _model) in RECORD_TYPES.items()} | {IMPORT: _("Dataset import")}
PAGE_SIZE = 50
COLUMNS = ("a_id", "a_date", "a_type", "a_user", "a_reason", "a_kind", "a_obj")


class AuditFilterForm(forms.Form):
    record_type = forms.ChoiceField(label=_("Record type"), required=False,
                                    choices=[("", _("All"))] + sorted(TYPE_LABELS.items(), key=lambda kv: str(kv[1])))
    user = forms.CharField(label=_("User (name)"), required=False, max_length=150)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Text in the reason"), required=False, max_length=200)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The first date comes after the last one."))
        return data


def _history_rows(key, model, f):
    qs = model.history.model.objects.all()
    if f.get("user"):
        qs = qs.filter(history_user__username__icontains=f["user"])
    if f.get("date_from"):
        qs = qs.filter(history_date__date__gte=f["date_from"])
    if f.get("date_to"):
        qs = qs.filter(history_date__date__lte=f["date_to"])
    if f.get("reason"):
        qs = qs.filter(history_change_reason__icontains=f["reason"])
    return qs.annotate(
        a_id=F("history_id"), a_date=F("history_date"), a_type=F("history_type"), a_user=F("history_user_id"),
        a_reason=F("history_change_reason"), a_kind=Value(key, output_field=CharField()),
        a_obj=Cast(model._meta.pk.attname, CharField()),
    ).values(*COLUMNS).order_by()


def _import_rows(f):
    qs = students.AuditEvent.objects.all()
    if f.get("user"):
        qs = qs.filter(by__username__icontains=f["user"])
    if f.get("date_from"):
        qs = qs.filter(at__date__gte=f["date_from"])
    if f.get("date_to"):
        qs = qs.filter(at__date__lte=f["date_to"])
    if f.get("reason"):
        qs = qs.filter(summary__icontains=f["reason"]) | qs.filter(source__icontains=f["reason"])
    return qs.annotate(
        a_id=F("id"), a_date=F("at"), a_type=Value("+", output_field=CharField()), a_user=F("by_id"),
        a_reason=Concat(F("source"), Value(": "), F("summary"), output_field=CharField()),
        a_kind=Value(IMPORT, output_field=CharField()), a_obj=Cast("id", CharField()),
    ).values(*COLUMNS).order_by()


def audit_rows(f: dict):
    """The rows the filter ``f`` asks for, newest first, as one query (a UNION ALL when no type is chosen)."""
    kind = f.get("record_type")
    parts = []
    if kind in ("", None, IMPORT):
        parts.append(_import_rows(f))
    for key, (_label, model) in RECORD_TYPES.items():
        if kind in ("", None, key):
            parts.append(_history_rows(key, model, f))
    qs = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return qs.order_by("-a_date", "-a_id")


@role_required(Role.STUDENT_ADMIN)
def audit_view(request):
    """students:audit - the student administration's search through the audit trail."""
    form = AuditFilterForm(request.GET or None)
    f = form.cleaned_data if form.is_valid() else {}
    if form.is_bound and not form.is_valid():
        rows, page = [], None
    else:
        page = Paginator(audit_rows(f), PAGE_SIZE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
        users = {u.pk: u for u in get_user_model().objects.filter(pk__in={r["a_user"] for r in rows if r["a_user"]})}
        for r in rows:
            r["who"] = users.get(r["a_user"])
            r["label"] = TYPE_LABELS.get(r["a_kind"], r["a_kind"])
            r["action"] = ACTIONS.get(r["a_type"], "")
    return render(request, "students/audit.html", {
        "form": form, "rows": rows, "page_obj": page, "paginator": page.paginator if page else None,
        "is_paginated": bool(page and page.paginator.num_pages > 1),
        "page_roles": roles_text((Role.STUDENT_ADMIN,)),
    })
