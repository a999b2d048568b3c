"""Admin of the examinations: irregularities (imported by examinations/admin.py).

Irregularity files, their transitions, hearings and sanctions are records of a procedure: read-only here. A
file moves only through the services behind the irregularity pages (each step with its transition, a sanction
through record_result, which keeps the result versions and the ledger in step).
"""

from django.contrib import admin

from .admin_results import ReadOnlyAdmin
from .models import Hearing, Irregularity, IrregularityTransition, Sanction


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TransitionInline(ReadOnlyInline):
    model = IrregularityTransition
    fields = ("at", "from_status", "to_status", "by", "note")
    readonly_fields = fields


class HearingInline(ReadOnlyInline):
    model = Hearing
    fields = ("invited_on", "held_on", "student_attended", "examiner_attended", "ombudsperson_attended", "counsel",
              "report", "report_written_by")
    readonly_fields = fields


class SanctionInline(ReadOnlyInline):
    model = Sanction
    fields = ("kind", "adjusted_grade", "retained_units", "recorded_at", "recorded_by")
    readonly_fields = fields


@admin.register(Irregularity)
class IrregularityAdmin(ReadOnlyAdmin):
    list_display = ("pk", "student", "course_unit", "exam_period", "committee", "reported_on", "reported_late",
                    "status", "decided_on", "letter_sent_on")
    list_filter = ("status", "reported_late", "committee__programme")
    list_select_related = ("student", "course_unit", "exam_period__academic_year", "committee__programme")
    search_fields = ("student__number", "student__last_name", "course_unit__code")
    inlines = [HearingInline, SanctionInline, TransitionInline]
