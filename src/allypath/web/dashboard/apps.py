from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "allypath.web.dashboard"
    label = "dashboard"
    verbose_name = "Published figures"
    default_auto_field = "django.db.models.BigAutoField"
