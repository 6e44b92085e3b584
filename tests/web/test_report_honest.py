"""The private report never contradicts itself about a man between stages, and never claims his
developmental index changed between two panel waves when the change is inside the margin of error.

Each verdict is tested on data built so that it must come out the other way as well."""

from __future__ import annotations

import html as html_lib
import math
import uuid

import pytest

from allypath.web.journey.movement import Z
from allypath.web.survey.report import build_report
from allypath.web.survey.texts import ui
from answer_patterns import submit_answers

pytestmark = [pytest.mark.db, pytest.mark.django_db]

LANGUAGES = ("en", "fr", "ar")
RECEIPTS: dict[uuid.UUID, str] = {}  # a stored response's receipt code, to open its page
EARLIER: dict[uuid.UUID, str] = {}  # a later panel response's earlier receipt code, to compare with


@pytest.fixture
def stored(client, acme, make_wave, issue_tokens, answers_for, instrument):
    """A submitted full-form response, returned from the database (its result can be set)."""
    from allypath.web.survey.models import Response

    def send(language: str = "en", level: int = 3, **result: object) -> Response:
        wave = make_wave(acme, form="full")
        receipt = submit_answers(
            client, issue_tokens(wave)["S003"], answers_for(instrument.form("full"), level), language
        )
        response = Response.objects.get(wave=wave)
        response.result = {**response.result, **result}
        response.save()
        RECEIPTS[response.pk] = receipt
        return response

    return send


# -- how he sees himself, when his answers sit between two stages ---------------------------------


def _between(stage: int, perceived: int, trailing: int = 2, leading: int = 3) -> dict[str, object]:
    return {
        "stage": stage,
        "between_stages": True,
        "trailing_stage": trailing,
        "leading_stage": leading,
        "perceived_stage": perceived,
    }


@pytest.mark.parametrize(("stage", "perceived"), [(2, 3), (2, 2), (3, 2), (3, 3)])
def test_placing_himself_at_one_of_the_two_stages_he_sits_between_is_not_called_a_gap(
    stored, stage, perceived
):
    response = stored(**_between(stage, perceived))
    report = build_report(response, "en")
    assert "sit between" in report["between"]
    said = report["perceived"]
    assert "further along" not in said and "more than you give yourself credit" not in said
    assert "fit best with" not in said
    assert "one of the two stages your answers sit between" in said
    for language in ("fr", "ar"):
        other = build_report(response, language)["perceived"]
        assert other and "{" not in other and other != said


def test_between_stages_and_placed_beyond_both_he_is_told_he_sees_himself_further_along(stored):
    report = build_report(stored(**_between(2, 4)), "en")
    assert "sit between" in report["between"]
    said = report["perceived"]
    assert "further along" in said
    assert "“Ambivalence” and “Reflective and responsible”" in said or "sit between" in said
    assert "fit best with" not in said  # the page already said his answers sit between two stages


def test_between_stages_and_placed_below_both_he_is_told_he_may_do_more_than_he_thinks(stored):
    report = build_report(stored(**_between(3, 1)), "en")
    said = report["perceived"]
    assert "more than you give yourself credit" in said and "further along" not in said
    assert "fit best with" not in said


def test_between_two_stages_apart_a_self_placement_inside_them_is_neither_ahead_nor_behind(stored):
    # the two likeliest stages need not be neighbours: between 1 and 3, placing himself at 2
    said = build_report(stored(**_between(3, 2, trailing=1, leading=3)), "en")["perceived"]
    assert "further along" not in said and "more than you give yourself credit" not in said
    assert "fit best with" not in said and "between" in said


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_between_wording_is_written_in_each_language(stored, language):
    from allypath.model import stage as stage_of

    words = ui(language)
    label = {n: stage_of(n).label.get_lang(language) for n in (1, 2, 3, 4)}
    cases = {
        "perceived_between": (2, 3, 2, 3),
        "perceived_ahead_between": (2, 4, 2, 3),
        "perceived_behind_between": (3, 1, 2, 3),
        "perceived_within": (3, 2, 1, 3),
    }
    for key, (stage, perceived, trailing, leading) in cases.items():
        response = stored(language=language, **_between(stage, perceived, trailing, leading))
        expected = words[key].format(perceived=label[perceived], a=label[trailing], b=label[leading])
        assert build_report(response, language)["perceived"] == expected
        assert "{" not in expected and label[perceived] in expected
    if language != "en":
        assert all(words[key] != ui("en")[key] for key in cases)


def test_not_between_stages_the_comparison_with_his_one_stage_stays(stored):
    # The same stages as the "between" cases above, with only the flag turned off: the flag decides.
    ahead = build_report(stored(**{**_between(2, 3), "between_stages": False}), "en")
    assert "between" not in ahead and "stage_sentence" in ahead
    said = ahead["perceived"]
    assert "fit best with “Ambivalence”" in said and "further along" in said
    assert "sit between" not in said and "one of the two stages" not in said
    behind = build_report(stored(**{**_between(3, 2), "between_stages": False}), "en")["perceived"]
    assert "fit best with" in behind and "more than you give yourself credit" in behind
    same = build_report(stored(**{**_between(3, 3), "between_stages": False}), "en")["perceived"]
    assert "in line with your answers" in same and "sit between" not in same


def test_the_page_does_not_contradict_itself_between_stages(client, stored):
    response = stored(**_between(2, 3))
    page = html_lib.unescape(client.get(f"/r/{RECEIPTS[response.pk]}/").content.decode())
    assert "Your answers sit between “Ambivalence” and “Reflective and responsible”" in page
    assert "one of the two stages your answers sit between" in page
    assert "further along" not in page and "fit best with" not in page


# -- his index between two panel waves, against the margin of error -------------------------------


@pytest.fixture
def panel(client, acme, make_panel_waves, issue_tokens, answers_for, instrument):
    """The later of two panel responses of one man, with the two results' index and index_se set."""
    from allypath.web.survey.models import Response

    def make(before: tuple[float, float], after: tuple[float, float], language: str = "en"):
        earlier, later = make_panel_waves(acme)
        receipts = []
        for wave, level, (index, se) in ((earlier, 2, before), (later, 3, after)):
            token = issue_tokens(wave)["N001"]
            receipts.append(
                submit_answers(client, token, answers_for(instrument.form("short"), level), language)
            )
            response = Response.objects.get(wave=wave)
            assert response.result["status"] == "scored"
            response.result = {**response.result, "index": index, "index_se": se}
            response.save()
        RECEIPTS[response.pk], EARLIER[response.pk] = receipts[1], receipts[0]  # to open and compare
        return response

    return make


def _compared(response, language: str) -> dict:
    """His report compared with his earlier answers (he gave their receipt code)."""
    return build_report(response, language, EARLIER[response.pk])


def test_a_change_inside_the_margin_is_not_called_a_change(panel):
    margin = Z * math.hypot(6.0, 6.0)  # about 16.6
    response = panel((40.0, 6.0), (40.0 + margin - 2, 6.0))
    for language in LANGUAGES:
        assert _compared(response, language)["comparison_index"]
    said = _compared(response, "en")["comparison_index"]
    assert said.startswith("We cannot say that you moved")
    assert "within the margin of error (about 17)" in said
    assert "from 40 to 55" in said
    french = _compared(response, "fr")["comparison_index"]
    assert "marge d'erreur" in french and "Nous ne pouvons pas dire" in french
    assert "هامش الخطأ" in _compared(response, "ar")["comparison_index"]


@pytest.mark.parametrize(
    ("before", "after", "opening"),
    [
        (30.0, 60.0, "You have likely moved forward: your index went from 30 to 60"),
        (60.0, 30.0, "You have likely moved back a little: your index went from 60 to 30"),
    ],
)
def test_a_change_well_beyond_the_margin_is_said_to_be_likely(panel, before, after, opening):
    said = _compared(panel((before, 3.0), (after, 3.0)), "en")["comparison_index"]
    assert said.startswith(opening)
    assert "more than the margin of error (about 8)" in said and "cannot say" not in said


@pytest.mark.parametrize(("se", "moved"), [(3.0, True), (12.0, False)])
def test_the_same_change_is_called_movement_only_when_the_margins_are_small(panel, se, moved):
    """A 20-point change: beyond the margin with index_se 3 (about 8), inside it with 12 (about 33)."""
    said = _compared(panel((40.0, se), (60.0, se)), "en")["comparison_index"]
    if moved:
        assert "likely moved forward" in said and "cannot say" not in said
    else:
        assert "cannot say" in said and "likely moved" not in said


def test_the_panel_page_shows_the_margin_with_the_change(client, panel):
    response = panel((40.0, 6.0), (45.0, 6.0))
    page = client.post(f"/r/{RECEIPTS[response.pk]}/", {"earlier": EARLIER[response.pk]}).content.decode()
    page = html_lib.unescape(page)
    assert "Compared with your earlier answers" in page
    assert "We cannot say that you moved: your index went from 40 to 45" in page
    assert "Your developmental index went from" not in page  # never the bare claim


def test_the_panel_comparison_says_between_two_stages_when_the_page_does(panel):
    """Between two stages now, the comparison with his earlier wave names both, never the likelier
    alone beside "your answers sit between"; not between, it keeps "now they fit best with"."""
    response = panel((40.0, 6.0), (45.0, 6.0))
    result = response.result
    response.result = {**result, "between_stages": True, "trailing_stage": 2, "leading_stage": 3, "stage": 2}
    for language in LANGUAGES:
        report = _compared(response, language)
        assert report["between"] and report["comparison"]
    english = _compared(response, "en")["comparison"]
    assert "now they sit between “Ambivalence” and “Reflective and responsible”" in english
    assert "now they fit best with" not in english
    assert "se situent entre" in _compared(response, "fr")["comparison"]
    response.result = {**result, "between_stages": False, "stage": 3}
    assert "now they fit best with “Reflective and responsible”" in _compared(response, "en")["comparison"]


# -- how sure, where the answers fit the stages loosely ----------------------------------------------


def test_answers_that_fit_the_stages_loosely_are_told_the_stage_is_a_first_indication(stored, client):
    loose = stored(person_fit=-1.9)
    assert loose.result["status"] == "scored"
    for language in LANGUAGES:
        said = build_report(loose, language).get("loose_fit")
        assert said and "{" not in said, language
    assert "a first indication, not a firm result" in build_report(loose, "en")["loose_fit"]
    page = client.get(f"/r/{RECEIPTS[loose.pk]}/").content.decode()
    assert "a first indication, not a firm result" in page
    # the other way: answers that fit as most people's do get no such sentence
    assert "loose_fit" not in build_report(stored(person_fit=0.4), "en")
