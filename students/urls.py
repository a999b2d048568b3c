from django.urls import path

from . import views, views_audit

app_name = "students"
urlpatterns = [
    path("", views.StudentListView.as_view(), name="list"),
    # Before "<number>/": "audit" is not a student number here (the numbers of the register are digits).
    path("audit/", views_audit.audit_view, name="audit"),
    path("<str:number>/", views.student_detail, name="detail"),
    path("<str:number>/statement.pdf", views.statement_pdf_view, name="statement_pdf"),
    path("<str:number>/register-opening/", views.RegisterOpeningView.as_view(), name="register_opening"),
    path("<str:number>/correction/", views.CorrectionView.as_view(), name="correction"),
]
