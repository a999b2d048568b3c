"""URLs of the examinations: results (included by examinations/urls.py). Roles are declared on each view."""

from django.urls import path

from .views import results as views

urlpatterns = [
    path("results/", views.unit_list, name="results_units"),
    path("results/import/", views.import_results, name="results_import"),
    path("results/units/<str:code>/<str:year>/<str:period>/", views.unit_grid, name="results_grid"),
    path("results/students/<str:number>/", views.student_results, name="results_student"),
    path("results/students/<str:number>/<str:year>/second-opportunity/", views.second_opportunity,
         name="results_second_opportunity"),
    path("results/students/<str:number>/<str:year>/retake/", views.retake_request, name="results_retake"),
    path("results/material-errors/", views.material_error_list, name="material_errors"),
    path("results/material-errors/<int:pk>/", views.material_error_detail, name="material_error"),
    path("results/<int:pk>/material-error/", views.material_error_report, name="material_error_report"),
]
