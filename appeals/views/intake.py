"""Pages of the appeals' intake (AP-1 .. AP-4, AP-7; UH 19.2-19.4): the list of appeals, the intake of a registered
letter (fill in, see the deadlines, confirm), the appeal's file, the admissibility checklist, the arguments of a
conservatory appeal, and the evidence documents (upload, and download through a permission-checked view only).

Every view is declared in ``PAGE_ROLES`` (URL name -> roles) and checked twice: the role (403) and the appeal
(outside the user's scope: 404, ``queries_intake.appeals_for``). Opening the file or a document is written to the
view log (``services.ombuds.log_file_view``).
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_filters.views import FilterView

from config.access import RoleRequiredMixin, has_role, role_required
from config.clock import today
from config.csv_export import safe_cell
from enrolment.views import roles_text
from students.history import appeal_history

from .. import forms_intake as forms
from .. import queries_intake as queries
from ..services import intake as services
from ..services.intake import AppealRefused
from ..services.ombuds import log_file_view

PAGE_ROLES = {
    "appeal_list": queries.FILE_READERS,
    "appeal_intake": queries.INTAKE,
    "appeal_detail": queries.FILE_READERS,
    "appeal_admissibility": queries.FILE_KEEPERS,
    "appeal_arguments": queries.FILE_KEEPERS,
    "appeal_document_add": queries.FILE_KEEPERS,
    "appeal_document": queries.DOCUMENT_READERS,
}



class AppealListView(RoleRequiredMixin, FilterView):
    """appeals:appeal_list - the appeals in the user's scope; ``?format=csv`` exports the filtered list."""

    allowed_roles = PAGE_ROLES["appeal_list"]
    filterset_class = forms.AppealFilter
    paginate_by = 25
    template_name = "appeals/intake/list.html"

    def get_queryset(self):
        self.today = today()
        return queries.appeals_for(self.request.user, self.today)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["today"] = self.today
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_roles"] = roles_text(self.allowed_roles)
        context["rows"] = [(a, queries.row_state(a, self.today)) for a in context["object_list"]]
        context["filtered"] = any(self.request.GET.get(k) for k in ("q", "status", "late", "deadline"))
        context["can_register"] = has_role(self.request.user, queries.INTAKE)
        return context

    def render_to_response(self, context, **kwargs):
        if self.request.GET.get("format") == "csv":
            return appeals_csv(self.object_list, self.today)
        return super().render_to_response(context, **kwargs)


def appeals_csv(appeals, on) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="appeals-{on.isoformat()}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([_("Reference"), _("Student number"), _("Student"), _("Programme"), _("Contested decision"),
                     _("Proclaimed or notified on"), _("Postmark"), _("Received on"), _("Last day to lodge (AP-2)"),
                     _("In time"), _("Conservatory"), _("Decision due by (AP-7)"), _("Status")])
    for a in appeals:
        writer.writerow([safe_cell(v) for v in (
            a.reference, a.student.number, f"{a.student.last_name}, {a.student.first_name}",
            a.programme.code if a.programme else "", a.get_decision_kind_display(),
            a.decision_notified_on.isoformat(), a.postmarked_on.isoformat(), a.received_on.isoformat(),
            a.lodge_by.isoformat(), _("yes") if a.in_time else _("no"), _("yes") if a.conservatory else _("no"),
            a.decide_by.isoformat(), a.get_status_display())])
    return response


@role_required(*PAGE_ROLES["appeal_intake"])
def intake_view(request):
    """appeals:appeal_intake - the secretary registers a registered letter: first the student, then the contested
    decision and the dates; "Check the dates" shows AP-2's last day, the verdict on the postmark and AP-7's
    decision date; "Register" records it (a late letter too, marked late)."""
    on = today()
    context = {"page_roles": roles_text(PAGE_ROLES["appeal_intake"])}
    number = request.POST.get("student") or request.GET.get("student")
    lookup = forms.StudentLookupForm({"student": number} if number else None)
    if not number or not lookup.is_valid():
        context["lookup"] = lookup
        return render(request, "appeals/intake/intake_student.html", context)
    student = lookup.student_obj
    form = forms.IntakeForm(request.POST or None, student=student, today=on)
    context.update({"student": student, "form": form})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        notified = form.notified_on()
        step = request.POST.get("step", "preview")
        try:
            if step != "confirm":
                if notified is not None and d["postmarked_on"] >= notified:
                    context["dates"] = services.intake_dates(notified, d["postmarked_on"], d["received_on"])
                    context["notified"] = notified
                else:
                    form.add_error("postmarked_on", _("The postmark is before the decision was proclaimed or "
                                                      "notified."))
                return render(request, "appeals/intake/intake_form.html", context)
            appeal, created = services.register_appeal(
                student=student, decision_kind=d.get("decision_kind") or "", postmarked_on=d["postmarked_on"],
                received_on=d["received_on"], decision_notified_on=d.get("decision_notified_on"),
                contested_decision=d["contested_decision"], contested_irregularity=d["contested_irregularity"],
                description=d.get("description") or "", programme=d.get("programme"),
                email_notice_on=d.get("email_notice_on"), conservatory=d["conservatory"],
                intake_key=d["intake_key"], by=request.user, today=on)
        except AppealRefused as refused:
            form.add_error(None, str(refused))
        else:
            if created:
                messages.success(request, _("The appeal is registered as %(reference)s.")
                                 % {"reference": appeal.reference})
                if appeal.late:
                    messages.warning(request, _(
                        "The postmark (%(postmark)s) is after the last day to lodge (%(last)s): the appeal is "
                        "registered and marked late; the committee decides on its admissibility (UH 19.4.2).")
                        % {"postmark": appeal.postmarked_on.isoformat(), "last": appeal.lodge_by.isoformat()})
            else:
                messages.info(request, _("This letter was already registered as %(reference)s.")
                              % {"reference": appeal.reference})
            return redirect("appeals:appeal_detail", pk=appeal.pk)
    return render(request, "appeals/intake/intake_form.html", context)


@role_required(*PAGE_ROLES["appeal_detail"])
def detail_view(request, pk):
    """appeals:appeal_detail - the appeal's file: facts, deadlines, checklist, documents, status history."""
    context = queries.file_page(request.user, pk, today())
    log_file_view(request.user, context["appeal"], page="appeals:appeal_detail")
    context["page_roles"] = roles_text(PAGE_ROLES["appeal_detail"])
    context["point_labels"] = forms.POINT_LABELS
    context["history"] = appeal_history(context["appeal"])
    return render(request, "appeals/intake/detail.html", context)


@role_required(*PAGE_ROLES["appeal_admissibility"])
def admissibility_view(request, pk):
    """appeals:appeal_admissibility - the checklist of AP-3 (UH 19.3.4); its outcome moves the status."""
    on = today()
    page = queries.file_page(request.user, pk, on)
    appeal = page["appeal"]
    detail = reverse("appeals:appeal_detail", args=[appeal.pk])
    if not page["can_check"]:
        messages.error(request, _("The admissibility can no longer be checked here: the appeal is %(status)s.")
                       % {"status": appeal.get_status_display()})
        return redirect(detail)
    initial = {"checked_on": on}
    current = page["checklists"][0] if page["checklists"] else None
    if current is not None:
        initial.update({"signed_by": current.signed_by, "note": current.note})
        for a in current.ordered_answers:
            if a.satisfied is not None:
                initial[f"{a.point}_ok"] = "yes" if a.satisfied else "no"
                initial[f"{a.point}_reason"] = a.reason
    form = forms.AdmissibilityForm(request.POST or None, initial=initial,
                                   arguments_pending=page["arguments_pending"])
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            check = services.record_admissibility(appeal.pk, answers=form.answers(), checked_on=d["checked_on"],
                                                  signed_by=d.get("signed_by") or "", note=d.get("note") or "",
                                                  by=request.user, today=on)
        except AppealRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("The admissibility checklist is on file: %(outcome)s.")
                             % {"outcome": check.get_outcome_display()})
            return redirect(detail)
    page.update({"form": form, "cancel_url": detail, "point_labels": forms.POINT_LABELS,
                 "page_roles": roles_text(PAGE_ROLES["appeal_admissibility"])})
    return render(request, "appeals/intake/admissibility_form.html", page)


@role_required(*PAGE_ROLES["appeal_arguments"])
def arguments_view(request, pk):
    """appeals:appeal_arguments - AP-4 (UH 19.3.5): the arguments of a conservatory appeal have come."""
    on = today()
    appeal = queries.access_appeal(request.user, pk, on)
    detail = reverse("appeals:appeal_detail", args=[appeal.pk])
    form = forms.ArgumentsForm(request.POST or None, initial={"received_on": on})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_arguments(appeal.pk, received_on=form.cleaned_data["received_on"], by=request.user,
                                      today=on)
        except AppealRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("The arguments are on file; complete the admissibility checklist."))
            return redirect(detail)
    return render(request, "appeals/intake/simple_form.html", {
        "appeal": appeal, "form": form, "cancel_url": detail, "multipart": False,
        "heading": _("Arguments of the conservatory appeal"),
        "help": _("UH 19.3.5: the student sends the further motivation as soon as he has had the inspection and "
                  "explanation."),
        "submit": _("Record the arguments"), "page_roles": roles_text(PAGE_ROLES["appeal_arguments"])})


@role_required(*PAGE_ROLES["appeal_document_add"])
def document_add_view(request, pk):
    """appeals:appeal_document_add - upload an evidence document (PDF, JPEG, PNG; at most 10 MB) to the private
    storage."""
    on = today()
    appeal = queries.access_appeal(request.user, pk, on)
    detail = reverse("appeals:appeal_detail", args=[appeal.pk])
    if request.method == "POST" and _content_length(request) > services.MAX_EVIDENCE_BYTES + 64 * 1024:
        # Refused before Django reads the body: an oversized upload is never spooled to disk.
        messages.error(request, _("The file is larger than %(n)s MB; nothing was read.") % {
            "n": services.MAX_EVIDENCE_BYTES // (1024 * 1024)})
        return redirect(request.path)
    form = forms.DocumentForm(request.POST or None, request.FILES or None, initial={"received_on": on})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            doc, created = services.add_document(appeal.pk, upload=d["file"], title=d["title"],
                                                 received_on=d["received_on"], by=request.user, today=on)
        except AppealRefused as refused:
            form.add_error(None, str(refused))
        else:
            if created:
                messages.success(request, _("The document %(name)s is on file.") % {"name": doc.original_name})
            else:
                messages.info(request, _("This file is already on file as %(name)s.") % {"name": doc.original_name})
            return redirect(detail)
    return render(request, "appeals/intake/simple_form.html", {
        "appeal": appeal, "form": form, "cancel_url": detail, "multipart": True,
        "heading": _("Add a document"),
        "help": _("Evidence for the file (UH 19.3.4, 19.4.1). It is kept in private storage and only the people who "
                  "handle the appeal can download it."),
        "submit": _("Upload"), "page_roles": roles_text(PAGE_ROLES["appeal_document_add"])})


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@role_required(*PAGE_ROLES["appeal_document"])
def document_view(request, pk, doc):
    """appeals:appeal_document - an evidence document, as a download (never shown inline, never sniffed)."""
    document = queries.document_for(request.user, pk, doc, today())
    log_file_view(request.user, document.appeal, page="appeals:appeal_document")
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404("The stored file is missing.")
    response = FileResponse(handle, as_attachment=True, filename=document.original_name,
                            content_type=document.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
