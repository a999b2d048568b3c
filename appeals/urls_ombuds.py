"""URLs of the appeals: ombuds (included by appeals/urls.py)."""

urlpatterns = []
