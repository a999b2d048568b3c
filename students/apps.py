from django.apps import AppConfig


class StudentsConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'students'

    def ready(self):
        # The audit trail's receiver that fills "who" and "why" from ``config.audit.audited``.
        from config import audit  # noqa: F401
