"""Pages of the examinations: results.

- the list of units with their progress ("My course units" for a lecturer, "Results" for the administration);
- the grid of one unit in one exam period (EX-4, EX-5, EX-7, EX-8, EX-11), and its CSV export;
- the results-file import: upload -> preview -> confirm, all or nothing;
- a student's results of a year with the study success rate (EN-9), and from there EX-2, EX-3 and EX-10.

Every view checks its roles first (config.access) and scopes its object to the user (a lecturer's own units, a
committee member's programmes); "not yours" is a 404, like "missing".
"""

from __future__ import annotations

import csv
import secrets

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from config.access import Role, role_required
from config.csv_export import safe_cell
from enrolment.models import AcademicYear, CourseUnit
from enrolment.views import roles_text
from students.history import results_history
from students.models import Student

from .. import queries_results as queries
from ..forms_results import (
    MaterialErrorDecisionForm,
    MaterialErrorReportForm,
    NotifiedForm,
    ResultsFileForm,
    RetakeRequestForm,
    SecondOpportunityForm,
    UnitFilter,
)
from ..models import ExamPeriod, MaterialError, Result, RetakeStatus
from ..results_import import MAX_BYTES, RawRow, ResultsFileError, read_results_file
from ..rules import results as result_rules
from ..rules.results import NoResultRules
from ..services import results as services
from ..services.results_import import ImportRefused, apply_import, plan_import

ENTRY_ROLES = (Role.LECTURER, Role.STUDENT_ADMIN)
ADMIN_ROLES = (Role.STUDENT_ADMIN,)
SUMMARY_ROLES = queries.SUMMARY_ROLES
IMPORT_SESSION_KEY = "results_import"
PREVIEW_ROWS = 500


# ---------------------------------------------------------------------------------------------------------------
# Units


@role_required(*ENTRY_ROLES)
def unit_list(request):
    """examinations:results_units - lecturers (the units they coordinate) and the student administration (all)."""
    admin = services.is_results_admin(request.user)
    data = request.GET.copy()
    year = None
    if data.get("academic_year"):
        year = AcademicYear.objects.filter(code=data["academic_year"]).first()
    if year is None:
        year = queries.default_year(timezone.localdate())
        if year is not None:
            data["academic_year"] = year.code
    units = queries.units_for(request.user)
    flt = UnitFilter(data, queryset=units)
    unit_qs = flt.qs if flt.is_valid() else units
    period_code = flt.form.cleaned_data.get("exam_period", "") if flt.is_valid() else ""
    rows = queries.unit_rows(unit_qs, year, period_code) if year else []
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    queries.count_progress(list(page.object_list))
    return render(request, "examinations/results/units.html", {
        "filter": flt, "page_obj": page, "object_list": page.object_list, "paginator": page.paginator,
        "is_paginated": page.has_other_pages(), "year": year, "admin": admin,
        "title": _("Results") if admin else _("My course units"),
        "filtered": any(request.GET.get(k) for k in ("q", "programme", "exam_period")),
        "page_roles": roles_text(ENTRY_ROLES),
    })


@role_required(*ENTRY_ROLES)
def unit_grid(request, code, year, period):
    """examinations:results_grid - the unit's coordinating lecturer and the student administration.

    GET shows every student with the results of both opportunities and the final one; POST records the changed
    cells through ``record_result`` (all or nothing). ``?format=csv`` downloads the grid as a results file.
    """
    unit = queries.access_unit(request.user, code)
    exam_period = queries.access_period(unit, year, period)
    data = queries.grid(request.user, unit, exam_period)
    if request.GET.get("format") == "csv":
        return grid_csv(data)
    if request.method == "POST":
        entries = {}
        for row in data.rows:
            value = request.POST.get(f"g-{row.line_id}", "").strip()
            if value and row.editable:
                entries[row.line_id] = value
            row.value = value
        try:
            recorded, unchanged = services.enter_results(request.user, unit, exam_period, entries)
        except services.GridRefused as refused:
            for row in data.rows:
                row.error = refused.errors.get(row.line_id, "")
            messages.error(request, _("Results that could not be recorded: %(n)d; nothing was saved. The reasons are "
                                      "shown in the grid.") % {"n": len(refused.errors)})
        except services.ResultRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("Results saved: %(recorded)d recorded, %(unchanged)d unchanged.")
                             % {"recorded": recorded, "unchanged": unchanged})
            return redirect(request.path)
    return render(request, "examinations/results/grid.html", {
        "grid": data, "unit": unit, "period": exam_period, "year": exam_period.academic_year,
        "page_roles": _("The unit's coordinating lecturer, student administration"),
    })


def grid_csv(data) -> HttpResponse:
    """The grid as a results file that the import reads back (student number, course unit code, grade)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (f'attachment; filename="results-{data.unit.code}-'
                                       f'{data.period.academic_year.code}-{data.period.code}.csv"')
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(["student number", "course unit code", "grade", "last name", "first name", "programme"])
    for row in data.rows:
        if row.excluded:
            continue
        grade = result_rules.display(row.current.outcome, row.current.grade) if row.current else ""
        writer.writerow([safe_cell(v) for v in (row.student.number, data.unit.code, grade, row.student.last_name,
                                                row.student.first_name, row.programme_code)])
    return response


# ---------------------------------------------------------------------------------------------------------------
# Results file import


@role_required(*ENTRY_ROLES)
def import_results(request):
    """examinations:results_import - lecturers (rows of their own units) and the student administration.

    POST step=preview reads and checks the file and keeps its rows in the session under a token; POST
    step=confirm checks the kept rows again and saves them all in one transaction. Nothing from the browser but the
    token is used on confirm.
    """
    context = {"page_roles": roles_text(ENTRY_ROLES), "max_rows": PREVIEW_ROWS}
    if request.method == "POST" and _content_length(request) > MAX_BYTES + 64 * 1024:
        # Refused before Django reads the body: an oversized upload is never spooled to disk.
        messages.error(request, _("The file is larger than %(limit)d MB; nothing was read.")
                       % {"limit": MAX_BYTES // 1024 // 1024})
        return redirect("examinations:results_import")
    step = request.POST.get("step", "") if request.method == "POST" else ""
    if step == "confirm":
        pending = request.session.get(IMPORT_SESSION_KEY, {}).get(request.POST.get("token", ""))
        if pending is None or pending.get("user") != request.user.pk:
            messages.error(request, _("This import is no longer pending (already saved, or the session ended). "
                                      "Upload the file again."))
            return redirect("examinations:results_import")
        period = get_object_or_404(ExamPeriod.objects.select_related("academic_year"), pk=pending["period"])
        rows = [RawRow.from_list(r) for r in pending["rows"]]
        try:
            plan = apply_import(request.user, period, rows, pending["filename"])
        except ImportRefused as refused:
            _forget(request, request.POST.get("token", ""))
            if refused.plan is None:
                messages.error(request, str(refused))
                return redirect("examinations:results_import")
            context.update({"form": ResultsFileForm(initial={"exam_period": period}), "plan": refused.plan,
                            "filename": pending["filename"]})
            messages.error(request, str(refused))
            return render(request, "examinations/results/import.html", context)
        _forget(request, request.POST.get("token", ""))
        messages.success(request, _("Results from %(file)s for %(period)s: %(new)d new, %(changed)d changed, "
                                    "%(unchanged)d already recorded.") % {
            "new": len(plan.new), "changed": len(plan.changed), "file": pending["filename"],
            "period": f"{period.academic_year.code} {period.code}", "unchanged": plan.unchanged})
        return redirect(reverse("examinations:results_units") + f"?academic_year={period.academic_year.code}"
                        f"&exam_period={period.code}")
    form = ResultsFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        period = form.cleaned_data["exam_period"]
        try:
            rows = read_results_file(upload.read(), form.extension)
        except ResultsFileError as bad:
            form.add_error("file", str(bad))
        else:
            plan = plan_import(request.user, period, rows)
            context.update({"plan": plan, "filename": upload.name})
            if plan.ok and plan.to_record:
                context["token"] = _remember(request, period, upload.name, rows)
    context["form"] = form
    return render(request, "examinations/results/import.html", context)


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _remember(request, period, filename, rows) -> str:
    """Keep the checked rows on the server (the session) until confirmed; at most three pending imports."""
    token = secrets.token_urlsafe(16)
    pending = request.session.get(IMPORT_SESSION_KEY, {})
    for old in sorted(pending, key=lambda k: pending[k]["created"])[:-2]:
        pending.pop(old)
    pending[token] = {"user": request.user.pk, "period": period.pk, "filename": filename[:200],
                      "rows": [r.as_list() for r in rows], "created": timezone.now().isoformat()}
    request.session[IMPORT_SESSION_KEY] = pending
    return token


def _forget(request, token):
    pending = request.session.get(IMPORT_SESSION_KEY, {})
    if pending.pop(token, None) is not None:
        request.session[IMPORT_SESSION_KEY] = pending


# ---------------------------------------------------------------------------------------------------------------
# A student's results of a year


@role_required(*SUMMARY_ROLES)
def student_results(request, number):
    """examinations:results_student - student administration, academic advisors, examination committee roles
    (the students of their programmes). The results per unit (first, second opportunity, final, EX-5) and the
    study success rate (EN-9); the administration's EX-2, EX-3 and EX-10 actions."""
    today = timezone.localdate()
    student = queries.access_student(request.user, number, today)
    years = queries.student_years(student)
    year = next((y for y in years if y.code == request.GET.get("year")), years[0] if years else None)
    summary = queries.student_summary(student, year) if year else {"rows": [], "success": None}
    return render(request, "examinations/results/student.html", {
        "student": student, "years": years, "year": year, **summary,
        "can_act": services.is_results_admin(request.user), "page_roles": roles_text(SUMMARY_ROLES),
        "history": results_history(student),
    })


def _student_and_year(number, year_code):
    student = get_object_or_404(Student, number=number)
    year = get_object_or_404(AcademicYear, code=year_code)
    return student, year


def _line_units(student, year):
    return CourseUnit.objects.filter(lines__student=student, lines__academic_year=year,
                                     lines__removed_on__isnull=True, lines__exempted=False).distinct().order_by("code")


def _student_form_view(request, number, year, form_class, title, intro, act):
    student, year = _student_and_year(number, year)
    back = reverse("examinations:results_student", args=[student.number]) + f"?year={year.code}"
    units = _line_units(student, year)
    initial = {}
    if request.GET.get("unit"):
        initial["unit"] = units.filter(code=request.GET["unit"]).first()
    form = form_class(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            message, level = act(student, year, form.cleaned_data["unit"], form.cleaned_data["on"])
        except (services.ResultRefused, NoResultRules) as refused:
            form.add_error(None, str(refused))
        else:
            getattr(messages, level)(request, message)
            return redirect(back)
    return render(request, "examinations/results/student_form.html", {
        "form": form, "student": student, "year": year, "title": title, "intro": intro, "back": back,
        "page_roles": roles_text(ADMIN_ROLES)})


@role_required(*ADMIN_ROLES)
def second_opportunity(request, number, year):
    """examinations:results_second_opportunity - student administration: EX-2 (UH 12.2.5)."""
    def act(student, year, unit, on):
        services.register_second_opportunity(student, year, unit, on, by=request.user)
        return _("%(unit)s is registered for the second opportunity.") % {"unit": unit.code}, "success"

    return _student_form_view(
        request, number, year, SecondOpportunityForm, _("Register for the second opportunity"),
        _("A unit failed at the first opportunity is registered from 11 July to 8 August; without registration the "
          "student gets A for the second opportunity (UH 12.2.5)."), act)


@role_required(*ADMIN_ROLES)
def retake_request(request, number, year):
    """examinations:results_retake - student administration: EX-3 (UH 12.2.6)."""
    def act(student, year, unit, on):
        req = services.request_retake(student, year, unit, on, by=request.user)
        if req.status == RetakeStatus.LATE:
            deadline = getattr(req, "deadline", None) or services.retake_deadline(req)
            return _("The request to retake %(unit)s is refused: it was received on %(on)s, after the deadline of "
                     "%(deadline)s (10 working days after the announcement, UH 12.2.6). The refusal is on record.") % {
                "unit": unit.code, "on": req.requested_on.isoformat(),
                "deadline": deadline.isoformat() if deadline else "?"}, "error"
        return _("The request to retake %(unit)s is granted and the unit is registered for the second "
                 "opportunity.") % {"unit": unit.code}, "success"

    return _student_form_view(
        request, number, year, RetakeRequestForm, _("Request to retake a tolerated fail"),
        _("A tolerated fail is retaken in the second opportunity only on a written request within 10 working days "
          "after the announcement (UH 12.2.6)."), act)


# ---------------------------------------------------------------------------------------------------------------
# EX-10: material errors


@role_required(*ADMIN_ROLES)
def material_error_list(request):
    """examinations:material_errors - student administration: reported material errors, open ones first."""
    errors = queries.material_errors()
    q = request.GET.get("q", "").strip()
    if q:
        errors = errors.filter(Q(result__student__number__icontains=q) | Q(result__course_unit__code__icontains=q)
                               | Q(result__student__last_name__icontains=q))
    state = request.GET.get("state", "")
    if state == "open":
        errors = errors.filter(decided_on__isnull=True)
    elif state == "decided":
        errors = errors.filter(decided_on__isnull=False)
    page = Paginator(errors, 25).get_page(request.GET.get("page"))
    return render(request, "examinations/results/material_errors.html", {
        "page_obj": page, "object_list": page.object_list, "paginator": page.paginator,
        "is_paginated": page.has_other_pages(), "q": q, "state": state, "filtered": bool(q or state),
        "page_roles": roles_text(ADMIN_ROLES)})


@role_required(*ADMIN_ROLES)
def material_error_report(request, pk):
    """examinations:material_error_report - student administration: report a material error in a published
    result (UH 15.5.3)."""
    result = get_object_or_404(Result.objects.select_related("student", "course_unit", "exam_period__academic_year",
                                                             "line__contract"), pk=pk)
    form = MaterialErrorReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            error = services.report_material_error(result, d["reported_on"], d["reported_by_name"], d["description"],
                                                   by=request.user)
        except services.ResultRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("The material error is reported."))
            return redirect("examinations:material_error", pk=error.pk)
    decision_on = services.decision_date(result)
    rr = result.academic_year.rules.results
    return render(request, "examinations/results/material_error_report.html", {
        "form": form, "result": result, "decision_on": decision_on,
        "report_by": result_rules.material_error_report_deadline(decision_on, rr) if decision_on and rr else None,
        "page_roles": roles_text(ADMIN_ROLES)})


@role_required(*ADMIN_ROLES)
def material_error_detail(request, pk):
    """examinations:material_error - student administration: the report, its decision (a correction is a new
    version of the result, procedure EX-10) and the date the student was notified."""
    error = get_object_or_404(MaterialError.objects.select_related(
        "result__student", "result__course_unit", "result__exam_period__academic_year", "result__line__contract",
        "correction", "recorded_by"), pk=pk)
    result = error.result
    decide = MaterialErrorDecisionForm(request.POST if request.POST.get("step") == "decide" else None,
                                       result_kind=result.course_unit.result_kind)
    notify = NotifiedForm(request.POST if request.POST.get("step") == "notify" else None)
    if request.method == "POST":
        try:
            if request.POST.get("step") == "decide" and decide.is_valid():
                outcome, grade = decide.outcome_and_grade
                d = decide.cleaned_data
                services.decide_material_error(error, d["decided_on"], d["corrected"], outcome, grade, d["reason"],
                                               by=request.user)
                messages.success(request, _("The decision is recorded.") if not d["corrected"] else
                                 _("The result is corrected: a new version is recorded (EX-10)."))
                return redirect("examinations:material_error", pk=error.pk)
            if request.POST.get("step") == "notify" and notify.is_valid():
                services.record_student_notified(error, notify.cleaned_data["notified_on"])
                messages.success(request, _("The notification of the student is recorded."))
                return redirect("examinations:material_error", pk=error.pk)
        except (services.ResultRefused, NoResultRules) as refused:
            (decide if request.POST.get("step") == "decide" else notify).add_error(None, str(refused))
    decision_on = services.decision_date(result)
    rr = result.academic_year.rules.results
    versions = Result.objects.filter(student_id=result.student_id, academic_year_id=result.academic_year_id,
                                     course_unit_id=result.course_unit_id, opportunity=result.opportunity
                                     ).select_related("recorded_by").order_by("version")
    return render(request, "examinations/results/material_error.html", {
        "error": error, "result": result, "decide": decide, "notify": notify, "decision_on": decision_on,
        "versions": versions,
        "report_by": result_rules.material_error_report_deadline(decision_on, rr) if decision_on and rr else None,
        "decide_by": result_rules.material_error_decision_deadline(error.reported_on, rr) if rr else None,
        "page_roles": roles_text(ADMIN_ROLES)})
