"""The allypath web app: Django project (settings, urls, wsgi) with the respondent survey, the HR console
and the typed HTTP API (docs/architecture.md).

Run it with ``python -m allypath.web <command>`` (the ``manage.py`` of this project), for example
``python -m allypath.web migrate`` then ``python -m allypath.web runserver``.
"""
