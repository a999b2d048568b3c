"""Input of the irregularity procedure (IR-1 .. IR-5). Each form checks what it sees on its own; the rules run in
the services, whose refusals come back as form errors."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from config.validators import validate_name
from enrolment.forms import DateInput
from enrolment.models import Programme

from . import queries_irregularities as queries
from .models import ExamPeriod, IrregularityStatus, SanctionKind

YES_NO = [("yes", _("Yes: an irregularity was established")), ("no", _("No: no irregularity was established"))]


def date_field(label, required=True, help_text=""):
    return forms.DateField(label=label, required=required, widget=DateInput(), help_text=help_text)


class ExamPeriodChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.academic_year.code} · {obj.code} ({_('opportunity')} {obj.opportunity})"


class ReportForm(forms.Form):
    """IR-1 (UH 18.1): the examiner's or invigilator's formal report to the chair."""

    student_number = forms.CharField(label=_("Student number"), max_length=20)
    unit_code = forms.CharField(label=_("Course unit (code)"), max_length=30)
    exam_period = ExamPeriodChoice(
        label=_("Exam period"),
        queryset=ExamPeriod.objects.select_related("academic_year").order_by("-academic_year__starts_on",
                                                                             "starts_on"))
    discovered_on = date_field(_("Discovered on"))
    reported_on = date_field(_("Report received by the chair on"),
                             help_text=_("Within five working days of the discovery (UH 18.1.1). A later report "
                                         "is recorded and flagged."))
    reported_by_name = forms.CharField(label=_("Reported by (examiner or invigilator)"), max_length=200,
                                       validators=[validate_name])
    description = forms.CharField(label=_("The facts"), widget=forms.Textarea(attrs={"rows": 5}),
                                  help_text=_("What was found, which questions were answered, what was confiscated."))

    def __init__(self, *args, allowed_programmes: set[int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.allowed_programmes = allowed_programmes
        self.line = None

    def clean(self):
        cleaned = super().clean()
        number, code, period = cleaned.get("student_number"), cleaned.get("unit_code"), cleaned.get("exam_period")
        if number and code and period:
            line = queries.line_for_report(number, code, period.academic_year_id)
            if line is None:
                raise forms.ValidationError(
                    _("Student %(number)s does not take %(code)s in %(year)s.")
                    % {"number": number, "code": code.upper(), "year": period.academic_year.code})
            if self.allowed_programmes is not None and line.contract.programme_id not in self.allowed_programmes:
                raise forms.ValidationError(
                    _("You record reports for the students of the programmes whose committee you chair or "
                      "keep the minutes of; %(programme)s is not one of them.")
                    % {"programme": line.contract.programme.code})
            self.line = line
        return cleaned


class InformForm(forms.Form):
    """IR-1 (UH 18.1): the chair informs the ombudsperson and the student."""

    ombudsperson_informed_on = date_field(_("Ombudsperson informed on"))
    student_informed_on = date_field(_("Student informed on"))


class ReplaceForm(forms.Form):
    """IR-3 (UH 18.2.6): a chair or vice chair who is a party to the case is replaced."""

    chair_is_party = forms.BooleanField(label=_("The chair is a party to the case"), required=False)
    vice_chair_is_party = forms.BooleanField(label=_("The vice chair is a party to the case"), required=False)
    substitute = forms.ModelChoiceField(
        label=_("Committee member who completes the bureau"), queryset=None, required=False,
        help_text=_("Not needed when both are parties: the committee then decides, without them."))
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, seats=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["substitute"].queryset = get_user_model().objects.filter(pk__in=[s.user_id for s in seats])
        self.fields["substitute"].label_from_instance = lambda u: u.get_full_name() or u.get_username()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("chair_is_party") and not cleaned.get("vice_chair_is_party"):
            raise forms.ValidationError(_("Tick who is a party to the case: the chair, the vice chair or both."))
        return cleaned


class PlanHearingForm(forms.Form):
    """IR-2 (UH 18.2.1): the invitation and the date of the hearing."""

    invited_on = date_field(_("Invitation sent on"))
    held_on = date_field(_("Hearing on"))


class RecordHearingForm(forms.Form):
    """IR-2 (UH 18.2.1-2): who attended and the chair's report."""

    held_on = date_field(_("Held on"))
    student_attended = forms.BooleanField(label=_("The student attended"), required=False)
    examiner_attended = forms.BooleanField(label=_("The examiner or invigilator attended"), required=False)
    ombudsperson_attended = forms.BooleanField(
        label=_("The ombudsperson attended"), required=False,
        help_text=_("Required: the bureau hears the student in the presence of the ombudsperson (UH 18.2.1)."))
    counsel = forms.CharField(label=_("Counsel assisting the student"), max_length=200, required=False)
    report = forms.CharField(
        label=_("Report of the hearing"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Written by the chair; the student may inspect the file and get a copy (UH 18.2.2)."))


class DecisionForm(forms.Form):
    """IR-3 (UH 18.2.3-4, 18.3.2): irregularity or not, with the reasons."""

    found = forms.TypedChoiceField(label=_("Decision"), choices=YES_NO, widget=forms.RadioSelect,
                                   coerce=lambda v: v == "yes")
    decided_on = date_field(_("Decided on"))
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 6}),
                              help_text=_("Substantiated in detail (UH 18.3.2); they go into the letter."))


class SanctionForm(forms.Form):
    """IR-4 (UH 18.3.1): a sanction and, where the article allows it, the grades retained."""

    kind = forms.ChoiceField(label=_("Sanction"), choices=SanctionKind.choices)
    adjusted_grade = forms.IntegerField(label=_("Adjusted grade"), min_value=0, max_value=20, required=False,
                                        help_text=_("Only for 'Adjusted grade'."))
    retained = forms.MultipleChoiceField(
        label=_("Grades retained"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("First opportunity only, with 'No grades for the exam period' or the annulment of the first "
                    "opportunity."))

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["retained"].choices = [(u, u) for u in units]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == SanctionKind.ADJUSTED_GRADE and cleaned.get("adjusted_grade") is None:
            self.add_error("adjusted_grade", _("Give the adjusted grade."))
        if cleaned.get("kind") != SanctionKind.ADJUSTED_GRADE:
            cleaned["adjusted_grade"] = None
        return cleaned


class ReferForm(forms.Form):
    """IR-5 (UH 18.3.3): the committee's proposal to the rector."""

    referred_on = date_field(_("Proposed to the rector on"))
    proposal = forms.CharField(label=_("Proposal and reasons"), widget=forms.Textarea(attrs={"rows": 4}))


class LetterForm(forms.Form):
    """IR-5 (UH 18.3.2-3): the date the reasoned decision was sent through the student portal."""

    sent_on = date_field(_("Sent to the student on"))
    rector_decided_on = date_field(_("The rector decided on"), required=False)
    rector_decision = forms.CharField(label=_("The rector's decision"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, referred=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not referred:
            del self.fields["rector_decided_on"]
            del self.fields["rector_decision"]
        else:
            self.fields["rector_decided_on"].required = True
            self.fields["rector_decision"].required = True


# ---------------------------------------------------------------------------------------------------------------
# The list's filters

DEADLINES = [("overdue", _("Decision letter overdue (IR-5)")), ("late_report", _("Reported late (IR-1)")),
             ("open", _("Open files"))]
ORDERINGS = {"-reported_on": ("-reported_on", "-id"), "reported_on": ("reported_on", "id"),
             "student": ("student__last_name", "student__first_name", "-reported_on")}


class IrregularityFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Student number or name, unit")}))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=IrregularityStatus.choices, empty_label=_("All"))
    programme = django_filters.ModelChoiceFilter(
        label=_("Programme"), field_name="committee__programme", queryset=Programme.objects.order_by("code"),
        empty_label=_("All"))
    deadline = django_filters.ChoiceFilter(label=_("Deadlines"), choices=DEADLINES, method="by_deadline",
                                           empty_label=_("All"))
    ordering = django_filters.ChoiceFilter(
        label=_("Order by"), method="order", empty_label=None,
        choices=[("-reported_on", _("Newest report first")), ("reported_on", _("Oldest report first")),
                 ("student", _("Student name"))])

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        q = (Q(student__number__icontains=value) | Q(student__last_name__icontains=value)
             | Q(student__first_name__icontains=value) | Q(course_unit__code__iexact=value))
        return queryset.filter(q)

    def by_deadline(self, queryset, name, value):
        if value == "overdue":
            return queryset.filter(queries.overdue_q(self.today))
        if value == "late_report":
            return queryset.filter(reported_late=True)
        if value == "open":
            return queryset.exclude(status=IrregularityStatus.NOTIFIED)
        return queryset

    def order(self, queryset, name, value):
        return queryset.order_by(*ORDERINGS.get(value, ORDERINGS["-reported_on"]))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("ordering"):
            queryset = queryset.order_by(*ORDERINGS["-reported_on"])
        return queryset
