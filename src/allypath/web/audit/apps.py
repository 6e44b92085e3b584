from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "allypath.web.audit"
    label = "audit"
    verbose_name = "Audit log"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from allypath.web.audit import signins  # noqa: F401  (connects the sign-in receivers)
