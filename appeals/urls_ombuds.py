"""URLs of the ombudspersons' pages (included by appeals/urls.py). Who may use each: PAGE_ROLES in
appeals/views/ombuds.py."""

from django.urls import path

from .views import ombuds as views

urlpatterns = [
    path("ombuds/", views.workspace_view, name="ombuds_workspace"),
    path("ombuds/files/<slug:kind>/", views.files_view, name="ombuds_files"),
    path("ombuds/files/<slug:kind>/<int:pk>/", views.file_view, name="ombuds_file"),
    path("ombuds/files/<slug:kind>/<int:pk>/stand-aside/", views.stand_aside_view, name="ombuds_stand_aside"),
    path("ombuds/mediation/new/", views.mediation_open_view, name="ombuds_mediation_open"),
    path("ombuds/mediation/<int:pk>/note/", views.mediation_note_view, name="ombuds_mediation_note"),
    path("ombuds/mediation/<int:pk>/move/", views.mediation_move_view, name="ombuds_mediation_move"),
    path("ombuds/assignments/", views.assignments_view, name="ombuds_assignments"),
    path("ombuds/assignments/new/", views.assignment_add_view, name="ombuds_assignment_add"),
    path("ombuds/assignments/<int:pk>/end/", views.assignment_end_view, name="ombuds_assignment_end"),
    path("ombuds/view-log/", views.view_log_view, name="ombuds_view_log"),
    path("ombuds/view-log/<slug:kind>/<int:pk>/", views.view_log_view, name="ombuds_file_views"),
]
