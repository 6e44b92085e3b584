"""Do a new process's one-off work before gunicorn forks its workers from it (``--preload``).

Django imports the URLconf (and with it every view module) on the first request, the packaged
instrument is parsed from its YAML on the first survey page, templates are compiled on first use and
each language's translations are read on first activation. In a new worker that was about 0.7 s of
CPU, paid by its first requests (the first survey page took 388 ms, 15 ms once warmed), and gunicorn
starts a new worker after each ``--max-requests``. Done once in the master, every worker is forked
with it done.

Nothing here opens a database connection or starts a thread: both would be shared across the fork
(tests/web/test_preload_import.py).
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["warm_up"]


def warm_up() -> None:
    """Import every view, parse the packaged instruments and scoring model, compile every template and
    read the served languages' catalogs."""
    from django.conf import settings
    from django.template import engines
    from django.urls import get_resolver
    from django.utils import translation

    from allypath.instrument import load_instrument
    from allypath.instrument.loader import PACKAGED_INSTRUMENTS
    from allypath.scoring.stage_model import load_stage_model

    instruments = [load_instrument(version=version) for version in PACKAGED_INSTRUMENTS]
    instruments.append(load_instrument())
    load_stage_model()  # the first submission's scoring reads it
    # The languages pages are served in: the instruments' (Django's LANGUAGES lists about a hundred).
    languages = sorted({settings.LANGUAGE_CODE, *(code for inst in instruments for code in inst.languages)})
    resolver = get_resolver()
    for code in languages:
        with translation.override(code):
            # reverse() keeps its table per active language; reading it builds it (and imports the views)
            resolver.reverse_dict  # noqa: B018 - the property's side effect is the point
    ours = Path(__file__).resolve().parent  # allypath's templates, not those of Django's own apps
    for backend in engines.all():  # the cached loader keeps each compiled template
        for folder in backend.template_dirs:
            if not Path(folder).resolve().is_relative_to(ours):
                continue
            for path in sorted(Path(folder).rglob("*.html")):
                backend.get_template(path.relative_to(folder).as_posix())
