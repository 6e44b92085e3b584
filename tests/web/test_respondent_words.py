"""What a respondent reads is plain sentences in his language (review of the survey's and report's words):
no double negative about policy awareness, a refusal (too many submissions, a full disk) as a page in
his language, no "100 %" or "0 %" match, French spacing before a colon, dates in words, and no
"You answered 0 of 29 questions"."""

from __future__ import annotations

import html as html_text
import json
import re
import uuid

import pytest
from django.db import OperationalError
from django.test import override_settings

from allypath.recommendations import recommend
from allypath.web.journey.texts import WORDS
from allypath.web.orgs.emails import local_date
from allypath.web.survey.models import Response
from allypath.web.survey.pages import page_count
from allypath.web.survey.texts import FIRST_STEPS, NEXT_STAGE, RESOURCES, UI
from answer_patterns import submit_answers

pytestmark = [pytest.mark.db, pytest.mark.django_db]

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
LATIN = re.compile(r"[A-Za-z]{3,}")


def text_of(response) -> str:
    """The page's HTML with its entities read (Django writes ' as &#x27;)."""
    return html_text.unescape(response.content.decode())


@pytest.fixture
def wave(acme, make_wave):
    return make_wave(acme, form="short")


@pytest.fixture
def tokens(wave, issue_tokens) -> dict[str, str]:
    return issue_tokens(wave)


@pytest.fixture
def stored(client, tokens, answers_for, instrument):
    """A submitted response's receipt, with its stored result changed by ``result``."""

    def send(language: str = "en", level: int = 3, employee: str = "S003", **result: object) -> str:
        receipt = submit_answers(
            client, tokens[employee], answers_for(instrument.form("short"), level), language
        )
        if result:
            response = Response.objects.latest("pk")
            response.result = {**response.result, **result}
            response.save()
        return receipt

    return send


# --------------------------------------------------------------------------- 1. policy awareness


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "You said you know little of your organisation's policies (1.0 of 5)."),
        ("fr", "Vous avez indiqué connaître peu les politiques de votre organisation (1.0 sur 5)."),
        ("ar", "ذكرتَ أنك لا تعرف إلا القليل عن سياسات مؤسستك (1.0 من 5)."),
    ],
)
def test_low_policy_awareness_is_said_directly_not_as_a_double_negative(language, sentence):
    recs = recommend({"score_knowledge_claimed": 1.0}, language=language)
    knowledge = next(r for r in recs if r.kind == "knowledge")
    assert knowledge.reason == sentence
    assert "were low" not in knowledge.reason and "sont basses" not in knowledge.reason
    assert "méconnaissance" not in knowledge.reason and "Low awareness" not in knowledge.reason
    if language == "ar":
        assert not LATIN.search(knowledge.reason)


def test_every_low_score_sentence_quotes_only_a_positively_named_factor():
    # "Your answers about “X” were low" reads right only when X is something good (an enabler)
    result = {f"score_enabler_{k}": 1.5 for k in ("safety", "acknowledgement", "support", "leadership")}
    result |= {"score_enabler_recognition": 1.5, "score_knowledge_claimed": 2.0}
    for language in ("en", "fr", "ar"):
        for rec in recommend(result, language=language, limit=20):
            if rec.kind == "knowledge":
                assert rec.title not in rec.reason
            else:
                assert rec.kind == "enabler"


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "You said you know little of your organisation's policies (1.0 of 5)."),
        ("fr", "Vous avez indiqué connaître peu les politiques de votre organisation (1,0 sur 5)."),
        ("ar", "ذكرتَ أنك لا تعرف إلا القليل عن سياسات مؤسستك (1,0 من 5)."),  # the report's number format
    ],
)
def test_the_private_report_says_low_awareness_directly(client, stored, language, sentence):
    receipt = stored(language=language, score_knowledge_claimed=1.0)
    html = text_of(client.get(f"/r/{receipt}/?lang={language}"))
    assert sentence in html
    assert "were low (1.0 of 5)" not in html and "Une méconnaissance des politiques » sont" not in html


# --------------------------------------------------------------------------- 2. refusals in his language


@pytest.fixture
def refuse_the_link(monkeypatch):
    """Every submission on a link is over its allowance (the per-network limit is not)."""
    monkeypatch.setattr("allypath.web.security._over", lambda kind, key, limit: kind == "token")


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "Too many submissions in a short time: wait a minute, then try again."),
        ("fr", "Trop d'envois en peu de temps\u00a0: attendez une minute, puis réessayez."),
        ("ar", "أُرسل الكثير في وقت قصير: انتظر دقيقة ثم أعد المحاولة."),
    ],
)
def test_too_many_posts_on_a_link_answer_a_page_in_the_surveys_language(
    client, tokens, refuse_the_link, language, sentence
):
    r = client.post(f"/s/{tokens['S001']}/p/1/?lang={language}", {"language": language, "action": "next"})
    assert r.status_code == 429 and 1 <= int(r["Retry-After"]) <= 60
    assert r["Content-Type"].startswith("text/html")
    html = text_of(r)
    assert f'<html lang="{language}"' in html and sentence in html
    assert "too many submissions for this link" not in html


def test_without_a_language_asked_the_refusal_is_in_the_links_language(client, tokens, refuse_the_link):
    r = client.post(f"/s/{tokens['N001']}/", {})  # N001's HR record says French
    assert r.status_code == 429
    assert "Trop d'envois en peu de temps\u00a0: attendez une minute" in text_of(r)


@override_settings(ALLYPATH_SUBMIT_LIMIT_PER_TOKEN=0, ALLYPATH_SUBMIT_LIMIT_PER_IP=1)
def test_too_many_posts_from_a_network_answer_a_page_in_french(client, tokens):
    from django.core.cache import caches

    caches["ratelimit"].clear()
    codes = [client.post(f"/s/{tokens['S001']}/?lang=fr", {"language": "fr"}) for _ in range(3)]
    refused = codes[-1]
    assert refused.status_code == 429 and refused["Retry-After"]
    assert "Trop d'envois depuis votre réseau en peu de temps\u00a0: attendez une minute" in (
        text_of(refused)
    )
    caches["ratelimit"].clear()


def test_the_api_still_gets_its_json_error(client, tokens, refuse_the_link):
    body = {"token": tokens["S001"], "submission_id": str(uuid.uuid4()), "answers": {}, "language": "fr"}
    r = client.post("/api/v1/responses", json.dumps(body), content_type="application/json")
    assert r.status_code == 429 and r["Retry-After"]
    assert r.json()["code"] == "rate_limited"


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "The server could not store this: its disk is full."),
        ("fr", "Le serveur n'a pas pu enregistrer ceci\u00a0: son disque est plein."),
    ],
)
def test_a_full_disk_on_a_survey_page_says_so_in_his_language(
    client, tokens, monkeypatch, language, sentence
):
    def full(*args, **kwargs):
        raise OperationalError("database or disk is full")

    monkeypatch.setattr("allypath.web.survey.views.open_link", full)
    r = client.post(f"/s/{tokens['S001']}/?lang={language}", {"language": language})
    assert r.status_code == 503 and r["Retry-After"] == "300"
    assert r["Content-Type"].startswith("text/html") and sentence in text_of(r)


# --------------------------------------------------------------------------- 3. no false certainty


def _match_bars(client, receipt: str) -> str:
    """The English report's list of how closely his answers match each stage, as text."""
    html = text_of(client.get(f"/r/{receipt}/?lang=en"))
    bars = html[html.index("How closely your answers match each stage") :]
    return bars[: bars.index("</ul>")]


def test_the_report_never_shows_a_100_or_0_percent_match(client, stored):
    receipt = stored(
        stage=3, between_stages=False, p_apathy=0.0, p_ambivalence=0.001, p_reflective=0.999, p_energised=0.0
    )
    bars = _match_bars(client, receipt)
    # 99.9% and 0.1%: "more than 99%" and "less than 1%", never a match that seems certain, and no
    # "99%" beside three "1%" that would add up to 102
    assert "more than 99%" in bars and bars.count("less than 1%") == 3
    assert not re.search(r"\b(100|0)%", bars)
    french = text_of(client.get(f"/r/{receipt}/?lang=fr"))
    assert "plus de 99\u00a0%" in french and "moins de 1\u00a0%" in french
    assert not re.search(r"\b(100|0)\u00a0%", french)


def test_a_match_between_the_ends_is_said_as_its_percentage(client, stored):
    receipt = stored(
        stage=3, between_stages=False, p_apathy=0.005, p_ambivalence=0.2, p_reflective=0.79, p_energised=0.005
    )
    bars = _match_bars(client, receipt)
    assert "79%" in bars and "20%" in bars and bars.count("1%") == 2  # 0.5% rounds to 1%, said plainly
    assert "less than" not in bars and "more than" not in bars


# --------------------------------------------------------------------------- 4. French words and dates


def _french_strings():
    for name, catalog in (("UI", UI), ("WORDS", WORDS)):
        for key, text in catalog.items():
            yield f"{name}.{key}", text.get_lang("fr")
    for n, text in enumerate((*FIRST_STEPS, *NEXT_STAGE.values(), *RESOURCES)):
        yield f"text {n}", text.get_lang("fr")


def test_french_page_words_put_a_no_break_space_before_a_colon_and_inside_quotes():
    for where, text in _french_strings():
        assert not re.search(r"(^|[^\u00a0])[:;?!»](\s|$)", text), (where, text)
        assert not re.search(r"«[^\u00a0]", text), (where, text)
    assert UI["colon"].get_lang("fr") == "\u00a0:" and UI["colon"].get_lang("en") == ":"


def test_the_report_writes_why_this_suggestion_with_french_spacing(client, stored):
    receipt = stored(language="fr")
    html = text_of(client.get(f"/r/{receipt}/?lang=fr"))
    assert "Pourquoi cette piste\u00a0:</span>" in html and "Pourquoi cette piste:" not in html
    english = text_of(client.get(f"/r/{receipt}/?lang=en"))
    assert "Why this suggestion:</span>" in english


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_the_intro_and_saved_pages_write_the_closing_day_in_words(client, wave, tokens, language):
    closes = local_date(wave.closes_on, language)
    intro = text_of(client.get(f"/s/{tokens['S001']}/?lang={language}"))
    assert closes in intro and wave.closes_on.isoformat() not in intro
    client.post(f"/s/{tokens['S001']}/", {"language": language})
    saved = text_of(client.get(f"/s/{tokens['S001']}/saved/?lang={language}"))
    assert closes in saved and not ISO_DATE.search(saved)
    if language == "fr":
        assert f"jusqu'au {closes}" in intro and re.search(r"\d+ [a-zéû]+ \d{4}", closes)


def test_a_closed_link_says_the_day_in_words(client, acme, make_wave, issue_tokens):
    import datetime as dt

    from django.utils import timezone

    wave = make_wave(acme, form="short")
    token = issue_tokens(wave)["N001"]
    closed = timezone.localdate() - dt.timedelta(days=3)
    wave.__class__.objects.filter(pk=wave.pk).update(opens_on=closed - dt.timedelta(days=9), closes_on=closed)
    r = client.get(f"/s/{token}/?lang=fr")
    page = text_of(r)
    assert r.status_code == 410 and not ISO_DATE.search(page)
    assert f"L'enquête s'est terminée le {local_date(closed, 'fr')}." in page


# --------------------------------------------------------------------------- 5. no "0 of 29"


@pytest.mark.parametrize(
    ("language", "sentence", "wrong"),
    [
        ("en", "You have not answered any question yet.", "You answered 0 of"),
        ("fr", "Vous n'avez encore répondu à aucune question.", "Vous avez répondu à 0 questions"),
    ],
)
def test_sending_with_no_answer_says_so_plainly(client, tokens, instrument, language, sentence, wrong):
    token = tokens["S001"]
    client.post(f"/s/{token}/", {"language": language})
    total = page_count(instrument.form("short"))
    r = client.post(f"/s/{token}/p/{total}/?lang={language}", {"action": "submit", "language": language})
    html = text_of(r)
    assert r.status_code == 200 and sentence in html and wrong not in html
    assert "as they are" not in html and "telles quelles" not in html  # there is nothing to send as it is
    sent = client.post(
        f"/s/{token}/p/{total}/?lang={language}", {"action": "submit_anyway", "language": language}
    )
    report = text_of(client.get(sent["Location"]))
    assert wrong.lower() not in report.lower()
    assert (
        "did not answer any question" if language == "en" else "n'avez répondu à aucune question"
    ) in report
