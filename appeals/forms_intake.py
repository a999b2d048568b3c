"""Input of the appeals' intake: the student, the letter, the checklist, the arguments, the evidence, the list's
filters. Each form checks what it sees on its own; the rules run in the services, whose refusals come back as
form errors."""

from __future__ import annotations

import uuid

import django_filters
from django import forms
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from enrolment.forms import DateInput

from . import queries_intake as queries
from . import rules
from .models import AdmissibilityPoint, AppealStatus, DecisionKind, SignedBy
from .services import intake as services

OTHER = "other"


def date_field(label, required=True, help_text=""):
    return forms.DateField(label=label, required=required, widget=DateInput(), help_text=help_text)


class StudentLookupForm(forms.Form):
    student = forms.CharField(label=_("Student number"), max_length=20)

    def clean_student(self):
        number = self.cleaned_data["student"].strip()
        student = queries.find_student(number)
        if student is None:
            raise forms.ValidationError(_("There is no student with number %(number)s.") % {"number": number})
        self.student_obj = student
        return number


class IntakeForm(forms.Form):
    """AP-1 .. AP-4 (UH 19.2-19.3): the registered letter. The contested decision is one of the student's
    recorded decisions, or another kind of AP-1 described by hand."""

    contested = forms.ChoiceField(label=_("Contested decision"), widget=forms.RadioSelect)
    decision_kind = forms.ChoiceField(
        label=_("Kind of decision"), required=False, choices=[("", "—")] + list(DecisionKind.choices),
        help_text=_("Only for a decision described by hand (AP-1, UH 19.2)."))
    description = forms.CharField(
        label=_("Description of the decision"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only for a decision described by hand: which decision, by whom, of when."))
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None, required=False,
                                       help_text=_("Only for a decision described by hand, when it concerns one "
                                                   "programme."))
    decision_notified_on = date_field(
        _("Proclaimed or notified on"), required=False,
        help_text=_("For a recorded decision, leave empty to take the date on record (the proclamation, the "
                    "decision letter)."))
    postmarked_on = date_field(_("Postmark of the registered letter"),
                               help_text=_("The date of the appeal (UH 19.3.4)."))
    received_on = date_field(_("Letter received on"),
                             help_text=_("The committee decides within 20 calendar days from the next day (AP-7)."))
    email_notice_on = date_field(_("E-mail notice received on"), required=False,
                                 help_text=_("Requested, not the formal act (UH 19.3.3)."))
    conservatory = forms.BooleanField(
        label=_("Conservatory appeal (AP-4)"), required=False,
        help_text=_("The student had no inspection and explanation within the appeal period; the arguments "
                    "follow (UH 19.3.5)."))
    intake_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, student, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.student = student
        self.today = today
        self.decisions = {f"spd:{d.pk}": d for d in services.student_decisions(student.pk)}
        self.irregularities = {f"irr:{i.pk}": i for i in services.student_irregularity_decisions(student.pk)}
        choices = []
        for key, d in self.decisions.items():
            choices.append((key, _("Exam decision: %(year)s %(period)s, %(programme)s (proclaimed %(on)s)")
                            % {"year": d.exam_period.academic_year.code, "period": d.exam_period.code,
                               "programme": d.programme.code, "on": d.proclamation.published_on.isoformat()}))
        for key, i in self.irregularities.items():
            notified = services.irregularity_notified_on(i)
            words = (_("Disciplinary decision: %(unit)s, %(year)s %(period)s (notified %(on)s)") if notified else
                     _("Disciplinary decision: %(unit)s, %(year)s %(period)s (decided %(on)s, no letter on record)"))
            choices.append((key, words % {"unit": i.course_unit.code, "year": i.exam_period.academic_year.code,
                                          "period": i.exam_period.code, "on": (notified or i.decided_on).isoformat()}))
        choices.append((OTHER, _("Another decision, described by hand")))
        self.fields["contested"].choices = choices
        self.fields["programme"].queryset = queries.student_programmes(student.pk)
        if not self.is_bound:
            self.initial.setdefault("intake_key", uuid.uuid4().hex)
            self.initial.setdefault("contested", choices[0][0])

    def clean(self):
        cleaned = super().clean()
        key = cleaned.get("contested")
        cleaned["contested_decision"] = self.decisions.get(key)
        cleaned["contested_irregularity"] = self.irregularities.get(key)
        if key == OTHER:
            if not cleaned.get("decision_kind"):
                self.add_error("decision_kind", _("Choose the kind of decision."))
            if not (cleaned.get("description") or "").strip():
                self.add_error("description", _("Describe the contested decision."))
            if not cleaned.get("decision_notified_on"):
                self.add_error("decision_notified_on", _("Enter the date the decision was notified."))
        elif cleaned.get("contested_irregularity") is not None and not cleaned.get("decision_notified_on"):
            if services.irregularity_notified_on(cleaned["contested_irregularity"]) is None:
                self.add_error("decision_notified_on",
                               _("No decision letter is on record for this file; enter the date of notification."))
        posted, received = cleaned.get("postmarked_on"), cleaned.get("received_on")
        if posted and received and received < posted:
            self.add_error("received_on", _("The letter cannot arrive before its postmark."))
        if self.today is not None:
            for name in ("decision_notified_on", "postmarked_on", "received_on", "email_notice_on"):
                value = cleaned.get(name)
                if value and value > self.today:
                    self.add_error(name, _("This date lies after today."))
        return cleaned

    def notified_on(self):
        """The date of proclamation or notification the intake will use (entered, else the record's)."""
        d = self.cleaned_data
        if d.get("decision_notified_on"):
            return d["decision_notified_on"]
        if d.get("contested_decision") is not None:
            return d["contested_decision"].proclamation.published_on
        if d.get("contested_irregularity") is not None:
            return services.irregularity_notified_on(d["contested_irregularity"])
        return None


YES_NO = [("yes", _("Yes")), ("no", _("No"))]
MANUAL_POINTS = [p for p in rules.POINTS if p not in rules.COMPUTED_POINTS]
POINT_LABELS = dict(AdmissibilityPoint.choices)


class AdmissibilityForm(forms.Form):
    """AP-3 (UH 19.3.4): the points the secretary reads in the letter, each yes or no, with a reason for a no.
    In time and not appealed before are computed from the facts and shown beside the form."""

    checked_on = date_field(_("Checked on"))
    signed_by = forms.ChoiceField(label=_("Signed by"), required=False,
                                  choices=[("", _("Not signed"))] + list(SignedBy.choices))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, arguments_pending=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.arguments_pending = arguments_pending
        for point in MANUAL_POINTS:
            if point == rules.ARGUMENTS and arguments_pending:
                continue
            self.fields[f"{point}_ok"] = forms.ChoiceField(label=POINT_LABELS[point], choices=YES_NO,
                                                           widget=forms.RadioSelect)
            self.fields[f"{point}_reason"] = forms.CharField(
                label=_("Why not"), required=False, widget=forms.TextInput(),
                help_text=_("Required when the point is not met."))

    def point_fields(self):
        return [(self[f"{p}_ok"], self[f"{p}_reason"]) for p in MANUAL_POINTS if f"{p}_ok" in self.fields]

    def clean(self):
        cleaned = super().clean()
        for point in MANUAL_POINTS:
            if cleaned.get(f"{point}_ok") == "no" and not (cleaned.get(f"{point}_reason") or "").strip():
                self.add_error(f"{point}_reason", _("Give the reason why this point is not met."))
        if cleaned.get("signature_ok") == "yes" and not cleaned.get("signed_by"):
            self.add_error("signed_by", _("Say who signed: the student or the lawyer."))
        return cleaned

    def answers(self) -> dict:
        d = self.cleaned_data
        return {p: (d[f"{p}_ok"] == "yes", d.get(f"{p}_reason", "")) for p in MANUAL_POINTS if f"{p}_ok" in d}


class ArgumentsForm(forms.Form):
    """AP-4 (UH 19.3.5): the arguments of a conservatory appeal have come."""

    received_on = date_field(_("Arguments received on"))


class DocumentForm(forms.Form):
    """Evidence for the file (UH 19.3.4, 19.4.1): PDF, JPEG or PNG, at most 10 MB."""

    title = forms.CharField(label=_("What it is"), max_length=200,
                            help_text=_("For example: copy of the contested decision, medical certificate."))
    file = forms.FileField(label=_("File"), help_text=_("PDF, JPEG or PNG, at most 10 MB."),
                           widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
    received_on = date_field(_("Received on"))


# ---------------------------------------------------------------------------------------------------------------
# The list's filters

DEADLINES = [("soon", _("Decision due within 7 days (AP-7)")), ("past", _("Decision date passed (AP-7)"))]
LATE = [("late", _("Late (postmark after the last day)")), ("in_time", _("In time"))]
ORDERINGS = {"-received_on": ("-received_on", "reference"), "decide_by": ("decide_by", "reference"),
             "reference": ("reference",), "student": ("student__last_name", "student__first_name", "reference")}


class AppealFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Reference, student number or name")}))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=AppealStatus.choices, empty_label=_("All"))
    late = django_filters.ChoiceFilter(label=_("Lodged"), choices=LATE, method="by_late", empty_label=_("All"))
    deadline = django_filters.ChoiceFilter(label=_("Decision date"), choices=DEADLINES, method="by_deadline",
                                           empty_label=_("All"))
    ordering = django_filters.ChoiceFilter(
        label=_("Order by"), method="order", empty_label=None,
        choices=[("-received_on", _("Newest first")), ("decide_by", _("Decision due first")),
                 ("reference", _("Reference")), ("student", _("Student name"))])

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        q = (Q(reference__icontains=value) | Q(student__number__icontains=value)
             | Q(student__last_name__icontains=value) | Q(student__first_name__icontains=value))
        return queryset.filter(q)

    def by_late(self, queryset, name, value):
        if value == "late":
            return queryset.filter(postmarked_on__gt=F("lodge_by"))
        if value == "in_time":
            return queryset.filter(postmarked_on__lte=F("lodge_by"))
        return queryset

    def by_deadline(self, queryset, name, value):
        return queryset.filter(queries.deadline_q(value, self.today))

    def order(self, queryset, name, value):
        return queryset.order_by(*ORDERINGS.get(value, ORDERINGS["-received_on"]))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("ordering"):
            queryset = queryset.order_by(*ORDERINGS["-received_on"])
        return queryset
