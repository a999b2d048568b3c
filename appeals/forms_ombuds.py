"""Input of the ombudspersons' pages (OM-1 .. OM-3): appointments, standing aside, mediation cases and notes, and
the filters of the lists. The forms check what they see on their own; the rules run in the services."""

from __future__ import annotations

import uuid

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from config.access import Role
from enrolment.forms import DateInput
from enrolment.models import Programme
from students.models import Student

from .models import (
    FileKind,
    MediationKind,
    MediationOutcome,
    MediationStatus,
    OmbudsAssignment,
    OmbudsRole,
    StandAsideReason,
)


def date_field(label, required=True, help_text=""):
    return forms.DateField(label=label, required=required, widget=DateInput(), help_text=help_text)


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        name = obj.get_full_name()
        return f"{name} ({obj.username})" if name else obj.username


def ombudspersons():
    return (get_user_model().objects.filter(is_active=True, groups__name=Role.OMBUDSPERSON)
            .order_by("last_name", "first_name", "username"))


class AssignmentForm(forms.Form):
    """OM-1 (UH 21.1): appoint an ombudsperson, a deputy or the central ombudsperson for a term."""

    user = PersonChoice(label=_("Person"), queryset=ombudspersons(),
                        help_text=_("Only users with the ombudsperson role; give the role in the admin first."))
    role = forms.ChoiceField(label=_("Capacity"), choices=OmbudsRole.choices)
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.order_by("code"),
                                       required=False, help_text=_("Empty for the central ombudsperson."))
    since = date_field(_("From"))
    until = date_field(_("Until"), required=False, help_text=_("Empty: until further notice."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = ombudspersons()

    def clean(self):
        cleaned = super().clean()
        role, programme = cleaned.get("role"), cleaned.get("programme")
        if role == OmbudsRole.CENTRAL and programme is not None:
            self.add_error("programme", _("The central ombudsperson is appointed without a programme."))
        if role in (OmbudsRole.PRINCIPAL, OmbudsRole.DEPUTY) and programme is None:
            self.add_error("programme", _("Choose the programme."))
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("The term cannot end before it starts."))
        return cleaned


class EndAssignmentForm(forms.Form):
    until = date_field(_("Last day in office"))


class AssignmentFilter(django_filters.FilterSet):
    programme = django_filters.ModelChoiceFilter(label=_("Programme"), queryset=Programme.objects.order_by("code"),
                                                 empty_label=_("All"))
    role = django_filters.ChoiceFilter(label=_("Capacity"), choices=OmbudsRole.choices, empty_label=_("All"))
    current = django_filters.ChoiceFilter(label=_("Term"), method="by_term", empty_label=_("All"),
                                          choices=[("current", _("Current")), ("ended", _("Ended"))])

    class Meta:
        model = OmbudsAssignment
        fields = ["programme", "role"]

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def by_term(self, queryset, name, value):
        current = Q(since__lte=self.today) & (Q(until__isnull=True) | Q(until__gte=self.today))
        return queryset.filter(current) if value == "current" else queryset.exclude(current)


class StandAsideForm(forms.Form):
    """OM-2 (UH 21.2.4): stand aside for a file."""

    reason = forms.ChoiceField(label=_("Why"), choices=StandAsideReason.choices, widget=forms.RadioSelect)
    explanation = forms.CharField(label=_("Explanation"), widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text=_("Kept with the file and shown to whoever handles it."))


class MediationOpenForm(forms.Form):
    """OM-2 (UH 21.2.1): a dispute between a student and a member of staff."""

    student_number = forms.CharField(label=_("Student number"), max_length=20)
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none())
    kind = forms.ChoiceField(label=_("Kind of dispute"), choices=MediationKind.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    other_party = PersonChoice(label=_("Other party (staff member)"), required=False,
                               queryset=get_user_model().objects.none())
    other_party_name = forms.CharField(label=_("Or their name, when not a user here"), max_length=200,
                                       required=False)
    with_central = forms.BooleanField(label=_("The student came to the central ombudsperson (UH 21.2.5)"),
                                      required=False)
    opened_on = date_field(_("Opened on"))
    first_note = forms.CharField(label=_("First note (confidential)"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, programmes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes if programmes is not None else Programme.objects.none()
        self.fields["other_party"].queryset = (get_user_model().objects.filter(is_active=True)
                                               .order_by("last_name", "first_name", "username"))
        self.student = None

    def clean_student_number(self):
        number = self.cleaned_data["student_number"].strip()
        self.student = Student.objects.filter(number=number).first()
        if self.student is None:
            raise forms.ValidationError(_("There is no student %(number)s.") % {"number": number})
        return number

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("other_party") and not (cleaned.get("other_party_name") or "").strip():
            self.add_error("other_party", _("Choose the staff member, or type their name below."))
        return cleaned


class NoteForm(forms.Form):
    text = forms.CharField(label=_("New note (confidential)"), widget=forms.Textarea(attrs={"rows": 3}))
    token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("token", uuid.uuid4())
        super().__init__(*args, **kwargs)


class MoveForm(forms.Form):
    """OM-2: start the mediation, close with the outcome, or reopen."""

    target = forms.ChoiceField(choices=MediationStatus.choices, widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "—")] + list(MediationOutcome.choices),
                                required=False)
    closed_on = date_field(_("Closed on"), required=False)
    note = forms.CharField(label=_("Why (kept with the case)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class StudentSearchFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Student number or name")}))

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(student__number__icontains=value) | Q(student__last_name__icontains=value)
                               | Q(student__first_name__icontains=value))


class AppealFilter(StudentSearchFilter):
    ordering = django_filters.OrderingFilter(label=_("Order by"), empty_label=None, fields=(
        ("received_on", "received_on"), ("decide_by", "decide_by")), field_labels={
        "-received_on": _("Newest first"), "received_on": _("Oldest first"), "decide_by": _("Decision due first")})


class IrregularityFilter(StudentSearchFilter):
    ordering = django_filters.OrderingFilter(label=_("Order by"), empty_label=None, fields=(
        ("reported_on", "reported_on"),), field_labels={"-reported_on": _("Newest first"),
                                                        "reported_on": _("Oldest first")})


class MediationFilter(StudentSearchFilter):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=MediationStatus.choices, empty_label=_("All"))
    ordering = django_filters.OrderingFilter(label=_("Order by"), empty_label=None, fields=(
        ("opened_on", "opened_on"),), field_labels={"-opened_on": _("Newest first"), "opened_on": _("Oldest first")})


class FileViewFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind of file"), choices=FileKind.choices, method="by_kind",
                                       empty_label=_("All"))
    user = django_filters.CharFilter(label=_("Viewed by"), method="by_user",
                                     widget=forms.TextInput(attrs={"placeholder": _("User name")}))
    since = django_filters.DateFilter(label=_("From"), field_name="at", lookup_expr="date__gte", widget=DateInput())
    until = django_filters.DateFilter(label=_("Until"), field_name="at", lookup_expr="date__lte", widget=DateInput())

    def by_kind(self, queryset, name, value):
        return queryset.filter(**{f"{value}__isnull": False}) if value in FileKind.values else queryset

    def by_user(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(user__username__icontains=value) | Q(user__last_name__icontains=value))
