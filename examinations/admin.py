from django.contrib import admin

from .models import ExamPeriod


@admin.register(ExamPeriod)
class ExamPeriodAdmin(admin.ModelAdmin):
    """Exam periods are edited with their academic year (enrolment admin); this list is for finding them."""

    list_display = ("academic_year", "code", "opportunity", "starts_on", "ends_on", "results_published_on")
    list_filter = ("academic_year", "opportunity")
    list_select_related = ("academic_year",)

from . import admin_committee, admin_irregularities, admin_results  # noqa: E402,F401  (register their models)
