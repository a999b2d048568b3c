"""The appeals' and ombudspersons' pages, one URL module per subject, all in the ``appeals`` namespace."""

from .urls_committee import urlpatterns as committee
from .urls_intake import urlpatterns as intake
from .urls_ombuds import urlpatterns as ombuds

app_name = "appeals"
urlpatterns = intake + committee + ombuds
