"""Admin of the appeals: committee (imported by appeals/admin.py).

The pool, exclusions, hearings, votes and decisions are records of a procedure: read-only here. The pool is kept
on its page (appeals:committee_pool), whose service checks AP-5; a decision writes results and study-progress
decisions only through the examinations' services.
"""

from django.contrib import admin

from examinations.admin_results import ReadOnlyAdmin

from .models import (
    AppealBallot,
    AppealDecision,
    AppealExclusion,
    AppealHearing,
    AppealMotion,
    HearingAttendance,
    LaterDecisionNotice,
    PoolMember,
)


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


@admin.register(PoolMember)
class PoolMemberAdmin(ReadOnlyAdmin):
    list_display = ("user", "role", "since", "until", "external", "faculty", "born_on")
    list_filter = ("role", "external")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__first_name", "user__last_name", "faculty")


@admin.register(AppealExclusion)
class AppealExclusionAdmin(ReadOnlyAdmin):
    list_display = ("appeal", "member", "ground", "decided_on", "recorded_by")
    list_select_related = ("appeal", "member__user", "recorded_by")
    search_fields = ("appeal__reference",)


class AttendanceInline(ReadOnlyInline):
    model = HearingAttendance
    fields = ("member", "present")
    readonly_fields = fields


@admin.register(AppealHearing)
class AppealHearingAdmin(ReadOnlyAdmin):
    list_display = ("appeal", "starts_at", "place", "status", "hear_student", "invitation_sent_at", "quorum")
    list_filter = ("status", "quorum")
    list_select_related = ("appeal",)
    search_fields = ("appeal__reference",)
    inlines = [AttendanceInline]


class BallotInline(ReadOnlyInline):
    model = AppealBallot
    fields = ("member", "choice", "recorded_at", "recorded_by")
    readonly_fields = fields


@admin.register(AppealMotion)
class AppealMotionAdmin(ReadOnlyAdmin):
    list_display = ("appeal", "outcome", "status", "votes_for", "votes_against", "abstentions", "by_casting_vote")
    list_filter = ("status", "outcome")
    list_select_related = ("appeal",)
    search_fields = ("appeal__reference",)
    inlines = [BallotInline]


@admin.register(AppealDecision)
class AppealDecisionAdmin(ReadOnlyAdmin):
    list_display = ("appeal", "outcome", "decided_on", "notified_on", "council_by")
    list_filter = ("outcome",)
    list_select_related = ("appeal",)
    search_fields = ("appeal__reference",)


@admin.register(LaterDecisionNotice)
class LaterDecisionNoticeAdmin(ReadOnlyAdmin):
    list_display = ("appeal", "notified_on", "decision_date", "sent_to")
    list_select_related = ("appeal",)
