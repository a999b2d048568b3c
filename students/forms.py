import uuid

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from enrolment.forms import DateInput, today


class AsOfForm(forms.Form):
    """The "as of" date of a learning-account statement (GET)."""

    as_of = forms.DateField(label=_("As of"), widget=DateInput, required=False)

    def as_of_or(self, default):
        if self.is_valid() and self.cleaned_data.get("as_of"):
            return self.cleaned_data["as_of"]
        return default


class RegisterOpeningForm(forms.Form):
    balance = forms.IntegerField(label=_("Balance in the register"), min_value=-500, max_value=500)
    as_of = forms.DateField(label=_("Balance as of"), widget=DateInput, initial=today,
                            help_text=_("Movements up to and including this day are in the register's balance and "
                                        "are not repeated (LA-1)."))
    bonus_used = forms.IntegerField(label=_("Bonus credits already used"), min_value=0, max_value=60, initial=0,
                                    help_text=_("How many of the 60 bonus credits (LA-5) the student already used."))
    master_obtained = forms.BooleanField(label=_("Initial master's degree already obtained"), required=False)


# A correction that takes away more credits than this asks the staff member to confirm it (a slip of a sign or a
# digit costs the student a lot); not a rule of the regulations, a safety net of the form.
LARGE_NEGATIVE_CORRECTION = 30


class CorrectionForm(forms.Form):
    credits = forms.IntegerField(label=_("Credits"), min_value=-500, max_value=500,
                                 help_text=_("Positive gives credits back, negative takes them away."))
    on = forms.DateField(label=_("Date"), widget=DateInput, initial=today)
    reference = forms.CharField(label=_("Decision reference"), max_length=100)
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))
    # One token per filled-in form, carried through the preview to the confirmation: a second confirmation of the
    # same form (Back, then Confirm) is refused (students.services.record_correction).
    token = forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)
    confirm_large = forms.BooleanField(
        label=format_lazy(_("I have checked the decision: it takes away more than {n} credits"),
                          n=LARGE_NEGATIVE_CORRECTION),
        required=False,
        help_text=format_lazy(_("Needed only for a correction of more than {n} credits taken away."),
                              n=LARGE_NEGATIVE_CORRECTION),
    )

    def clean_credits(self):
        credits = self.cleaned_data["credits"]
        if credits == 0:
            raise forms.ValidationError(_("A correction of 0 credits changes nothing."))
        return credits

    def clean(self):
        cleaned = super().clean()
        credits = cleaned.get("credits")
        if credits is not None and credits < -LARGE_NEGATIVE_CORRECTION and not cleaned.get("confirm_large"):
            self.add_error("confirm_large", _(
                "This correction takes away %(credits)d credits, more than %(n)d: check the decision's number and "
                "sign, then tick the box to confirm.") % {"credits": -credits, "n": LARGE_NEGATIVE_CORRECTION})
        return cleaned
