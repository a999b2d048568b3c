"""Pages of the student administration: the dashboard, the student list, the student page and its statement,
and the two learning-account actions that are not enrolments (register opening, correction)."""

import csv

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters.views import FilterView

from config.access import STUDENT_RECORDS_READ, STUDENT_RECORDS_WRITE, RoleRequiredMixin, has_role, role_required
from config.csv_export import safe_cell
from enrolment.views import TwoStepAction, roles_text

from . import queries, services
from .filters import StudentFilter
from .forms import LARGE_NEGATIVE_CORRECTION, AsOfForm, CorrectionForm, RegisterOpeningForm
from .history import student_history
from .pdf import statement_filename, statement_pdf


@login_required
def dashboard(request):
    """dashboard - anyone signed in; the counts and links follow the user's roles."""
    context = {"page_roles": _("Anyone signed in")}
    if has_role(request.user, STUDENT_RECORDS_READ):
        context["counts"] = queries.dashboard_counts(timezone.localdate())
    return render(request, "dashboard.html", context)


class StudentListView(RoleRequiredMixin, FilterView):
    """students:list - student administration and academic advisors. ``?format=csv`` exports the filtered list."""

    allowed_roles = STUDENT_RECORDS_READ
    filterset_class = StudentFilter
    paginate_by = 25
    template_name = "students/student_list.html"

    def get_queryset(self):
        self.as_of = timezone.localdate()
        return queries.student_rows(self.as_of)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_roles"] = roles_text(self.allowed_roles)
        context["as_of"] = self.as_of
        context["filtered"] = any(
            self.request.GET.get(k) for k in ("q", "programme", "kind", "academic_year")
        )
        return context

    def render_to_response(self, context, **kwargs):
        if self.request.GET.get("format") == "csv":
            return students_csv(self.object_list, self.as_of)
        return super().render_to_response(context, **kwargs)


def students_csv(students, as_of) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="students-{as_of.isoformat()}.csv"'
    response.write("\ufeff")  # Excel reads UTF-8 only with a byte-order mark
    writer = csv.writer(response)
    writer.writerow([_("Student number"), _("Last name"), _("First name"), _("E-mail"), _("Date of birth"),
                     _("Learning account on %(date)s") % {"date": as_of.isoformat()}, _("Study contracts")])
    for s in students:
        contracts = "; ".join(
            f"{c.academic_year.code} {c.programme.code} {c.kind}{'' if c.active else ' (' + _('deregistered') + ')'}"
            for c in s.contract_list
        )
        writer.writerow([safe_cell(v) for v in (s.number, s.last_name, s.first_name, s.email,
                                                s.date_of_birth.isoformat(), s.balance, contracts)])
    return response


@role_required(*STUDENT_RECORDS_READ)
def student_detail(request, number):
    """students:detail - student administration and academic advisors; write buttons for the administration."""
    today = timezone.localdate()
    as_of_form = AsOfForm(request.GET or None, initial={"as_of": today})
    as_of = as_of_form.as_of_or(today)
    context = queries.student_page(number, as_of, today)
    context.update({"as_of_form": as_of_form, "as_of": as_of, "today": today,
                    "page_roles": roles_text(STUDENT_RECORDS_READ),
                    "history": student_history(context["student"])})
    return render(request, "students/student_detail.html", context)


@role_required(*STUDENT_RECORDS_READ)
def statement_pdf_view(request, number):
    """students:statement_pdf - the learning-account statement as a PDF download."""
    today = timezone.localdate()
    as_of = AsOfForm(request.GET or None).as_of_or(today)
    data = queries.statement_for(number, as_of)
    response = HttpResponse(statement_pdf(data, today), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{statement_filename(data["student"].number, as_of)}"'
    return response


class StudentAction(TwoStepAction):
    allowed_roles = STUDENT_RECORDS_WRITE

    def load(self, number):
        self.student = queries.get_student(number)


class RegisterOpeningView(StudentAction):
    """students:register_opening - the opening position from the government's register (LA-1)."""

    form_class = RegisterOpeningForm

    @property
    def title(self):
        return _("Opening balance from the register")

    def make_form(self, data=None, initial=None):
        if data is None and initial is None and self.student.register_balance is not None:
            s = self.student
            initial = {"balance": s.register_balance, "as_of": s.register_as_of, "bonus_used": s.register_bonus_used,
                       "master_obtained": s.register_master_obtained}
        return super().make_form(data, initial)

    def preview(self, form):
        d = form.cleaned_data
        return services.preview_register_opening(self.student, d["balance"], d["as_of"], d["bonus_used"],
                                                d["master_obtained"], timezone.localdate())

    def commit(self, form):
        d = form.cleaned_data
        services.record_register_opening(self.student, d["balance"], d["as_of"], d["bonus_used"],
                                         d["master_obtained"], by=self.request.user)
        return _("The register's opening balance of %(balance)d credits on %(date)s is recorded.") % {
            "balance": d["balance"], "date": d["as_of"].isoformat()}


class CorrectionView(StudentAction):
    """students:correction - a correction decided elsewhere (LA-13), with its reference and reason."""

    form_class = CorrectionForm

    @property
    def title(self):
        return _("Correction of the learning account")

    def preview(self, form):
        d = form.cleaned_data
        preview = services.preview_correction(self.student, d["credits"], d["on"], d["reason"], d["reference"],
                                              d.get("token"))
        if d["credits"] < -LARGE_NEGATIVE_CORRECTION:
            preview["notes"] = [("warning", _("This correction takes away %(credits)d credits.")
                                 % {"credits": -d["credits"]})]
        return preview

    def commit(self, form):
        d = form.cleaned_data
        services.record_correction(self.student, d["credits"], d["on"], d["reference"], d["reason"],
                                   by=self.request.user, token=d.get("token"))
        return _("The correction of %(credits)+d credits (%(reference)s) is recorded.") % {
            "credits": d["credits"], "reference": d["reference"]}
