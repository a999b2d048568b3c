"""The examinations' pages, one URL module per subject, all in the ``examinations`` namespace."""

from .urls_committee import urlpatterns as committee
from .urls_irregularities import urlpatterns as irregularities
from .urls_results import urlpatterns as results

app_name = "examinations"
urlpatterns = results + committee + irregularities
