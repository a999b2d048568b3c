"""Admin of the examinations: irregularities (imported by examinations/admin.py)."""
