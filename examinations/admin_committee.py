"""Admin of the examinations: committee (imported by examinations/admin.py)."""
