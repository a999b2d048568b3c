"""Admin of the ombudspersons (imported by appeals/admin.py).

Appointments may be corrected here (the student administration records them on its own pages). Stand-asides and
the view log are records: read-only. Mediation cases and their notes are confidential (UH 21.2.2) and not in the
admin at all: only the ombudspersons who handle a case read it, on its page (where each view is logged).
"""

from django.contrib import admin

from examinations.admin_results import ReadOnlyAdmin

from .models import FileView, OmbudsAssignment, StandAside


@admin.register(OmbudsAssignment)
class OmbudsAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "programme", "since", "until")
    list_filter = ("role", "programme")
    search_fields = ("user__username", "user__last_name", "programme__code")
    raw_id_fields = ("user",)
    readonly_fields = ("recorded_at", "recorded_by")


@admin.register(StandAside)
class StandAsideAdmin(ReadOnlyAdmin):
    list_display = ("user", "file_kind", "file_id", "reason", "recorded_at", "recorded_by")
    list_filter = ("reason",)
    search_fields = ("user__username", "user__last_name")


@admin.register(FileView)
class FileViewAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "file_kind", "file_id", "page")
    search_fields = ("user__username", "user__last_name")
    date_hierarchy = "at"

