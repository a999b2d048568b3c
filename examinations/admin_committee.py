"""Admin of the examinations: committee (imported by examinations/admin.py).

Committees, their seats and the declared ties are reference data the superuser may keep here. Meetings,
decisions, signatures and tolerance choices are records of a procedure: read-only here, they change only
through the services behind the committee pages (a signed report changes no more, EC-5).
"""

from django.contrib import admin

from .models import (
    CommitteeMember,
    Decision,
    ExamCommittee,
    Meeting,
    MeetingSignature,
    TieDeclaration,
    ToleranceChoice,
)


class CommitteeMemberInline(admin.TabularInline):
    model = CommitteeMember
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(ExamCommittee)
class ExamCommitteeAdmin(admin.ModelAdmin):
    list_display = ("programme", "created_at")
    search_fields = ("programme__code", "programme__name")
    list_select_related = ("programme",)
    inlines = [CommitteeMemberInline]


@admin.register(TieDeclaration)
class TieDeclarationAdmin(admin.ModelAdmin):
    list_display = ("person", "student", "kind", "declared_on")
    list_select_related = ("person", "student")
    search_fields = ("person__username", "person__last_name", "student__number", "student__last_name")
    autocomplete_fields = ("person",)
    raw_id_fields = ("student", "recorded_by")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ("committee", "kind", "form", "exam_period", "held_on", "status")
    list_filter = ("kind", "status")
    list_select_related = ("committee__programme", "exam_period__academic_year")


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("meeting", "student", "version", "is_current", "follows_proposal", "programme_passed",
                    "distinction")
    list_filter = ("follows_proposal", "is_current")
    list_select_related = ("meeting__committee__programme", "student")
    search_fields = ("student__number",)


@admin.register(MeetingSignature)
class MeetingSignatureAdmin(ReadOnlyAdmin):
    list_display = ("meeting", "role", "user", "signed_at")
    list_select_related = ("meeting__committee__programme", "user")


@admin.register(ToleranceChoice)
class ToleranceChoiceAdmin(ReadOnlyAdmin):
    list_display = ("student", "academic_year", "course_unit", "chosen_on")
    list_select_related = ("student", "academic_year", "course_unit")
