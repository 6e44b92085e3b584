from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "allypath.web.plans"
    label = "plans"
    verbose_name = "Action plans"
    default_auto_field = "django.db.models.BigAutoField"
