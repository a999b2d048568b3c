"""Appeals models: ombuds (see appeals/models/__init__.py)."""
