import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from enrolment.models import AcademicYear, ContractKind, Programme, StudyContract

from .queries import search_students

ORDERINGS = {
    "name": ("last_name", "first_name", "number"),
    "-name": ("-last_name", "-first_name", "-number"),
    "number": ("number",),
    "-number": ("-number",),
}


class StudentFilter(django_filters.FilterSet):
    """Search, filters on the contracts (one contract must match programme, kind and year together) and ordering."""

    q = django_filters.CharFilter(
        label=_("Search"), method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Number, name or e-mail")}),
    )
    programme = django_filters.ModelChoiceFilter(
        label=_("Programme"), queryset=Programme.objects.order_by("code"), method="by_contract",
        empty_label=_("All"),
    )
    kind = django_filters.ChoiceFilter(label=_("Contract"), choices=ContractKind.choices, method="by_contract",
                                   empty_label=_("All"))
    academic_year = django_filters.ModelChoiceFilter(
        label=_("Academic year"), queryset=AcademicYear.objects.order_by("-starts_on"), method="by_contract",
        empty_label=_("All"),
    )
    ordering = django_filters.ChoiceFilter(
        label=_("Order by"),
        choices=[("name", _("Name (A-Z)")), ("-name", _("Name (Z-A)")), ("number", _("Number (ascending)")),
                 ("-number", _("Number (descending)"))],
        method="order",
        empty_label=None,
    )

    def search(self, queryset, name, value):
        return search_students(queryset, value)

    def by_contract(self, queryset, name, value):
        return queryset  # applied together in filter_queryset

    def order(self, queryset, name, value):
        return queryset.order_by(*ORDERINGS.get(value, ORDERINGS["name"]))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        match = {field: data[field] for field in ("programme", "kind", "academic_year") if data.get(field)}
        if match:
            queryset = queryset.filter(Exists(StudyContract.objects.filter(student=OuterRef("pk"), **match)))
        if not data.get("ordering"):
            queryset = queryset.order_by(*ORDERINGS["name"])
        return queryset
