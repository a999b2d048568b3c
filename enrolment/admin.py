from django.contrib import admin

from examinations.models import ExamPeriod

from .models import AcademicYear, CourseUnit, EducationPeriod, Programme


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


class CourseUnitInline(admin.TabularInline):
    model = CourseUnit
    extra = 0
    fields = ("code", "name", "credits", "period_code", "exam_period_code", "stage", "package", "result_kind",
              "tolerance_excluded", "opportunities")


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "credits", "educational")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    inlines = [CourseUnitInline]
