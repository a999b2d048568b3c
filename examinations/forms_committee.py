"""Input of the committee pages. Each form checks what it sees on its own; the rules run in the services."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from config.clock import today
from enrolment.models import Programme

from .models import CommitteeRole, ExamPeriod, MeetingForm, MeetingKind, TieKind


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")



class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        name = obj.get_full_name()
        return f"{name} ({obj.get_username()})" if name else obj.get_username()


def people():
    return get_user_model().objects.filter(is_active=True).order_by("last_name", "first_name", "username")


class CommitteeCreateForm(forms.Form):
    programme = forms.ModelChoiceField(Programme.objects.none(), label=_("Programme"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.filter(committee__isnull=True).order_by("code")


class MemberForm(forms.Form):
    user = PersonField(queryset=get_user_model().objects.none(), label=_("Person"))
    role = forms.ChoiceField(choices=CommitteeRole.choices, label=_("Role"), initial=CommitteeRole.MEMBER)
    since = forms.DateField(label=_("Member since"), widget=DateInput(), initial=today)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people()


class EndMemberForm(forms.Form):
    until = forms.DateField(label=_("Member until"), widget=DateInput(), initial=today)


class TieForm(forms.Form):
    person = PersonField(queryset=get_user_model().objects.none(), label=_("Staff member"))
    student = forms.CharField(label=_("Student number"), max_length=20)
    kind = forms.ChoiceField(choices=TieKind.choices, label=_("Tie"))
    declared_on = forms.DateField(label=_("Declared on"), widget=DateInput(), initial=today)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people()


class MeetingCreateForm(forms.Form):
    kind = forms.ChoiceField(choices=MeetingKind.choices, label=_("Meeting of"), initial=MeetingKind.COMMITTEE)
    form = forms.ChoiceField(choices=MeetingForm.choices, label=_("Form"), initial=MeetingForm.PHYSICAL)
    exam_period = forms.ModelChoiceField(ExamPeriod.objects.none(), label=_("Exam period"))
    held_on = forms.DateField(label=_("Date"), widget=DateInput(), initial=today)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exam_period"].queryset = ExamPeriod.objects.select_related("academic_year").order_by(
            "-academic_year__starts_on", "-starts_on")


REPLACES = [("", _("—")), ("chair", _("replaces the chair")), ("vice_chair", _("replaces the vice chair"))]


class AttendanceForm(forms.Form):
    """One row per member seated on the day: present, (bureau) whom she replaces, a note."""

    def __init__(self, *args, rows=(), bureau=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for row in rows:
            m = row["member"]
            self.fields[f"present_{m.id}"] = forms.BooleanField(required=False, initial=row["present"],
                                                                label=_("present"))
            if bureau:
                self.fields[f"replaces_{m.id}"] = forms.ChoiceField(choices=REPLACES, required=False,
                                                                    initial=row["replaces"], label=_("replaces"))
            self.fields[f"note_{m.id}"] = forms.CharField(required=False, max_length=200, initial=row["note"],
                                                          label=_("note"))
            self.rows.append({**row, "present_field": self[f"present_{m.id}"],
                              "replaces_field": self[f"replaces_{m.id}"] if bureau else None,
                              "note_field": self[f"note_{m.id}"]})

    def attendance(self) -> dict[int, dict]:
        out = {}
        for row in self.rows:
            mid = row["member"].id
            out[mid] = {"present": self.cleaned_data.get(f"present_{mid}", False),
                        "replaces": self.cleaned_data.get(f"replaces_{mid}", "") or "",
                        "note": self.cleaned_data.get(f"note_{mid}", "")}
        return out


class OpenMeetingForm(forms.Form):
    presiding_reason = forms.CharField(
        label=_("Why the chair cannot be present (for the report)"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}))


DECIDE = [("follow", _("Follow the proposal")), ("deviate", _("Deviate in the student's favour"))]


class DecisionForm(forms.Form):
    choice = forms.ChoiceField(choices=DECIDE, widget=forms.RadioSelect, label=_("Decision"), initial="follow")
    passed_packages = forms.MultipleChoiceField(choices=(), required=False, widget=forms.CheckboxSelectMultiple,
                                                label=_("Packages declared passed"))
    programme_passed = forms.BooleanField(required=False, label=_("Programme passed"))
    distinction = forms.ChoiceField(choices=(), required=False, label=_("Degree of distinction"))
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             label=_("Reasons (required for a deviation; they go into the report)"))
    vote_requested = forms.BooleanField(required=False, label=_("A member or the ombudsperson asked for a vote"))
    secret_ballot = forms.BooleanField(required=False, label=_("Secret ballot (otherwise a show of hands)"))
    votes_for = forms.IntegerField(min_value=0, required=False, initial=0, label=_("For the deviation"))
    votes_against = forms.IntegerField(min_value=0, required=False, initial=0, label=_("Against"))
    abstentions = forms.IntegerField(min_value=0, required=False, initial=0, label=_("Abstentions, blank, invalid"))

    def __init__(self, *args, packages=(), distinctions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.package_map = {("programme" if p is None else str(p)): p for p in packages}
        self.fields["passed_packages"].choices = [
            (key, _("whole programme") if p is None else _("package %(n)s") % {"n": p})
            for key, p in self.package_map.items()]
        self.fields["distinction"].choices = [("", _("none"))] + list(distinctions)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "choice",
            Fieldset(_("The deviation"), "passed_packages", "programme_passed", "distinction", "reason"),
            Fieldset(_("Vote (EC-3)"), "vote_requested", "secret_ballot",
                     Row(Column("votes_for"), Column("votes_against"), Column("abstentions"))),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("choice") == "deviate" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("A deviation from the proposal needs its reasons (UH 14.3.7, 16.8.1)."))
        return cleaned

    def service_kwargs(self) -> dict:
        c = self.cleaned_data
        return {
            "follow": c["choice"] == "follow", "programme_passed": bool(c.get("programme_passed")),
            "passed_packages": [self.package_map[k] for k in c.get("passed_packages") or ()],
            "distinction": c.get("distinction") or None, "reason": c.get("reason") or "",
            "vote_requested": bool(c.get("vote_requested")), "secret_ballot": bool(c.get("secret_ballot")),
            "votes_for": c.get("votes_for") or 0, "votes_against": c.get("votes_against") or 0,
            "abstentions": c.get("abstentions") or 0,
        }


class ToleranceChoiceForm(forms.Form):
    unit = forms.ChoiceField(choices=(), label=_("Course unit"))
    chosen_on = forms.DateField(label=_("Chosen on"), widget=DateInput(), initial=today)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u, u) for u in units]


class ProclaimForm(forms.Form):
    published_on = forms.DateField(label=_("Announced on"), widget=DateInput())
