from django import forms
from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from examinations.models import ExamPeriod

from .models import AcademicYear, CourseUnit, EducationPeriod, Programme, ProgrammeLine


class EducationPeriodInline(admin.TabularInline):
    model = EducationPeriod
    extra = 0


class ExamPeriodInline(admin.TabularInline):
    model = ExamPeriod
    extra = 0


@admin.register(AcademicYear)
class AcademicYearAdmin(admin.ModelAdmin):
    list_display = ("code", "starts_on", "ends_on", "regulations")
    search_fields = ("code",)
    inlines = [EducationPeriodInline, ExamPeriodInline]


CREDITS_LOCKED = _(
    "Read-only: this unit is in students' study programmes, and their learning accounts were computed with its "
    "credits (LA-3, LA-15). Changing them here would silently put those ledgers out of step. A unit with other "
    "credits is a new course unit with its own code."
)


def with_lines(queryset):
    """Course units annotated with ``in_study_programmes`` (one subquery, no query per unit)."""
    return queryset.annotate(in_study_programmes=Exists(ProgrammeLine.objects.filter(course_unit=OuterRef("pk"))))


def in_study_programmes(unit: CourseUnit) -> bool:
    if unit.pk is None:
        return False
    flag = getattr(unit, "in_study_programmes", None)
    return flag if flag is not None else ProgrammeLine.objects.filter(course_unit=unit).exists()


class CourseUnitForm(forms.ModelForm):
    """The credits of a unit that is in a study programme cannot be changed (the field is disabled: a posted
    value is ignored), with the reason beside the field."""

    class Meta:
        model = CourseUnit
        fields = ("programme", "code", "name", "credits", "period_code", "exam_period_code", "stage", "package",
                  "result_kind", "tolerance_excluded", "opportunities")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("credits")
        if field is not None and in_study_programmes(self.instance):
            field.disabled = True
            field.help_text = CREDITS_LOCKED


class CourseUnitInline(admin.TabularInline):
    """The programme's units at a glance: the few columns that fit on a screen; the rest (exam period,
    package, result kind, tolerance, opportunities) on the unit's own page (the change link)."""

    model = CourseUnit
    form = CourseUnitForm
    extra = 0
    fields = ("code", "name", "credits", "stage", "period_code")
    show_change_link = True

    def get_queryset(self, request):
        return with_lines(super().get_queryset(request))


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "credits", "educational")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    inlines = [CourseUnitInline]


@admin.register(CourseUnit)
class CourseUnitAdmin(admin.ModelAdmin):
    form = CourseUnitForm
    list_display = ("code", "name", "programme", "credits", "stage", "period_code", "exam_period_code")
    list_filter = ("programme", "stage", "period_code")
    search_fields = ("code", "name")
    list_select_related = ("programme",)
    fieldsets = (
        (None, {"fields": ("programme", "code", "name", "credits")}),
        (_("Calendar and study programme"), {"fields": ("stage", "period_code", "exam_period_code", "package")}),
        (_("Examination"), {"fields": ("result_kind", "tolerance_excluded", "opportunities")}),
    )

    def get_queryset(self, request):
        return with_lines(super().get_queryset(request))
