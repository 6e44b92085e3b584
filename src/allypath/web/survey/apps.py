from django.apps import AppConfig


class SurveyConfig(AppConfig):
    name = "allypath.web.survey"
    label = "survey"
    verbose_name = "Survey"
    default_auto_field = "django.db.models.BigAutoField"
