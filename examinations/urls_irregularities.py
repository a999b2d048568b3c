"""URLs of the examinations: irregularities (included by examinations/urls.py). Who may use each: PAGE_ROLES in
examinations/views/irregularities.py."""

from django.urls import path

from .views import irregularities as views

urlpatterns = [
    path("irregularities/", views.IrregularityListView.as_view(), name="irregularity_list"),
    path("irregularities/report/", views.report_view, name="irregularity_report"),
    path("irregularities/<int:pk>/", views.detail_view, name="irregularity_detail"),
    path("irregularities/<int:pk>/letter.pdf", views.letter_pdf_view, name="irregularity_letter"),
    path("irregularities/<int:pk>/<slug:action>/", views.action_view, name="irregularity_action"),
]
