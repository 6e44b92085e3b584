from typing import Any

from django.apps import AppConfig


class SurveyConfig(AppConfig):
    name = "allypath.web.survey"
    label = "survey"
    verbose_name = "Survey"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from allypath.web.orgs.signals import wave_closed
        from allypath.web.survey import storage

        def scramble(sender: Any, wave: Any, **kwargs: Any) -> None:
            storage.scramble_order(wave)

        # a strong reference: the receiver is a local function, kept alive by the signal
        wave_closed.connect(scramble, weak=False, dispatch_uid="survey.scramble_order")

        from allypath.web import security
        from allypath.web.survey.views import is_respondent_page, problem_page

        def refusal(request: Any, status: int, words: tuple[str, ...]) -> Any:
            return problem_page(request, status, *words) if is_respondent_page(request) else None

        # the security middleware's refusals on a respondent's pages speak his language
        security.respondent_refusal = refusal
