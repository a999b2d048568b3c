from django.contrib import admin

from .models import ExamPeriod


@admin.register(ExamPeriod)
class ExamPeriodAdmin(admin.ModelAdmin):
    """Exam periods are edited with their academic year (enrolment admin); this list is for finding them."""

    list_display = ("academic_year", "code", "opportunity", "starts_on", "ends_on", "results_published_on")
    list_filter = ("academic_year", "opportunity")
    list_select_related = ("academic_year",)
    search_fields = ("code", "academic_year__code")

    def get_readonly_fields(self, request, obj=None):
        # Once results are recorded in a period, its year, code and opportunity are part of those results
        # (EX-1, EX-5): changing them would rewrite recorded results, which only the procedures may do.
        if obj is not None and obj.results.exists():
            return ("academic_year", "code", "opportunity")
        return ()

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.results.exists():
            return False
        return super().has_delete_permission(request, obj)

from . import admin_committee, admin_irregularities, admin_results  # noqa: E402,F401  (register their models)
