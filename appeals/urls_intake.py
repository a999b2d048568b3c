"""URLs of the appeals: intake (included by appeals/urls.py). Who may use each: PAGE_ROLES in
appeals/views/intake.py."""

from django.urls import path

from .views import intake as views

urlpatterns = [
    path("", views.AppealListView.as_view(), name="appeal_list"),
    path("register/", views.intake_view, name="appeal_intake"),
    path("<int:pk>/", views.detail_view, name="appeal_detail"),
    path("<int:pk>/admissibility/", views.admissibility_view, name="appeal_admissibility"),
    path("<int:pk>/arguments/", views.arguments_view, name="appeal_arguments"),
    path("<int:pk>/documents/add/", views.document_add_view, name="appeal_document_add"),
    path("<int:pk>/documents/<int:doc>/", views.document_view, name="appeal_document"),
]
