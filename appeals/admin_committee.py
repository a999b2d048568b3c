"""Admin of the appeals: committee (imported by appeals/admin.py)."""
