from . import admin_committee, admin_intake, admin_ombuds  # noqa: F401  (register their models)
