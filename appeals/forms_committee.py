"""Input of the appeals committee's pages (AP-5 .. AP-8). Each form checks what it sees on its own; the rules run in
the services, whose refusals come back as form errors."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enrolment.forms import DateInput

from . import rules
from .models import AppealOutcome, AppealStatus, ExclusionGround, PoolRole, VoteChoice


def date_field(label, required=True, help_text=""):
    return forms.DateField(label=label, required=required, widget=DateInput(), help_text=help_text)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        name = obj.get_full_name()
        return f"{name} ({obj.get_username()})" if name else obj.get_username()


class MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} · {obj.get_role_display()}"


# ---------------------------------------------------------------------------------------------------------------
# The pool


class PoolMemberForm(forms.Form):
    """AP-5 (UH 19.1.1-2): a seat in the pool for a term of four years (renewable)."""

    user = UserChoice(label=_("Person"), queryset=get_user_model().objects.filter(is_active=True)
                      .order_by("last_name", "first_name", "username"))
    role = forms.ChoiceField(label=_("Role"), choices=PoolRole.choices)
    since = date_field(_("Term from"))
    until = date_field(_("Term until"), required=False,
                       help_text=_("The Board of Deans appoints for four years; empty: until further notice."))
    born_on = date_field(_("Date of birth"), required=False,
                         help_text=_("The oldest sitting member deputises for an absent chair (UH 19.1.2)."))
    external = forms.BooleanField(label=_("External legal expert (the chair is one)"), required=False)
    faculty = forms.CharField(label=_("Faculty or school"), max_length=100, required=False)

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("The term cannot end before it starts."))
        return cleaned


class EndTermForm(forms.Form):
    until = date_field(_("Last day of the term"))


class PoolFilterForm(forms.Form):
    STATUS = [("current", _("Current")), ("future", _("Starting later")), ("ended", _("Ended")), ("all", _("All"))]
    q = forms.CharField(label=_("Search"), required=False,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or faculty")}))
    status = forms.ChoiceField(label=_("Terms"), choices=STATUS, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=[("", _("All")), *PoolRole.choices], required=False)


# ---------------------------------------------------------------------------------------------------------------
# The committee's list of appeals


class CommitteeAppealFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Reference, student number or name")}))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=AppealStatus.choices, empty_label=_("All"))
    state = django_filters.ChoiceFilter(
        label=_("Decision"), method="by_state", empty_label=_("All"),
        choices=[("open", _("Not decided")), ("overdue", _("Not decided, past its date")),
                 ("unsent", _("Decided, letter not sent")), ("notified", _("Notified"))])
    ordering = django_filters.ChoiceFilter(
        label=_("Order by"), method="order", empty_label=None,
        choices=[("due", _("Decision due first")), ("-received_on", _("Newest first")),
                 ("student", _("Student name"))])

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(reference__icontains=value) | Q(student__number__icontains=value)
                               | Q(student__last_name__icontains=value) | Q(student__first_name__icontains=value))

    def by_state(self, queryset, name, value):
        if value == "open":
            return queryset.filter(committee_decision__isnull=True)
        if value == "overdue":
            return queryset.filter(committee_decision__isnull=True, due__lt=self.today)
        if value == "unsent":
            return queryset.filter(committee_decision__isnull=False, committee_decision__letter_sent_at__isnull=True)
        if value == "notified":
            return queryset.filter(committee_decision__letter_sent_at__isnull=False)
        return queryset

    def order(self, queryset, name, value):
        orders = {"due": ("due", "reference"), "-received_on": ("-received_on", "reference"),
                  "student": ("student__last_name", "student__first_name", "reference")}
        return queryset.order_by(*orders.get(value, orders["due"]))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("ordering"):
            queryset = queryset.order_by("due", "reference")
        return queryset


# ---------------------------------------------------------------------------------------------------------------
# The appeal's committee file


class ExclusionForm(forms.Form):
    """AP-5 (UH 19.1.2): the chair excludes an involved member (or himself)."""

    member = MemberChoice(label=_("Member"), queryset=None)
    ground = forms.ChoiceField(label=_("Ground"), choices=ExclusionGround.choices)
    reason = forms.CharField(label=_("How the member is involved"), widget=forms.Textarea(attrs={"rows": 3}))
    decided_on = date_field(_("Decided on"))

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        from .models import PoolMember

        self.fields["member"].queryset = PoolMember.objects.filter(pk__in=[m.pk for m in members]).select_related(
            "user").order_by("role", "user__last_name")


class HearingPlanForm(forms.Form):
    """AP-6 (UH 19.4.2): a session of the committee; the invitation goes by e-mail when it is saved."""

    starts_at = forms.DateTimeField(label=_("Date and time"), widget=DateTimeInput(),
                                    input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    place = forms.CharField(label=_("Place"), max_length=200)
    hear_student = forms.BooleanField(
        label=_("Hear the student (an invitation is e-mailed now, at least 24 hours before)"), required=False,
        initial=True)


class HearingRecordForm(forms.Form):
    """AP-5 / AP-6: who attended, the student's appearance or representation, the minutes."""

    present = forms.MultipleChoiceField(label=_("Members present"), widget=forms.CheckboxSelectMultiple,
                                        required=False)
    student_present = forms.BooleanField(label=_("The student appeared"), required=False)
    representative = forms.CharField(label=_("Assisted or represented by"), max_length=200, required=False,
                                     help_text=_("A representative who replaces the student needs written authority, "
                                                 "unless a lawyer (UH 19.4.2)."))
    representative_lawyer = forms.BooleanField(label=_("The representative is a lawyer"), required=False)
    written_authority_on = date_field(_("Written authority dated"), required=False)
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, members=(), hear_student=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(str(m.pk), f"{m.name} · {m.get_role_display()}") for m in members]
        if not hear_student:
            for name in ("student_present", "representative", "representative_lawyer", "written_authority_on"):
                del self.fields[name]


class MotionForm(forms.Form):
    """AP-7 (UH 19.4.4): the outcome put to the vote, with its reasons; a new decision names its new results."""

    hearing = forms.TypedChoiceField(label=_("Session"), coerce=int)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=AppealOutcome.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 5}))
    new_decision_text = forms.CharField(
        label=_("The new decision in words"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For a decision that is not an exam decision on record (an exemption, a refusal, ...)."))

    def __init__(self, *args, hearings=(), results=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hearing"].choices = [
            (h.pk, timezone.localtime(h.starts_at).strftime("%Y-%m-%d %H:%M") + f" · {h.place}") for h in hearings]
        self.results = list(results)
        for r in self.results:
            self.fields[f"result_{r.pk}"] = forms.CharField(
                label=f"{r.course_unit.code} {r.course_unit.name} · {r.exam_period.code} ({r.display})",
                required=False, max_length=20)

    def result_fields(self):
        return [self[f"result_{r.pk}"] for r in self.results]

    def result_changes(self) -> dict[int, str]:
        return {r.pk: self.cleaned_data.get(f"result_{r.pk}") or "" for r in self.results}


class VoteForm(forms.Form):
    member = forms.TypedChoiceField(label=_("Member"), coerce=int)
    choice = forms.ChoiceField(label=_("Vote"), choices=VoteChoice.choices, widget=forms.RadioSelect)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [(m.pk, m.name) for m in members]


class CloseVoteForm(forms.Form):
    casting_vote = forms.ChoiceField(
        label=_("The chair's casting vote (only on a tie, when the one presiding abstained)"), required=False,
        choices=[("", "—"), (rules.VOTE_FOR, _("For")), (rules.VOTE_AGAINST, _("Against"))])


class LaterDateForm(forms.Form):
    """AP-8 (UH 19.4.7): announced to the student by e-mail before the decision period expires."""

    decision_date = date_field(_("The committee will decide by"))
    reason = forms.CharField(label=_("Reason (for the file)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
