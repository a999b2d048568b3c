"""URLs of the appeals: committee (included by appeals/urls.py)."""

urlpatterns = []
