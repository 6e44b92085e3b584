from typing import Any

from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "allypath.web.dashboard"
    label = "dashboard"
    verbose_name = "Published figures"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db import transaction

        from allypath.web.dashboard import deferred
        from allypath.web.orgs.signals import wave_closed

        def prepare(sender: Any, wave: Any, **kwargs: Any) -> None:
            # Closing a wave changes every figure of it: a large organisation's release is prepared at
            # once, after the commit (the process must read the wave closed), not when HR first looks.
            transaction.on_commit(lambda: deferred.prepare_if_large(wave.org))

        wave_closed.connect(prepare, weak=False, dispatch_uid="dashboard.prepare_after_close")
