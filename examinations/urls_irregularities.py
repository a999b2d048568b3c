"""URLs of the examinations: irregularities (included by examinations/urls.py)."""

urlpatterns = []
