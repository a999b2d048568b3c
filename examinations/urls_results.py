"""URLs of the examinations: results (included by examinations/urls.py)."""

urlpatterns = []
