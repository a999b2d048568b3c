from django.urls import include, path

from . import views, views_deadlines

app_name = "enrolment"
urlpatterns = [
    path("students/<str:number>/enrol/", views.EnrolView.as_view(), name="enrol"),
    path("contracts/<int:pk>/add-unit/", views.AddUnitView.as_view(), name="add_unit"),
    path("contracts/<int:pk>/withdraw/", views.WithdrawView.as_view(), name="withdraw"),
    path("contracts/<int:pk>/change-programme/", views.ChangeProgrammeView.as_view(), name="change_programme"),
    path("lines/<int:pk>/remove/", views.RemoveUnitView.as_view(), name="remove_unit"),
    path("deadlines/", views_deadlines.deadlines_view, name="deadlines"),
    path("deadlines/runs/<int:pk>/", views_deadlines.run_view, name="deadline_run"),
    path("outbox/", include("enrolment.views_outbox")),
]
