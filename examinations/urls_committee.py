"""URLs of the examinations: committee (included by examinations/urls.py). Roles per URL name:
``examinations.views.committee.PAGE_ROLES``."""

from django.urls import path

from .views import committee as views

urlpatterns = [
    path("committees/", views.committee_list, name="committee_list"),
    path("committees/new/", views.committee_create, name="committee_create"),
    path("committees/<int:pk>/", views.committee_detail, name="committee_detail"),
    path("committees/<int:pk>/members/add/", views.member_add, name="member_add"),
    path("committees/<int:pk>/members/<int:member_pk>/end/", views.member_end, name="member_end"),
    path("committees/<int:pk>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("committees/ties/", views.tie_list, name="tie_list"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/attendance/", views.meeting_attendance, name="meeting_attendance"),
    path("meetings/<int:pk>/open/", views.meeting_open, name="meeting_open"),
    path("meetings/<int:pk>/close/", views.meeting_close, name="meeting_close"),
    path("meetings/<int:pk>/sign/", views.meeting_sign, name="meeting_sign"),
    path("meetings/<int:pk>/proclaim/", views.meeting_proclaim, name="meeting_proclaim"),
    path("meetings/<int:pk>/deliberation/", views.meeting_deliberation, name="meeting_deliberation"),
    path("meetings/<int:pk>/students/<str:number>/", views.decision, name="decision"),
    path("meetings/<int:pk>/students/<str:number>/tolerance/", views.tolerance_choice, name="tolerance_choice"),
    path("meetings/<int:pk>/report.pdf", views.meeting_report, name="meeting_report"),
]
