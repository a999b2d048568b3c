from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from students import views as student_views

urlpatterns = [
    path("", student_views.dashboard, name="dashboard"),
    path("login/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("students/", include("students.urls")),
    path("enrolment/", include("enrolment.urls")),
    path("examinations/", include("examinations.urls")),
    path("appeals/", include("appeals.urls")),
    path("admin/", admin.site.urls),
]
