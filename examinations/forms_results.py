"""Input of the results pages: the unit list's filters, the results-file upload, the EX-2 / EX-3 forms and the
material-error procedure (EX-10). Forms check what they can see; the rules run in the services."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from config.clock import today
from config.validators import validate_name
from enrolment.forms import DateInput
from enrolment.models import AcademicYear, CourseUnit, Programme, unit_label

from .models import ExamPeriod, Outcome
from .results_import import ResultsFileError, check_upload
from .rules import results as result_rules


class PastDatesMixin:
    """Dates of things that happened (a registration, a request, a report, a decision, a notification) cannot
    lie after today; the date picker offers no later day either."""

    past_date_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.past_date_fields:
            self.fields[name].widget.attrs["max"] = today().isoformat()

    def clean(self):
        cleaned = super().clean()
        now = today()
        for name in self.past_date_fields:
            value = cleaned.get(name)
            if value is not None and value > now:
                self.add_error(name, _("%(date)s is after today (%(today)s): record it once it has happened.")
                               % {"date": value.isoformat(), "today": now.isoformat()})
        return cleaned


class UnitFilter(django_filters.FilterSet):
    """The unit list: search by code or name, programme; the year and the exam period choose the columns."""

    q = django_filters.CharFilter(label=_("Search"), method="search",
                                  widget=forms.TextInput(attrs={"placeholder": _("Code or name")}))
    programme = django_filters.ModelChoiceFilter(queryset=Programme.objects.order_by("code"), label=_("Programme"))
    academic_year = django_filters.ModelChoiceFilter(queryset=AcademicYear.objects.order_by("-starts_on"),
                                                     label=_("Academic year"), to_field_name="code",
                                                     method="keep", empty_label=None)
    exam_period = django_filters.ChoiceFilter(label=_("Exam period"), method="keep", empty_label=_("All"))

    class Meta:
        model = CourseUnit
        fields = ["q", "programme"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        codes = sorted(set(ExamPeriod.objects.values_list("code", flat=True)))
        self.filters["exam_period"].extra["choices"] = [(c, c) for c in codes]

    def search(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))

    def keep(self, queryset, name, value):
        return queryset


class PeriodChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("%(year)s %(code)s (opportunity %(opportunity)s, %(start)s to %(end)s)") % {
            "year": obj.academic_year.code, "code": obj.code, "opportunity": obj.opportunity,
            "start": obj.starts_on.isoformat(), "end": obj.ends_on.isoformat()}


class ResultsFileForm(forms.Form):
    exam_period = PeriodChoiceField(
        ExamPeriod.objects.select_related("academic_year").order_by("-academic_year__starts_on", "starts_on"),
        label=_("Exam period"))
    file = forms.FileField(
        label=_("Results file (.csv or .xlsx, at most 5 MB)"),
        help_text=_("Columns: student number, course unit code, grade (a header row naming them, in English or "
                    "Dutch). Grades: a whole number 0-20, A, AJ, or pass/fail for pass/fail units."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}))

    def clean_file(self):
        f = self.cleaned_data["file"]
        try:
            self.extension = check_upload(f.name, getattr(f, "content_type", ""), f.size)
        except ResultsFileError as bad:
            raise forms.ValidationError(str(bad))
        return f


class UnitOfLinesField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return unit_label(obj)


class StudentUnitForm(PastDatesMixin, forms.Form):
    """A unit of the student's study programme of that year, and a date."""

    date_label = _("Date")
    past_date_fields = ("on",)

    unit = UnitOfLinesField(CourseUnit.objects.none(), label=_("Course unit"))
    on = forms.DateField(widget=DateInput, initial=today)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else CourseUnit.objects.none()
        self.fields["on"].label = self.date_label


class SecondOpportunityForm(StudentUnitForm):
    date_label = _("Registered on")


class RetakeRequestForm(StudentUnitForm):
    date_label = _("Written request received on")


class MaterialErrorReportForm(PastDatesMixin, forms.Form):
    past_date_fields = ("reported_on",)
    reported_on = forms.DateField(label=_("Reported on"), widget=DateInput, initial=today)
    reported_by_name = forms.CharField(label=_("Reported by (name and capacity)"), max_length=200,
                                       validators=[validate_name])
    description = forms.CharField(label=_("What is wrong"), widget=forms.Textarea(attrs={"rows": 3}))


class MaterialErrorDecisionForm(PastDatesMixin, forms.Form):
    past_date_fields = ("decided_on",)
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput, initial=today)
    corrected = forms.TypedChoiceField(
        label=_("Decision"), coerce=lambda v: v == "yes", widget=forms.RadioSelect,
        choices=[("yes", _("It is a material error: correct the result")),
                 ("no", _("No material error: the result stands"))])
    corrected_result = forms.CharField(label=_("Corrected result"), required=False, max_length=20,
                                       help_text=_("A whole number 0-20, A, AJ, or pass/fail for pass/fail units."))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, result_kind="numeric", **kwargs):
        super().__init__(*args, **kwargs)
        self.result_kind = result_kind

    def clean(self):
        cleaned = super().clean()
        self.parsed = None
        if cleaned.get("corrected"):
            text = cleaned.get("corrected_result", "")
            if not text.strip():
                self.add_error("corrected_result", _("Give the corrected result."))
            else:
                try:
                    self.parsed = result_rules.parse_result(text, self.result_kind)
                except result_rules.InvalidResult as bad:
                    self.add_error("corrected_result", str(bad))
        return cleaned

    @property
    def outcome_and_grade(self) -> tuple[str | None, int | None]:
        if self.parsed is None:
            return None, None
        return self.parsed.outcome, self.parsed.grade if self.parsed.outcome == Outcome.NUMERIC else None


class NotifiedForm(PastDatesMixin, forms.Form):
    past_date_fields = ("notified_on",)
    notified_on = forms.DateField(label=_("Student notified on"), widget=DateInput, initial=today)
