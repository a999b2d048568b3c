"""Pages of the irregularity procedure (IR-1 .. IR-5, UH 18): the list of files, the report, the file page with its
timeline, deadlines and actions, each action's form, and the reasoned decision letter as PDF.

Every view is declared in ``PAGE_ROLES`` (URL name -> roles) and checked twice: the role (403) and the file
(outside the user's committees: 404). An action her capacity on the file does not allow is a 403; an action the
file's state does not allow is refused by the service, in words, on the form.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.views import FilterView

from appeals.services.ombuds import log_file_view
from config.access import RoleRequiredMixin, role_required
from config.clock import today
from config.csv_export import safe_cell
from enrolment.views import roles_text

from .. import forms_irregularities as forms
from .. import queries_irregularities as queries
from ..rules import irregularity as rules
from ..services import irregularity as services
from ..services.irregularity import IrregularityRefused

PAGE_ROLES = {
    "irregularity_list": queries.FILE_READERS,
    "irregularity_report": queries.REPORTERS,
    "irregularity_detail": queries.FILE_READERS,
    "irregularity_action": queries.ACTORS,
    "irregularity_letter": queries.FILE_READERS,
}



class IrregularityListView(RoleRequiredMixin, FilterView):
    """examinations:irregularity_list - the files in the user's scope; ``?format=csv`` exports the filtered list."""

    allowed_roles = PAGE_ROLES["irregularity_list"]
    filterset_class = forms.IrregularityFilter
    paginate_by = 25
    template_name = "examinations/irregularities/list.html"

    def get_queryset(self):
        self.today = today()
        return queries.irregularities_for(self.request.user, self.today)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["today"] = self.today
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_roles"] = roles_text(self.allowed_roles)
        context["rows"] = [(irr, queries.row_deadline(irr, self.today)) for irr in context["object_list"]]
        context["filtered"] = any(self.request.GET.get(k) for k in ("q", "status", "programme", "deadline"))
        context["can_report"] = queries.reporting_allowed(self.request.user)
        return context

    def render_to_response(self, context, **kwargs):
        if self.request.GET.get("format") == "csv":
            return irregularities_csv(self.object_list, self.today)
        return super().render_to_response(context, **kwargs)


def irregularities_csv(files, on) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="irregularities-{on.isoformat()}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([_("File"), _("Student number"), _("Student"), _("Programme"), _("Course unit"),
                     _("Exam period"), _("Discovered on"), _("Reported on"), _("Reported late"), _("Status"),
                     _("Decided on"), _("Irregularity established"), _("Letter sent on")])
    for irr in files:
        writer.writerow([safe_cell(v) for v in (
            irr.pk, irr.student.number, f"{irr.student.last_name}, {irr.student.first_name}",
            irr.committee.programme.code, irr.course_unit.code,
            f"{irr.exam_period.academic_year.code} {irr.exam_period.code}", irr.discovered_on.isoformat(),
            irr.reported_on.isoformat(), _("yes") if irr.reported_late else _("no"), irr.get_status_display(),
            irr.decided_on.isoformat() if irr.decided_on else "",
            {True: _("yes"), False: _("no")}.get(irr.irregularity_found, ""),
            irr.letter_sent_on.isoformat() if irr.letter_sent_on else "")])
    return response


@role_required(*PAGE_ROLES["irregularity_report"])
def report_view(request):
    """examinations:irregularity_report - the student administration, a committee's chair or secretary (for the
    students of her committee's programmes)."""
    allowed = queries.reporting_programme_ids(request.user, today())
    form = forms.ReportForm(request.POST or None, allowed_programmes=allowed)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            irr, created = services.report_irregularity(
                line=form.line, exam_period=d["exam_period"], discovered_on=d["discovered_on"],
                reported_on=d["reported_on"], reported_by_name=d["reported_by_name"], description=d["description"],
                by=request.user)
        except IrregularityRefused as refused:
            form.add_error(None, str(refused))
        else:
            if created:
                messages.success(request, _("The report is on file (number %(pk)s).") % {"pk": irr.pk})
                if irr.reported_late:
                    messages.warning(request, _("The report came after the limit of five working days (UH 18.1.1): "
                                                "it is recorded and flagged."))
            else:
                messages.info(request, _("This report was already on file."))
            return redirect("examinations:irregularity_detail", pk=irr.pk)
    return render(request, "examinations/irregularities/report_form.html", {
        "form": form, "page_roles": roles_text(PAGE_ROLES["irregularity_report"]),
        "no_scope": allowed is not None and not allowed})


@role_required(*PAGE_ROLES["irregularity_detail"])
def detail_view(request, pk):
    """examinations:irregularity_detail - the file: timeline, deadlines, hearing, decision, sanctions, actions."""
    context = queries.file_page(request.user, pk, today())
    log_file_view(request.user, context["irregularity"], page="examinations:irregularity_detail")
    context["page_roles"] = roles_text(PAGE_ROLES["irregularity_detail"])
    context["action_links"] = [(ACTIONS[a].slug, ACTIONS[a].label) for a in context["actions"]]
    return render(request, "examinations/irregularities/detail.html", context)


@role_required(*PAGE_ROLES["irregularity_letter"])
def letter_pdf_view(request, pk):
    """examinations:irregularity_letter - the reasoned decision letter (IR-5) as a PDF, once decided."""
    from weasyprint import HTML

    context = queries.letter_context(request.user, pk, today())
    if not context["letter_ready"]:
        raise Http404("The letter exists once the bureau has decided.")
    context["printed_on"] = today()
    html = render_to_string("examinations/irregularities/letter_pdf.html", context, request=request)
    irr = context["irregularity"]
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="irregularity-{irr.pk}-{irr.student.number}.pdf"'
    return response


# ---------------------------------------------------------------------------------------------------------------
# The actions on a file


@dataclass(frozen=True)
class Action:
    slug: str
    label: Any
    form: type
    help: Any = ""


ACTIONS = {
    rules.INFORM: Action("inform", gettext_lazy("Inform the ombudsperson and the student"), forms.InformForm,
                         gettext_lazy("UH 18.1: the chair informs the programme's ombudsperson and the student.")),
    rules.REPLACE: Action("replace", gettext_lazy("Replace a chair or vice chair who is a party"),
                          forms.ReplaceForm,
                          gettext_lazy("UH 18.2.6: the chair is replaced by the vice chair, the vice chair by another "
                                       "member; when both are parties the committee decides without them.")),
    rules.PLAN_HEARING: Action("plan-hearing", gettext_lazy("Plan the hearing"), forms.PlanHearingForm,
                               gettext_lazy("UH 18.2.1: the bureau invites the student; the ombudsperson attends; "
                                            "the student may bring counsel.")),
    rules.RECORD_HEARING: Action("record-hearing", gettext_lazy("Record the hearing"), forms.RecordHearingForm,
                                 gettext_lazy("UH 18.2.1-2: who attended, and the chair's report of the hearing.")),
    rules.DECIDE: Action("decide", gettext_lazy("Record the bureau's decision"), forms.DecisionForm,
                         gettext_lazy("UH 18.2.3-4, 18.3.2: irregularity or not, with detailed reasons. No "
                                      "irregularity: the student may ask to take the exam again.")),
    rules.SANCTION: Action("sanction", gettext_lazy("Impose a sanction"), forms.SanctionForm,
                           gettext_lazy("UH 18.3.1: one sanction, and in addition possibly the exclusion from the "
                                        "second opportunity. The preview shows the results it changes.")),
    rules.REFER: Action("refer", gettext_lazy("Propose to the rector"), forms.ReferForm,
                        gettext_lazy("UH 18.3.3: very serious or repeated irregularities; the rector's decision "
                                     "reaches the student within ten calendar days after the deliberation.")),
    rules.SEND_LETTER: Action("letter", gettext_lazy("Record the letter sent"), forms.LetterForm,
                              gettext_lazy("UH 18.3.2: the reasoned decision through the student portal within five "
                                           "calendar days after the deliberation; it names the internal appeal.")),
}
BY_SLUG = {a.slug: key for key, a in ACTIONS.items()}


def _form_kwargs(action: str, irr, on) -> dict:
    if action == rules.REPLACE:
        return {"seats": queries.substitutes(irr, on)}
    if action == rules.SANCTION:
        return {"units": queries.student_units(irr)}
    if action == rules.SEND_LETTER:
        return {"referred": irr.status == "referred"}
    return {}


def _initial(action: str, irr, on) -> dict:
    if action == rules.INFORM:
        return {"ombudsperson_informed_on": on, "student_informed_on": on}
    if action == rules.PLAN_HEARING:
        return {"invited_on": on}
    if action == rules.RECORD_HEARING:
        hearing = getattr(irr, "hearing", None)
        return {"held_on": hearing.held_on if hearing else on, "ombudsperson_attended": True}
    if action == rules.DECIDE:
        return {"decided_on": on}
    if action == rules.REFER:
        return {"referred_on": on}
    if action == rules.SEND_LETTER:
        return {"sent_on": on}
    if action == rules.REPLACE:
        return {"chair_is_party": irr.chair_is_party, "vice_chair_is_party": irr.vice_chair_is_party}
    return {}


def _apply(action: str, irr, d: dict, user, on):
    """Call the action's service; return the success message."""
    pk = irr.pk
    if action == rules.INFORM:
        services.inform(pk, ombudsperson_informed_on=d["ombudsperson_informed_on"],
                        student_informed_on=d["student_informed_on"], by=user)
        return _("The ombudsperson and the student are informed.")
    if action == rules.REPLACE:
        sub = d.get("substitute")
        services.replace_party(pk, chair_is_party=d["chair_is_party"], vice_chair_is_party=d["vice_chair_is_party"],
                               substitute_id=sub.pk if sub else None, reason=d["reason"], on=on, by=user)
        return _("The replacement is on file.")
    if action == rules.PLAN_HEARING:
        services.plan_hearing(pk, invited_on=d["invited_on"], held_on=d["held_on"], by=user)
        return _("The hearing is planned.")
    if action == rules.RECORD_HEARING:
        services.record_hearing(pk, held_on=d["held_on"], student_attended=d["student_attended"],
                                examiner_attended=d["examiner_attended"],
                                ombudsperson_attended=d["ombudsperson_attended"], counsel=d["counsel"],
                                report=d["report"], by=user)
        return _("The hearing and its report are on file.")
    if action == rules.DECIDE:
        services.decide(pk, found=d["found"], decided_on=d["decided_on"], reasons=d["reasons"], by=user)
        return _("The bureau's decision is on file.")
    if action == rules.SANCTION:
        sanction = services.impose_sanction(pk, kind=d["kind"], adjusted_grade=d["adjusted_grade"],
                                            retained=frozenset(d["retained"]), by=user)
        return _("The sanction is on file; results changed: %(n)s.") % {"n": sanction.results.count()}
    if action == rules.REFER:
        services.refer_to_rector(pk, referred_on=d["referred_on"], proposal=d["proposal"], by=user)
        return _("The proposal to the rector is on file.")
    if action == rules.SEND_LETTER:
        services.send_letter(pk, sent_on=d["sent_on"], rector_decided_on=d.get("rector_decided_on"),
                             rector_decision=d.get("rector_decision") or "", by=user)
        return _("The letter is on file as sent.")
    raise Http404


@role_required(*PAGE_ROLES["irregularity_action"])
def action_view(request, pk, action):
    """examinations:irregularity_action - one step of the procedure; who may take it follows from her capacity on
    the file (rules.WHO_MAY: chair, vice chair, secretary, the administration); members and ombudspersons read."""
    key = BY_SLUG.get(action)
    if key is None:
        raise Http404
    on = today()
    irr = queries.access_irregularity(request.user, pk, on)
    if not rules.WHO_MAY[key] & queries.capacities_on(request.user, irr, on):
        raise PermissionDenied
    spec = ACTIONS[key]
    detail = reverse("examinations:irregularity_detail", args=[irr.pk])
    if request.method != "POST" and not rules.action_possible(key, irr.status, irr.irregularity_found):
        messages.error(request, _("This step is not possible on the file as it stands (%(status)s).")
                       % {"status": irr.get_status_display()})
        return redirect(detail)
    kwargs = _form_kwargs(key, irr, on)
    form = spec.form(request.POST or None, initial=_initial(key, irr, on), **kwargs)
    context = {"irregularity": irr, "form": form, "action": spec, "cancel_url": detail,
               "page_roles": roles_text(PAGE_ROLES["irregularity_action"])}
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        step = request.POST.get("step", "confirm" if key != rules.SANCTION else "preview")
        if key == rules.SANCTION and step == "change":
            return render(request, "examinations/irregularities/action_form.html", context)
        try:
            if key == rules.SANCTION and step != "confirm":
                context["plan"] = services.sanction_preview(irr.pk, d["kind"], d["adjusted_grade"],
                                                            frozenset(d["retained"]))
                context["kind_label"] = dict(forms.SanctionKind.choices)[d["kind"]]
                return render(request, "examinations/irregularities/sanction_preview.html", context)
            message = _apply(key, irr, d, request.user, on)
        except IrregularityRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, message)
            return redirect(detail)
    return render(request, "examinations/irregularities/action_form.html", context)
