"""URLs of the appeals committee (included by appeals/urls.py). Roles per URL name:
``appeals.views.committee.PAGE_ROLES``."""

from django.urls import path

from .views import committee as views

urlpatterns = [
    path("committee/pool/", views.pool_view, name="committee_pool"),
    path("committee/pool/add/", views.pool_add, name="committee_pool_add"),
    path("committee/pool/<int:pk>/end/", views.pool_end, name="committee_pool_end"),
    path("committee/appeals/", views.appeals_view, name="committee_appeals"),
    path("committee/appeals/<int:pk>/", views.appeal_view, name="committee_appeal"),
    path("committee/appeals/<int:pk>/exclude/", views.exclude_view, name="committee_exclude"),
    path("committee/appeals/<int:pk>/hearings/plan/", views.hearing_plan_view, name="committee_hearing_plan"),
    path("committee/appeals/<int:pk>/hearings/<int:hearing_pk>/record/", views.hearing_record_view,
         name="committee_hearing_record"),
    path("committee/appeals/<int:pk>/motion/", views.motion_view, name="committee_motion"),
    path("committee/appeals/<int:pk>/motions/<int:motion_pk>/vote/", views.vote_view, name="committee_vote"),
    path("committee/appeals/<int:pk>/motions/<int:motion_pk>/close/", views.vote_close_view,
         name="committee_vote_close"),
    path("committee/appeals/<int:pk>/later-date/", views.later_date_view, name="committee_later_date"),
    path("committee/appeals/<int:pk>/letter.pdf", views.letter_view, name="committee_letter"),
    path("committee/appeals/<int:pk>/letter/send/", views.letter_send_view, name="committee_letter_send"),
]
