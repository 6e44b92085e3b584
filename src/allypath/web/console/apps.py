from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "allypath.web.console"
    label = "console"
    verbose_name = "HR console"
