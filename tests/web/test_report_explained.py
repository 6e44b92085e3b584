"""The private report explains itself (issue 16, point 9): the developmental index and its band in
one sentence, the next stage and what moving there looks like, next steps titled by what they are
(never a bare stage name), numbers and dates as French and Arabic write them."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from allypath.model import STAGES
from allypath.web.survey.report import build_report, local_date, local_decimals, local_number
from allypath.web.survey.texts import NEXT_STAGE
from answer_patterns import submit_answers

pytestmark = [pytest.mark.db, pytest.mark.django_db]

STAGE_LABELS = {s.label.get_lang(lang) for s in STAGES for lang in ("en", "fr", "ar")} | {
    s.short_label.get_lang(lang) for s in STAGES for lang in ("en", "fr", "ar")
}
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@pytest.fixture
def stored(client, acme, make_wave, issue_tokens, answers_for, instrument):
    """A submitted full-form response, returned from the database (its result can be set)."""
    from allypath.web.survey.models import Response

    def send(language: str = "en", level: int = 3, **result: object) -> Response:
        wave = make_wave(acme, form="full")
        submit_answers(
            client, issue_tokens(wave)["S003"], answers_for(instrument.form("full"), level), language
        )
        response = Response.objects.get(wave=wave)
        if result:
            response.result = {**response.result, **result}
            response.save()
        return response

    return send


def test_the_index_and_its_band_are_explained_in_one_sentence(stored):
    # the range is the 95 % one (1.96 standard errors), as the margin for a change in his journey
    response = stored(index=46.4, index_se=5.0)
    report = build_report(response, "en")
    assert report["index_sentence"] == (
        "Your developmental index is 46 out of 100, one score for the whole path from 0 (the start of"
        " “Apathy”) to 100 (fully “Energised and motivated”); answers like yours place it most likely"
        " between 37 and 56."
    )
    # the band is cut at the ends of the scale, never below 0 or above 100
    near_top = build_report(stored(index=95.0, index_se=8.0), "en")["index_sentence"]
    assert "between 79 and 100." in near_top
    assert "give or take" not in near_top and near_top.count(".") == 1
    wide = build_report(stored(index=26.4, index_se=23.2), "en")["index_sentence"]
    assert "between 0 and 72." in wide
    french = build_report(stored(language="fr", index=26.4, index_se=23.2), "fr")["index_sentence"]
    assert french.startswith("Votre indice de progression est de 26 sur 100") and "entre 0 et 72." in french


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_a_band_that_rounds_to_one_number_is_not_read_as_certainty(stored, language):
    # answers all at one end: the model's band is a fraction of a point, which printed "between 0 and 0"
    sentence = build_report(stored(language=language, index=0.0, index_se=0.01), language)["index_sentence"]
    said = {
        "en": "within about a point of that.",
        "fr": "à environ un point près.",
        "ar": "في حدود نقطة واحدة تقريبًا",
    }[language]
    assert said in sentence
    assert not re.search(r"\d+\D{1,6}\d+\.$", sentence)  # no "between 0 and 0." at its end
    # one point of band is a band again
    wider = build_report(stored(language=language, index=0.0, index_se=0.5), language)["index_sentence"]
    assert said not in wider


@pytest.mark.parametrize("number", [1, 2, 3])
def test_the_report_names_the_next_stage_and_what_moving_there_looks_like(stored, number):
    report = build_report(stored(stage=number, between_stages=False), "en")
    assert report["next_stage"] == f"The next stage is “{STAGES[number].label.get_lang('en')}”."
    assert report["next_stage_move"] == NEXT_STAGE[number].get_lang("en")
    assert report["next_stage_move"].startswith("Moving there looks like")


def test_at_the_last_stage_the_report_says_how_to_stay_there_in_three_languages(stored):
    response = stored(stage=4, between_stages=False)
    report = build_report(response, "en")
    assert report["next_stage"].startswith("“Energised and motivated” is the last stage of the model")
    assert report["next_stage_move"].startswith("Staying there looks like")
    for language in ("fr", "ar"):
        words = build_report(response, language)
        assert words["next_stage_move"] == NEXT_STAGE[4].get_lang(language) != NEXT_STAGE[4].get_lang("en")
        assert STAGES[3].label.get_lang(language) in words["next_stage"]


def test_the_page_shows_the_next_stage_and_the_explained_index(
    client, acme, make_wave, issue_tokens, answers_for, instrument
):
    import html as html_lib

    wave = make_wave(acme, form="full")
    receipt = submit_answers(
        client, issue_tokens(wave)["S003"], answers_for(instrument.form("full"), 2), "fr"
    )
    page = html_lib.unescape(client.get(f"/r/{receipt}/?lang=fr").content.decode())
    assert '<h2 id="next-stage-h">L\'étape suivante</h2>' in page
    assert "Y passer, c'est" in page or "Y rester, c'est" in page
    assert "Votre indice de progression est de " in page and "très probablement entre " in page
    assert "à près" not in page and "give or take" not in page


def test_no_next_step_is_titled_by_a_bare_stage_name_in_any_language(stored):
    current = stored(stage=2, between_stages=True, trailing_stage=2, leading_stage=3)
    for language in ("en", "fr", "ar"):
        steps = build_report(current, language)["recommendations"]
        stage_steps = [r for r in steps if r.kind == "stage"]
        assert len(stage_steps) == 3, [r.title for r in steps]
        assert not [r.title for r in steps if r.title in STAGE_LABELS]
    english = [r.title for r in build_report(current, "en")["recommendations"] if r.kind == "stage"]
    assert english == [
        "A first step from where you are",
        "Another step from where you are",
        "A step towards “Reflective and responsible”",
    ]


def test_french_and_arabic_write_scores_percentages_and_dates_their_own_way(stored):
    response = stored(language="fr", stage=2, between_stages=False, score_barrier_fear=4.3)
    french = build_report(response, "fr")
    reasons = " ".join(r.reason for r in french["recommendations"])
    assert "4,3 sur 5" in reasons and "4.3" not in reasons
    assert all(re.fullmatch(r"(moins de |plus de )?\d+\u00a0%", bar.text) for bar in french["bars"])
    english = build_report(response, "en")
    assert "4.3 of 5" in " ".join(r.reason for r in english["recommendations"])
    assert all(re.fullmatch(r"(less than |more than )?\d+%", bar.text) for bar in english["bars"])
    arabic = " ".join(r.reason for r in build_report(response, "ar")["recommendations"])
    assert "4,3 من 5" in arabic
    day = dt.date(2026, 3, 12)
    assert local_date(day, "fr") == "12 mars 2026"
    assert local_date(day, "en") == "12 March 2026"  # British, as the console writes dates
    assert "مارس" in local_date(day, "ar") and not ISO_DATE.search(local_date(day, "ar"))
    assert (
        local_number(4.25, 1, "fr") in ("4,2", "4,3") and local_decimals("(3.0 of 5).", "fr") == "(3,0 of 5)."
    )
    assert local_decimals("version 1.1.0 and 2024", "fr") == "version 1.1.0 and 2024"  # not a decimal


def test_a_panel_report_dates_the_earlier_wave_as_the_language_writes_dates(
    client, acme, make_panel_waves, issue_tokens, answers_for, instrument
):
    from allypath.web.survey.models import Response

    earlier, later = make_panel_waves(acme)
    receipts = [
        submit_answers(client, issue_tokens(wave)["N001"], answers_for(instrument.form("short"), level), "fr")
        for wave, level in ((earlier, 2), (later, 4))
    ]
    response = Response.objects.get(wave=later)
    submitted = Response.objects.get(wave=earlier).submitted_on
    for language in ("fr", "ar", "en"):
        sentence = build_report(response, language, receipts[0])["comparison"]
        assert local_date(submitted, language) in sentence, sentence
        assert not ISO_DATE.search(sentence)
