from django.apps import AppConfig


class JourneyConfig(AppConfig):
    name = "allypath.web.journey"
    label = "journey"
    verbose_name = "Journey"
    default_auto_field = "django.db.models.BigAutoField"
