"""Admin of the examinations: results (imported by examinations/admin.py).

Results and what the procedures recorded about them are read-only here: a result changes only through the
services (the grid, the file import, the material-error procedure, an appeal outcome), which keep the versions,
the EX-8 publication guard and the learning account in step. Only the coordinating lecturers of a unit are
edited here.
"""

from django.contrib import admin

from .models import CourseUnitLecturer, MaterialError, Result, RetakeRequest, SecondOpportunityRegistration


class ReadOnlyAdmin(admin.ModelAdmin):
    """View only: no add, no change, no delete, no bulk actions."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}


@admin.register(Result)
class ResultAdmin(ReadOnlyAdmin):
    list_display = ("student", "course_unit", "academic_year", "exam_period", "opportunity", "display", "version",
                    "is_current", "procedure", "recorded_at")
    list_filter = ("academic_year", "opportunity", "is_current", "procedure", "outcome")
    list_select_related = ("student", "course_unit", "academic_year", "exam_period__academic_year")
    search_fields = ("student__number", "student__last_name", "course_unit__code")
    show_full_result_count = False


@admin.register(MaterialError)
class MaterialErrorAdmin(ReadOnlyAdmin):
    list_display = ("result", "reported_on", "reported_by_name", "decided_on", "corrected", "student_notified_on")
    list_select_related = ("result",)
    search_fields = ("result__student__number", "result__course_unit__code")


@admin.register(SecondOpportunityRegistration)
class SecondOpportunityRegistrationAdmin(ReadOnlyAdmin):
    list_display = ("student", "course_unit", "academic_year", "registered_on", "recorded_at")
    list_filter = ("academic_year",)
    list_select_related = ("student", "course_unit", "academic_year")
    search_fields = ("student__number", "course_unit__code")


@admin.register(RetakeRequest)
class RetakeRequestAdmin(ReadOnlyAdmin):
    list_display = ("student", "course_unit", "academic_year", "requested_on", "status")
    list_filter = ("academic_year", "status")
    list_select_related = ("student", "course_unit", "academic_year")
    search_fields = ("student__number", "course_unit__code")


@admin.register(CourseUnitLecturer)
class CourseUnitLecturerAdmin(admin.ModelAdmin):
    """Who teaches a unit; the coordinating lecturer (one per unit) enters its results (UH 13.1.1, 15.2)."""

    list_display = ("course_unit", "user", "coordinating")
    list_filter = ("coordinating", "course_unit__programme")
    list_select_related = ("course_unit", "user")
    search_fields = ("course_unit__code", "course_unit__name", "user__username", "user__last_name")
    autocomplete_fields = ("user",)
