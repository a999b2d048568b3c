"""Admin of the appeals: intake (imported by appeals/admin.py).

Appeals, their transitions, checklists and evidence are records of a procedure: read-only here. An appeal is
registered and moved only through the services behind the appeal pages (each move with its transition). The
evidence files are never linked from the admin: they are served only by the appeal's permission-checked view.
"""

from django.contrib import admin

from examinations.admin_results import ReadOnlyAdmin

from .models import AdmissibilityAnswer, AdmissibilityCheck, Appeal, AppealTransition, EvidenceDocument


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
    model = AppealTransition
    fields = ("at", "from_status", "to_status", "by", "note")
    readonly_fields = fields


class CheckInline(ReadOnlyInline):
    model = AdmissibilityCheck
    fields = ("version", "is_current", "checked_on", "outcome", "signed_by", "note", "recorded_by")
    readonly_fields = fields


class DocumentInline(ReadOnlyInline):
    model = EvidenceDocument
    # No "file": its link would point at storage that has no URL; the appeal's page serves it to those allowed.
    fields = ("title", "original_name", "content_type", "size", "received_on", "uploaded_at", "uploaded_by")
    readonly_fields = fields


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ("reference", "student", "decision_kind", "decision_notified_on", "postmarked_on", "received_on",
                    "lodge_by", "in_time", "decide_by", "conservatory", "status")
    list_filter = ("status", "decision_kind", "conservatory")
    list_select_related = ("student",)
    search_fields = ("reference", "student__number", "student__last_name")
    exclude = ("intake_key",)
    inlines = [CheckInline, DocumentInline, TransitionInline]

    @admin.display(boolean=True, description="in time (AP-3)")
    def in_time(self, obj):
        return obj.in_time


class AnswerInline(ReadOnlyInline):
    model = AdmissibilityAnswer
    fields = ("point", "satisfied", "reason")
    readonly_fields = fields


@admin.register(AdmissibilityCheck)
class AdmissibilityCheckAdmin(ReadOnlyAdmin):
    list_display = ("appeal", "version", "is_current", "checked_on", "outcome")
    list_filter = ("outcome", "is_current")
    list_select_related = ("appeal",)
    search_fields = ("appeal__reference",)
    inlines = [AnswerInline]
