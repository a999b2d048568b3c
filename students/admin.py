from django.contrib import admin

from .models import LedgerMovement, Student


@admin.register(Student)
class StudentAdmin(admin.ModelAdmin):
    list_display = ("number", "last_name", "first_name", "email", "first_enrolled_year")
    search_fields = ("number", "last_name", "first_name", "email")
    ordering = ("last_name", "first_name", "number")
    # The register position moves the learning account: it is recorded through the student page
    # (students:register_opening), which reconciles the ledger in the same transaction.
    readonly_fields = ("register_balance", "register_as_of", "register_bonus_used", "register_master_obtained",
                       "first_enrolled_year", "created_at", "updated_at")


@admin.register(LedgerMovement)
class LedgerMovementAdmin(admin.ModelAdmin):
    """The ledger, read-only (LA-15): corrections are new movements, recorded from the student page."""

    list_display = ("student", "on", "kind", "credits", "academic_year", "course_unit", "article", "recorded_at")
    list_filter = ("kind", "academic_year")
    search_fields = ("student__number", "student__last_name", "cause", "reference")
    list_select_related = ("student", "academic_year", "course_unit")
    date_hierarchy = "on"
    ordering = ("student__number", "on", "id")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
