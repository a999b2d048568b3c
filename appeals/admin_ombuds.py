"""Admin of the appeals: ombuds (imported by appeals/admin.py)."""
