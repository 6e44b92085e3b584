"""The API's overview answers the research's three questions as the dashboard's summary does
(issue 16): the same verdicts and words as the page, for the same selection and language, and
each verdict follows the summary's rule on the published means it returns."""

from __future__ import annotations

import html as html_lib
import re

import pytest

from allypath.analytics.margin_words import MARGIN_WORDS
from allypath.analytics.narrative import QUESTIONS, verdict

from .conftest import json_of
from .test_summary_pages import summary_of

pytestmark = [pytest.mark.db, pytest.mark.django_db]

API = "/api/v1/orgs/northwind/dashboard/overview"
PAGE = "/console/northwind/dashboard/"
VERDICT_CLASS = {"yes": "yes", "partly": "mixed", "no": "no", "unknown": "unknown"}


def page_answers(page: str) -> list[tuple[str, str, str]]:
    """(css class, question, answer) of each answer in the page's summary."""
    section = page.split('<section class="summary"', 1)[1].split("</section>", 1)[0]
    found = re.findall(r'<div class="answer (\w+)"><strong>(.*?)</strong><br>(.*?)</div>', section, re.S)
    # a close call's "Too close to call." is set as a label: the same words, in their own element
    return [
        (c, html_lib.unescape(q).strip(), html_lib.unescape(re.sub(r"<[^>]+>", "", a)).strip())
        for c, q, a in found
    ]


def api_text(summary: dict, answers: list[dict]) -> str:
    """The API's summary in the page's reading order, as one line (the page's summary_of)."""
    parts = [summary["heading"], summary["headings"]["where"], *summary["where"]]
    parts += [summary["headings"]["moved"], *summary["moved"]]
    parts += [summary["headings"]["factors"], *summary["factors"], summary["headings"]["questions"]]
    for a in answers:
        parts += [a["text"], a["answer"]]
    parts += [summary["headings"]["actions"], *summary["actions"]]
    return " ".join(parts)


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_the_api_and_the_page_answer_the_three_questions_alike(northwind, alice, as_user, language):
    client = as_user(alice)
    for selection in (
        {"wave": northwind.first.pk},
        {"wave": northwind.second.pk},
        {"wave": northwind.second.pk, "unit": "Ops"},
        {"wave": northwind.first.pk, "level": "Staff"},
    ):
        body = json_of(client.get(API, {**selection, "lang": language}))
        page = client.get(PAGE, {**selection, "lang": language}).content.decode()
        answers = body["diagnostics"]
        assert [a["question"] for a in answers] == [q.key for q in QUESTIONS]
        on_page = page_answers(page)
        assert len(on_page) == 3, selection
        for a, (css, question, sentence) in zip(answers, on_page, strict=True):
            assert (a["text"], a["answer"]) == (question, sentence), selection
            # a close call has its own neutral colour, whichever way it leans (never the verdict's)
            close = a["label"] == MARGIN_WORDS[language]["close"]
            assert css == ("close" if close else VERDICT_CLASS[a["verdict"]]), (selection, a["label"])
            assert a["answer"].startswith(a["label"] + ".")
        summary = body["summary"]
        assert summary["language"] == language and summary["hidden"] is None
        assert summary["direction"] == ("rtl" if language == "ar" else "ltr")
        # the whole summary, not only the answers: the page's text word for word
        assert api_text(summary, answers) == summary_of(page), selection


def test_each_verdict_follows_the_summarys_rule_on_the_means_it_returns(northwind, bob, as_user):
    client = as_user(bob)
    verdicts = set()
    for wave in (northwind.first.pk, northwind.second.pk):
        for answer in json_of(client.get(API, {"wave": wave}))["diagnostics"]:
            question = next(q for q in QUESTIONS if q.key == answer["question"])
            figures = answer["figures"]
            assert set(figures) <= {*question.enablers, *question.barriers}
            assert set(question.enablers) & set(figures)  # published: the verdict is known
            assert answer["verdict"] == verdict(question, figures)
            assert answer["verdict"] in ("yes", "partly", "no")  # never the old "mixed"
            for mean in figures.values():  # each figure is in the answer, as the summary writes it
                assert f"{mean:.1f} of 5" in answer["answer"]
            verdicts.add(answer["verdict"])
    assert verdicts  # something was answered


def test_the_language_is_checked_and_a_hidden_selection_gets_no_answer(northwind, bob, as_user):
    client = as_user(bob)
    wrong = client.get(API, {"wave": northwind.first.pk, "lang": "de"})
    assert wrong.status_code == 422
    french = json_of(client.get(API, {"wave": northwind.first.pk, "lang": "fr"}))
    assert french["summary"]["heading"] == "En résumé"
    assert all(
        re.match(r"(Oui|En partie|Non|Trop serré pour trancher)\. ", a["answer"])
        for a in french["diagnostics"]
    )
    refused = client.get(API, {"wave": northwind.first.pk, "unit": "Tech"})
    assert refused.status_code == 422 and "diagnostics" not in refused.json()
