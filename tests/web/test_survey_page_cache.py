"""A survey page nobody has answered yet is rendered once per form, page and language and then served
from the cache (web/survey/views.page): the cached page must be exactly the uncached one, and a page
with his answers or errors on it must never come from (or go into) the cache."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client

from .test_survey_pages import fill_page

pytestmark = [pytest.mark.db, pytest.mark.django_db]


@pytest.fixture
def tokens(acme, make_wave, issue_tokens) -> dict[str, str]:
    cache.clear()
    return issue_tokens(make_wave(acme))


def _started(token: str, language: str = "en") -> Client:
    client = Client()
    assert client.post(f"/s/{token}/", {"language": language}).status_code == 302
    return client


def _page(client: Client, token: str, number: int, language: str = "en") -> str:
    html = client.get(f"/s/{token}/p/{number}/?lang={language}").content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html).replace(token, "TOKEN")


def test_a_blank_page_from_the_cache_is_the_page_rendered_afresh(tokens):
    first = _page(_started(tokens["S001"]), tokens["S001"], 1)  # rendered, then cached
    again = _page(_started(tokens["S002"]), tokens["S002"], 1)  # from the cache
    cache.clear()
    afresh = _page(_started(tokens["S003"]), tokens["S003"], 1)
    assert first == again == afresh
    assert "checked" not in again


def test_his_answers_are_never_served_to_another_nor_hidden_from_him(tokens, instrument):
    blank = _started(tokens["S001"])
    _page(blank, tokens["S001"], 1)  # page 1 blank is in the cache now
    answered = _started(tokens["S002"])
    assert fill_page(answered, tokens["S002"], 1, instrument).status_code == 302
    assert " checked" in _page(answered, tokens["S002"], 1)  # back on his page: his answers, not the cache
    assert " checked" not in _page(_started(tokens["S003"]), tokens["S003"], 1)  # and not for the next man


def _questions(html: str) -> str:
    """The cached part: the questions between the form's language field and its buttons."""
    start = html.index(">", html.index('name="language"')) + 1  # after the form's language field
    return html[start : html.index('<div class="actions">')]


def test_each_language_has_its_own_questions(tokens):
    english = _questions(_page(_started(tokens["S001"]), tokens["S001"], 1))
    french = _questions(_page(_started(tokens["S002"], "fr"), tokens["S002"], 1, "fr"))
    arabic = _questions(_page(_started(tokens["S003"], "ar"), tokens["S003"], 1, "ar"))
    assert len({english, french, arabic}) == 3  # a cache keyed without the language would repeat one


def test_other_texts_under_the_same_version_are_never_served_from_the_cache(tokens, tmp_path, monkeypatch):
    """An instrument file edited in place (same id and version, other words) gets its own pages."""
    import yaml

    from allypath.instrument import DEFAULT_INSTRUMENT, load_instrument

    first = _questions(_page(_started(tokens["S001"]), tokens["S001"], 1))  # cached with today's texts
    raw = yaml.safe_load(DEFAULT_INSTRUMENT.read_text(encoding="utf-8"))
    for construct in raw["constructs"]:
        for item in construct["items"]:
            item["text"]["en"] = "Reworded: " + item["text"]["en"]
    path = tmp_path / "edited.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    edited = load_instrument(path)
    monkeypatch.setattr("allypath.web.orgs.instruments.load_instrument", lambda *a, **k: edited)
    again = _questions(_page(_started(tokens["S002"]), tokens["S002"], 1))
    assert "Reworded: " not in first and "Reworded: " in again
