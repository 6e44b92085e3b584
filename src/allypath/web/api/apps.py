from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "allypath.web.api"
    label = "allypath_api"
    verbose_name = "API"
