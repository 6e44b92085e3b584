"""The answer "Does not apply to me" in the web survey: one more radio of the items that offer it, in
every language, accepted there and refused everywhere else (form and API)."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client
from django.utils.html import escape

from allypath.instrument import NOT_APPLICABLE, load_instrument
from allypath.web.orgs.models import Wave
from allypath.web.survey.answers import check_answers, parse_posted
from allypath.web.survey.models import Draft, Response
from allypath.web.survey.pages import page_count, page_items, questions
from answer_patterns import sample_answers

FULL = load_instrument().form("full")
LABELS = {"en": "Does not apply to me", "fr": "Ne s'applique pas à ma situation", "ar": "لا ينطبق عليّ"}


class Post(dict):
    def getlist(self, key):
        value = self.get(key)
        return value if isinstance(value, list) else [] if value is None else [value]


def test_the_checker_accepts_the_code_only_where_the_item_offers_it():
    clean, errors = check_answers({"en4": NOT_APPLICABLE, "ch3": 0, "en1": 4}, FULL)
    assert clean == {"en4": 0, "ch3": 0, "en1": 4} and not errors
    clean, errors = check_answers({"en1": 0, "sp1": 0, "en4": -1, "cf4": True}, FULL)
    assert clean == {}
    assert {(e.item, e.code) for e in errors} == {
        ("en1", "out_of_range"),
        ("sp1", "not_an_option"),
        ("en4", "out_of_range"),
        ("cf4", "not_whole"),
    }


def test_a_posted_zero_is_read_as_the_code():
    items = (FULL.item("en4"), FULL.item("en1"))
    assert parse_posted(Post(q_en4="0", q_en1="3"), items) == {"en4": 0, "en1": 3}


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_the_question_has_the_extra_choice_in_every_language(language):
    en4, en1 = questions((FULL.item("en4"), FULL.item("en1")), language, {"en4": 0}, {}, 1)
    assert en4.not_applicable is not None
    assert en4.not_applicable.label == LABELS[language]
    assert (en4.not_applicable.value, en4.not_applicable.input_id) == ("0", "q-en4-na")
    assert en4.not_applicable.checked and not any(c.checked for c in en4.choices)
    assert [c.value for c in en4.choices] == ["1", "2", "3", "4", "5"]  # the scale itself is unchanged
    assert en1.not_applicable is None


# --------------------------------------------------------------------------- the pages and the API


@pytest.fixture
def wave(acme, make_wave) -> Wave:
    return make_wave(acme, form="full")


@pytest.fixture
def token(wave, issue_tokens) -> str:
    return issue_tokens(wave)["S002"]


def page_of(item_id: str) -> int:
    return next(n for n in range(1, page_count(FULL) + 1) if item_id in [i.id for i in page_items(FULL, n)])


@pytest.mark.db
@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_the_page_shows_a_radio_of_the_same_question(client: Client, token, language):
    client.post(f"/s/{token}/", {"language": language})
    html = client.get(f"/s/{token}/p/{page_of('en4')}/?lang={language}").content.decode()
    radio = '<input type="radio" id="q-en4-na" name="q_en4" value="0">'
    assert radio in html
    assert f'<label for="q-en4-na">{escape(LABELS[language])}</label>' in html
    # inside the question's fieldset, after its five answers
    fieldset = html[
        html.rindex("<fieldset", 0, html.index(radio)) : html.index("</fieldset>", html.index(radio))
    ]
    assert fieldset.count('name="q_en4"') == 6
    other = client.get(f"/s/{token}/p/{page_of('en1')}/?lang={language}").content.decode()
    assert "q-en1-na" not in other


@pytest.mark.db
@pytest.mark.django_db
def test_the_page_keeps_the_answer_and_refuses_it_elsewhere(client: Client, token):
    from allypath.web.orgs.keys import draft_key
    from allypath.web.survey.sealing import draft_cipher_key

    client.post(f"/s/{token}/", {"language": "en"})
    number = page_of("en4")
    r = client.post(f"/s/{token}/p/{number}/", {"action": "next", "language": "en", "q_en4": "0"})
    assert r.status_code == 302
    secret = client.cookies["allypath-respondent"].value
    draft = Draft.objects.get(key=draft_key(token, secret)).unlock(draft_cipher_key(token, secret))
    assert draft.answers["en4"] == 0
    html = client.get(f"/s/{token}/p/{number}/?lang=en").content.decode()
    assert '<input type="radio" id="q-en4-na" name="q_en4" value="0" checked>' in html
    r = client.post(f"/s/{token}/p/{page_of('en1')}/", {"action": "next", "language": "en", "q_en1": "0"})
    assert r.status_code == 422
    assert 'class="error-summary" role="alert"' in r.content.decode()


def submit(client: Client, token: str, answers: dict) -> object:
    body = {"token": token, "submission_id": str(uuid.uuid4()), "answers": answers, "language": "en"}
    return client.post("/api/v1/responses", data=json.dumps(body), content_type="application/json")


@pytest.mark.db
@pytest.mark.django_db
def test_the_api_takes_it_where_offered_and_scores_it_as_missing(client: Client, token):
    answers = sample_answers(FULL) | {"en4": NOT_APPLICABLE, "ch3": NOT_APPLICABLE, "ch4": NOT_APPLICABLE}
    r = submit(client, token, answers)
    assert r.status_code == 201, r.content
    response = Response.objects.get()
    assert response.status == "scored"
    assert response.result["context_hiring_promotion_stage"] is None  # 2 of its 4 items answered


@pytest.mark.db
@pytest.mark.django_db
def test_the_api_refuses_it_where_not_offered_naming_the_field(client: Client, token):
    r = submit(client, token, sample_answers(FULL) | {"en1": NOT_APPLICABLE})
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["answers.en1"]
    assert not Response.objects.exists()
