"""Input of the enrolment actions. Each form checks what it can see on its own; the rules run in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from config.clock import today

from .models import AcademicYear, ContractKind, CourseUnit, ExceptionRule, Programme, StudyContract, unit_label


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")



def no_later_than_today(field: forms.DateField) -> None:
    """The browser's date picker offers no day after today for the date of a student's request (the services
    refuse it anyway: enrolment.rules.future_request_refusal)."""
    field.widget.attrs["max"] = today().isoformat()


class UnitLabelMixin:
    def label_from_instance(self, obj):
        return unit_label(obj)


class UnitChoiceField(UnitLabelMixin, forms.ModelChoiceField):
    """A course-unit select whose options read "INF101 Programming (6 credits)"."""


class UnitsField(UnitLabelMixin, forms.ModelMultipleChoiceField):
    """Course units ticked in the checkbox table the templates draw themselves (grouped by stage)."""

    widget = forms.CheckboxSelectMultiple


class ProgrammeUnitsMixin:
    """Shared by enrolment and change of programme: the units ticked, and the exempted ones among them."""

    def clean(self):
        cleaned = super().clean()
        units = cleaned.get("units")
        exempted = cleaned.get("exempted")
        if units is not None and exempted:
            strays = sorted(u.code for u in exempted if u not in set(units))
            if strays:
                self.add_error("exempted", _("Tick an exempted unit as taken too: %(codes)s.")
                               % {"codes": ", ".join(strays)})
        return cleaned

    def unit_ids(self) -> list[int]:
        return [u.pk for u in self.cleaned_data["units"]]

    def exempted_ids(self) -> list[int]:
        return [u.pk for u in self.cleaned_data.get("exempted") or ()]


class EnrolForm(ProgrammeUnitsMixin, forms.Form):
    academic_year = forms.ModelChoiceField(AcademicYear.objects.order_by("-starts_on"), label=_("Academic year"))
    programme = forms.ModelChoiceField(Programme.objects.order_by("code"), label=_("Programme"))
    kind = forms.ChoiceField(choices=ContractKind.choices, label=_("Contract"), initial=ContractKind.DIPLOMA)
    enrolled_on = forms.DateField(label=_("Enrolment date"), widget=DateInput, initial=today)
    units = UnitsField(CourseUnit.objects.all(), label=_("Course units"),
                       error_messages={"required": _("Choose at least one course unit.")})
    exempted = UnitsField(CourseUnit.objects.all(), label=_("Exempted units"), required=False)
    unit_search = forms.CharField(label=_("Find course units of any programme by code"), required=False,
                                  max_length=30)

    def clean(self):
        cleaned = super().clean()
        programme, kind, units = cleaned.get("programme"), cleaned.get("kind"), cleaned.get("units")
        if programme and units and kind == ContractKind.DIPLOMA:
            foreign = sorted(u.code for u in units if u.programme_id != programme.pk)
            if foreign:
                self.add_error("units", _("A diploma contract takes units of its own programme only; not part of "
                                          "%(programme)s: %(codes)s.")
                               % {"programme": programme.code, "codes": ", ".join(foreign)})
        return cleaned


class ChangeProgrammeForm(ProgrammeUnitsMixin, forms.Form):
    programme = forms.ModelChoiceField(Programme.objects.order_by("code"), label=_("New programme"))
    on = forms.DateField(label=_("Date of the change"), widget=DateInput, initial=today,
                         help_text=_("The date of the student's request: the old contract ends and the new diploma "
                                     "contract starts on this day (UH 3.6)."))
    units = UnitsField(CourseUnit.objects.all(), label=_("Course units"),
                       error_messages={"required": _("Choose at least one course unit.")})
    exempted = UnitsField(CourseUnit.objects.all(), label=_("Exempted units"), required=False)

    def __init__(self, *args, contract: StudyContract, **kwargs):
        super().__init__(*args, **kwargs)
        self.contract = contract
        self.fields["programme"].queryset = Programme.objects.exclude(pk=contract.programme_id).order_by("code")
        no_later_than_today(self.fields["on"])

    def clean(self):
        cleaned = super().clean()
        programme, units, on = cleaned.get("programme"), cleaned.get("units"), cleaned.get("on")
        if programme and units:
            foreign = sorted(u.code for u in units if u.programme_id != programme.pk)
            if foreign:
                self.add_error("units", _("Not part of %(programme)s: %(codes)s.")
                               % {"programme": programme.code, "codes": ", ".join(foreign)})
        if on and on < self.contract.enrolled_on:
            self.add_error("on", _("The change cannot come before the enrolment (%(date)s).")
                           % {"date": self.contract.enrolled_on.isoformat()})
        return cleaned


class AddUnitForm(forms.Form):
    unit = UnitChoiceField(CourseUnit.objects.none(), label=_("Course unit"))
    added_on = forms.DateField(label=_("Date"), widget=DateInput, initial=today,
                               help_text=_("The unit's credits are deducted from the learning account on this "
                                           "day (LA-3)."))
    exempted = forms.BooleanField(label=_("Exempted (no learning-account credits)"), required=False)

    def __init__(self, *args, contract: StudyContract, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.contract = contract
        if contract.kind == ContractKind.DIPLOMA:
            self.fields["unit"].queryset = units
        else:
            # Credit and exam contracts may take units of any programme: typed by code.
            self.fields["unit"] = forms.ModelChoiceField(
                units, to_field_name="code", label=_("Course unit code"), widget=forms.TextInput,
                help_text=_("Any programme's course unit, for example INF101."),
                error_messages={"invalid_choice": _("No course unit with this code can be added to this contract.")},
            )


class RemoveUnitForm(forms.Form):
    requested_on = forms.DateField(
        label=_("Date of the student's request"), widget=DateInput, initial=today,
        help_text=_("LA-6: the credits come back only when the student asks before 1 December (first-semester and "
                    "year-long units) or before 15 March (second-semester units). The date of the request counts, "
                    "not the day it is processed."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        no_later_than_today(self.fields["requested_on"])


class WithdrawForm(forms.Form):
    on = forms.DateField(
        label=_("Date of the student's request"), widget=DateInput, initial=today,
        help_text=_("LA-7: before 1 December every unit's credits come back; from 1 December to 15 March only "
                    "second-semester units'; later none."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        no_later_than_today(self.fields["on"])


class ExceptionDecisionForm(forms.Form):
    """An exception decision by the authorised person (vice rector, director, bureau), recorded from a preview."""

    prefix = "exc"

    rule = forms.ChoiceField(choices=ExceptionRule.choices, widget=forms.HiddenInput)
    decided_by = forms.CharField(label=_("Decided by (name and office)"), max_length=200)
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput, initial=today)
    reference = forms.CharField(label=_("Decision reference"), max_length=100)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    max_credits = forms.IntegerField(label=_("Credits allowed"), min_value=1, max_value=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rule = self.data.get(self.add_prefix("rule")) if self.is_bound else self.initial.get("rule")
        if rule == ExceptionRule.EN2:
            del self.fields["max_credits"]  # an individualised programme allows no number of credits

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("rule") in (ExceptionRule.LA14, ExceptionRule.EN3) and not cleaned.get("max_credits"):
            self.add_error("max_credits", _("State how many credits the decision allows."))
        return cleaned
