import uuid

from django import forms
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
    bonus_used = forms.IntegerField(label=_("Bonus credits already earned"), min_value=0, max_value=60, initial=0,
                                    help_text=_("How many of the 60 bonus credits (LA-5) the student already used."))
    master_obtained = forms.BooleanField(label=_("Initial master's degree already obtained"), required=False)


class CorrectionForm(forms.Form):
    credits = forms.IntegerField(label=_("Credits"), min_value=-500, max_value=500,
                                 help_text=_("Positive gives credits back, negative takes them away."))
    on = forms.DateField(label=_("Date"), widget=DateInput, initial=today)
    reference = forms.CharField(label=_("Decision reference"), max_length=100)
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))
    # One token per filled-in form, carried through the preview to the confirmation: a second confirmation of the
    # same form (Back, then Confirm) is refused (students.services.record_correction).
    token = forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)

    def clean_credits(self):
        credits = self.cleaned_data["credits"]
        if credits == 0:
            raise forms.ValidationError(_("A correction of 0 credits changes nothing."))
        return credits
