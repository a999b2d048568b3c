"""URLs of the appeals: intake (included by appeals/urls.py)."""

urlpatterns = []
