"""Admin of the appeals: intake (imported by appeals/admin.py)."""
