"""Admin of the examinations: results (imported by examinations/admin.py)."""
