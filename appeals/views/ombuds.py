"""The ombudspersons' pages (OM-1 .. OM-3; UH 21): the workspace, the lists and pages of the files she handles
(appeals, irregularities, mediation cases), standing aside, mediation cases with their notes and outcome; and for
the student administration the appointments (OM-1) and the log of file views.

Every view is declared in ``PAGE_ROLES`` (URL name -> roles) and checked twice: the role (403) and, for a file,
whether she handles it today (``queries_ombuds.access_file``: 404 otherwise). Every page that shows a file (its
page, the stand-aside form, a mediation step's form) writes the view to the log (``services.log_file_view``).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from config.access import role_required
from config.clock import today
from enrolment.views import roles_text
from students.history import appeal_history, mediation_history

from .. import forms_ombuds as forms
from .. import queries_ombuds as queries
from .. import rules
from ..models import FileKind, MediationStatus, OmbudsAssignment
from ..services import ombuds as services
from ..services.ombuds import OmbudsRefused

PAGE_ROLES = {
    "ombuds_workspace": queries.WORKSPACE_ROLES,
    "ombuds_files": queries.WORKSPACE_ROLES,
    "ombuds_file": queries.WORKSPACE_ROLES,
    "ombuds_stand_aside": queries.WORKSPACE_ROLES,
    "ombuds_mediation_open": queries.WORKSPACE_ROLES,
    "ombuds_mediation_note": queries.WORKSPACE_ROLES,
    "ombuds_mediation_move": queries.WORKSPACE_ROLES,
    "ombuds_assignments": queries.ADMINISTRATION_ROLES,
    "ombuds_assignment_add": queries.ADMINISTRATION_ROLES,
    "ombuds_assignment_end": queries.ADMINISTRATION_ROLES,
    "ombuds_view_log": queries.ADMINISTRATION_ROLES,
    "ombuds_file_views": queries.ADMINISTRATION_ROLES,
}
FILTERS = {FileKind.APPEAL: forms.AppealFilter, FileKind.IRREGULARITY: forms.IrregularityFilter,
           FileKind.MEDIATION: forms.MediationFilter}
PER_PAGE = 25



def _kind(kind: str) -> str:
    if kind not in FileKind.values:
        raise Http404("No such kind of file.")
    return kind


def _page(request, qs, per_page=PER_PAGE):
    paginator = Paginator(qs, per_page)
    page = paginator.get_page(request.GET.get("page"))
    return {"page_obj": page, "paginator": paginator, "is_paginated": page.has_other_pages(),
            "object_list": page.object_list}


# --- The ombudsperson's workspace ---------------------------------------------------------------------------------


@role_required(*PAGE_ROLES["ombuds_workspace"])
def workspace_view(request):
    """appeals:ombuds_workspace - her appointments, her files by kind, open mediation cases, what she attends."""
    context = queries.workspace(request.user, today())
    context["page_roles"] = roles_text(PAGE_ROLES["ombuds_workspace"])
    context["kinds"] = [(k, label, context["counts"][k]) for k, label in FileKind.choices]
    return render(request, "appeals/ombuds/workspace.html", context)


@role_required(*PAGE_ROLES["ombuds_files"])
def files_view(request, kind):
    """appeals:ombuds_files - the files of one kind she handles: search, ordering, pagination."""
    kind = _kind(kind)
    qs = queries.files_for(request.user, kind, today())
    filterset = FILTERS[kind](request.GET or None, queryset=qs)
    context = _page(request, filterset.qs)
    context.update({"kind": kind, "kind_label": FileKind(kind).label, "filter": filterset,
                    "filtered": any(request.GET.get(k) for k in ("q", "status")),
                    "kinds": FileKind.choices, "page_roles": roles_text(PAGE_ROLES["ombuds_files"])})
    return render(request, "appeals/ombuds/files.html", context)


@role_required(*PAGE_ROLES["ombuds_file"])
def file_view(request, kind, pk):
    """appeals:ombuds_file - one file she handles (404 otherwise), logged in the view log."""
    page = queries.file_page(request.user, _kind(kind), pk, today())
    services.log_file_view(request.user, page.obj, page="appeals:ombuds_file")
    context = {"page": page, "file": page.obj, "kind": page.kind, "kind_label": FileKind(page.kind).label,
               "capacity": page.capacity_of(request.user.pk), "aside_form": forms.StandAsideForm(),
               "page_roles": roles_text(PAGE_ROLES["ombuds_file"])}
    if page.kind == FileKind.MEDIATION:
        context.update(queries.mediation_record(page.obj))
        context["note_form"] = forms.NoteForm()
        context["moves"] = _moves(page.obj)
        context["history"] = mediation_history(page.obj)
    elif page.kind == FileKind.APPEAL:
        context["history"] = appeal_history(page.obj)
    return render(request, "appeals/ombuds/file.html", context)


def _moves(case) -> list[tuple[str, str]]:
    labels = {MediationStatus.MEDIATING: _("Reopen the case") if case.status == MediationStatus.CLOSED
              else _("Start the mediation"),
              MediationStatus.CLOSED: _("Close the case")}
    allowed = rules.MEDIATION_TRANSITIONS.get(case.status, frozenset())
    return [(target, labels[target]) for target in (MediationStatus.MEDIATING, MediationStatus.CLOSED)
            if target in allowed]


@role_required(*PAGE_ROLES["ombuds_stand_aside"])
def stand_aside_view(request, kind, pk):
    """appeals:ombuds_stand_aside - OM-2: she stands aside for a file she handles; the deputy takes over."""
    page = queries.access_file(request.user, _kind(kind), pk, today())
    if request.method != "POST":
        services.log_file_view(request.user, page.obj, page="appeals:ombuds_stand_aside")
    form = forms.StandAsideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.stand_aside(user=request.user, obj=page.obj, reason=form.cleaned_data["reason"],
                                 explanation=form.cleaned_data["explanation"], by=request.user)
        except OmbudsRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("You stand aside for this file; it is no longer in your workspace. Who "
                                        "handles it now is recorded with the file (UH 21.2.4)."))
            return redirect("appeals:ombuds_workspace")
    return render(request, "appeals/ombuds/stand_aside.html", {
        "page": page, "file": page.obj, "kind": page.kind, "form": form,
        "page_roles": roles_text(PAGE_ROLES["ombuds_stand_aside"])})


@role_required(*PAGE_ROLES["ombuds_mediation_open"])
def mediation_open_view(request):
    """appeals:ombuds_mediation_open - OM-2: open a mediation case for a programme she handles."""
    on = today()
    programmes = queries.mediation_programmes_for(request.user, on)
    form = forms.MediationOpenForm(request.POST or None, programmes=programmes, initial={"opened_on": on})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            case, created = services.open_mediation(
                student=form.student, programme=d["programme"], subject=d["subject"], kind=d["kind"],
                opened_on=d["opened_on"], by=request.user, today=on, other_party=d["other_party"],
                other_party_name=d["other_party_name"], with_central=d["with_central"], first_note=d["first_note"])
        except OmbudsRefused as refused:
            form.add_error(None, str(refused))
        else:
            if created:
                messages.success(request, _("The mediation case is open."))
            else:
                messages.info(request, _("This case was already open."))
            return redirect("appeals:ombuds_file", kind=FileKind.MEDIATION, pk=case.pk)
    return render(request, "appeals/ombuds/mediation_form.html", {
        "form": form, "no_programmes": not programmes.exists(),
        "page_roles": roles_text(PAGE_ROLES["ombuds_mediation_open"])})


@role_required(*PAGE_ROLES["ombuds_mediation_note"])
@require_POST
def mediation_note_view(request, pk):
    """appeals:ombuds_mediation_note - OM-2 (UH 21.2.2): add a confidential note to a case she handles."""
    page = queries.access_file(request.user, FileKind.MEDIATION, pk, today())
    form = forms.NoteForm(request.POST)
    if form.is_valid():
        try:
            _note, created = services.add_note(page.obj.pk, author=request.user, text=form.cleaned_data["text"],
                                               token=form.cleaned_data["token"])
        except OmbudsRefused as refused:
            messages.error(request, str(refused))
        else:
            if created:
                messages.success(request, _("The note is on file."))
    else:
        messages.error(request, _("The note is empty; nothing was recorded."))
    return redirect("appeals:ombuds_file", kind=FileKind.MEDIATION, pk=pk)


@role_required(*PAGE_ROLES["ombuds_mediation_move"])
def mediation_move_view(request, pk):
    """appeals:ombuds_mediation_move - OM-2: start, close (with the outcome) or reopen a case she handles."""
    on = today()
    page = queries.access_file(request.user, FileKind.MEDIATION, pk, on)
    case = page.obj
    target = request.POST.get("target") or request.GET.get("target") or ""
    if target not in dict(_moves(case)):
        messages.error(request, _("This step is not possible on the case as it stands (%(status)s).")
                       % {"status": case.get_status_display()})
        return redirect("appeals:ombuds_file", kind=FileKind.MEDIATION, pk=pk)
    if request.method != "POST":
        services.log_file_view(request.user, case, page="appeals:ombuds_mediation_move")
    form = forms.MoveForm(request.POST or None, initial={"target": target, "closed_on": on})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.move_mediation(case.pk, d["target"], by=request.user, today=on, outcome=d["outcome"],
                                    closed_on=d["closed_on"], note=d["note"])
        except OmbudsRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("The case is %(status)s.") % {"status": MediationStatus(d["target"]).label})
            return redirect("appeals:ombuds_file", kind=FileKind.MEDIATION, pk=pk)
    return render(request, "appeals/ombuds/mediation_move.html", {
        "case": case, "form": form, "target": target, "label": dict(_moves(case))[target],
        "closing": target == MediationStatus.CLOSED, "page_roles": roles_text(PAGE_ROLES["ombuds_mediation_move"])})


# --- The student administration's pages --------------------------------------------------------------------------


WARNING_WORDS = {
    "no_principal": gettext_lazy("no ombudsperson"),
    "no_deputy": gettext_lazy("no deputy"),
    "deputy_is_principal": gettext_lazy("the deputy is also the ombudsperson"),
}


@role_required(*PAGE_ROLES["ombuds_assignments"])
def assignments_view(request):
    """appeals:ombuds_assignments - OM-1: coverage per programme (warnings) and the appointments, filtered."""
    on = today()
    filterset = forms.AssignmentFilter(request.GET or None, queryset=queries.assignments(), today=on)
    context = _page(request, filterset.qs)
    coverage = queries.coverage(on)
    for row in coverage["rows"]:
        row["warning_words"] = [WARNING_WORDS[w] for w in row["warnings"] if w in WARNING_WORDS]
    context.update({"filter": filterset, "coverage": coverage, "today": on,
                    "filtered": any(request.GET.get(k) for k in ("programme", "role", "current")),
                    "page_roles": roles_text(PAGE_ROLES["ombuds_assignments"])})
    return render(request, "appeals/ombuds/assignments.html", context)


@role_required(*PAGE_ROLES["ombuds_assignment_add"])
def assignment_add_view(request):
    """appeals:ombuds_assignment_add - OM-1: appoint an ombudsperson, a deputy or the central ombudsperson."""
    on = today()
    form = forms.AssignmentForm(request.POST or None, initial={"since": on})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            assignment, created, warnings = services.assign(user=d["user"], role=d["role"], programme=d["programme"],
                                                            since=d["since"], until=d["until"], by=request.user)
        except OmbudsRefused as refused:
            form.add_error(None, str(refused))
        else:
            if created:
                messages.success(request, _("The appointment is on file: %(who)s.") % {"who": str(assignment)})
            else:
                messages.info(request, _("This appointment was already on file."))
            for w in warnings:
                if w.kind in WARNING_WORDS:
                    messages.warning(request, _("OM-1 (UH 21.1): %(programme)s has %(gap)s.")
                                     % {"programme": assignment.programme.code if assignment.programme else "",
                                        "gap": WARNING_WORDS[w.kind]})
                elif w.kind == "no_central":
                    messages.warning(request, _("OM-1 (UH 21.1.2): no central ombudsperson is appointed."))
            return redirect("appeals:ombuds_assignments")
    return render(request, "appeals/ombuds/assignment_form.html", {
        "form": form, "page_roles": roles_text(PAGE_ROLES["ombuds_assignment_add"])})


@role_required(*PAGE_ROLES["ombuds_assignment_end"])
def assignment_end_view(request, pk):
    """appeals:ombuds_assignment_end - OM-1: end a term."""
    assignment = get_object_or_404(OmbudsAssignment.objects.select_related("user", "programme"), pk=pk)
    form = forms.EndAssignmentForm(request.POST or None, initial={"until": assignment.until or today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.end_assignment(pk, form.cleaned_data["until"], by=request.user)
        except OmbudsRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("The term ends on %(day)s.") % {"day": form.cleaned_data["until"].isoformat()})
            return redirect("appeals:ombuds_assignments")
    return render(request, "appeals/ombuds/assignment_end.html", {
        "assignment": assignment, "form": form, "page_roles": roles_text(PAGE_ROLES["ombuds_assignment_end"])})


@role_required(*PAGE_ROLES["ombuds_view_log"])
def view_log_view(request, kind=None, pk=None):
    """appeals:ombuds_view_log (every view, filtered) and appeals:ombuds_file_views (the views of one file):
    who opened which file when, for the head of the student administration."""
    file = None
    if kind is not None:
        file, qs = queries.views_of_file(_kind(kind), pk)
    else:
        qs = queries.file_views()
    filterset = forms.FileViewFilter(request.GET or None, queryset=qs)
    context = _page(request, filterset.qs, per_page=50)
    context.update({"filter": filterset, "file": file, "kind": kind,
                    "kind_label": FileKind(kind).label if kind else "",
                    "filtered": any(request.GET.get(k) for k in ("kind", "user", "since", "until")),
                    "page_roles": roles_text(PAGE_ROLES["ombuds_view_log"])})
    return render(request, "appeals/ombuds/view_log.html", context)
