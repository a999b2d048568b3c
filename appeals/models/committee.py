"""Appeals models: committee (see appeals/models/__init__.py)."""
