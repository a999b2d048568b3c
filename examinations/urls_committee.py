"""URLs of the examinations: committee (included by examinations/urls.py)."""

urlpatterns = []
