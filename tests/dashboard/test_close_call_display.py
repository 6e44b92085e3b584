"""A research question's answer that is too close to call is shown as one, not in its leaning's
colour: the dashboard's summary and the board report give it a neutral style of its own and set its
"Too close to call" as a label, while a settled answer on the same means keeps its verdict's colour
(each display built both ways). The board report's title and subtitle are written in the report's
language by the console itself, and a report of a selection hidden as a whole follows the language too."""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from django.template.loader import render_to_string

import allypath
from allypath.analytics.margin_words import MARGIN_WORDS
from allypath.analytics.narrative import Released, Summary, summarise
from allypath.privacy import PrivacyPolicy
from allypath.reports.board import board_html, build_board
from allypath.web.orgs.models import Role

from .conftest import member

KEYS = ("apathy", "ambivalence", "reflective", "energised")
#: The board report's title and subtitle of Northwind's first wave, whole organisation, by language.
TITLES = {
    "en": ("Northwind: allyship diagnostic", "Wave 2026 Q1 · the whole organisation"),
    "fr": (
        "Northwind : diagnostic de l'engagement des hommes pour l'égalité",
        "Vague 2026 Q1 · toute l'organisation",
    ),
    "ar": ("Northwind: تشخيص مناصرة الرجال للمساواة", "الموجة 2026 Q1 · المؤسسة بأكملها"),
}
#: "Do men feel safe...": 3.8 leans "yes"; the margin of 400 men (0.2) keeps it there, of 50 (0.6) not.
LEANING_YES = {"safety": 3.8, "fear": 2.0, "hiding_vulnerability": 2.0}
CSS = Path(allypath.__file__).parent / "web" / "plans" / "static" / "plans" / "dashboard.css"


def total(n: int) -> dict[str, Any]:
    row: dict[str, Any] = {"visible": True, "n": n, "split": "stages", "group": "everyone"}
    for key, share in zip(KEYS, (0.1, 0.4, 0.3, 0.2), strict=True):
        row.update({f"share_{key}": share, f"low_{key}": share - 0.05, f"high_{key}": share + 0.05})
    return row


def summary_of(n: int, language: str = "en") -> Summary:
    return summarise(Released(total(n), factors=LEANING_YES), language)


def first_answer(page: str) -> tuple[str, str]:
    """The first research question's box in ``page``: its classes and its text."""
    found = re.search(r'<div class="(answer[^"]*)">(.*?)</div>', page, re.S)
    assert found, page[:400]
    text = re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", found.group(2)))).strip()
    return found.group(1), text


def dashboard_summary(summary: Summary) -> str:
    return render_to_string("console/dashboard/_summary.html", {"summary": summary, "summary_languages": []})


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_the_dashboard_gives_a_close_call_its_own_neutral_box_and_label(language):
    sure, close = summary_of(400, language), summary_of(50, language)
    assert sure.answers[0].verdict == close.answers[0].verdict == "yes"  # both lean yes
    assert not sure.answers[0].close and close.answers[0].close
    classes, text = first_answer(dashboard_summary(sure))
    assert classes == "answer yes"  # settled: the yes colour
    classes, text = first_answer(dashboard_summary(close))
    assert classes == "answer close", classes  # too close: never the yes colour
    label = MARGIN_WORDS[language]["close"]
    page = dashboard_summary(close)
    assert f'<strong class="call">{label}.</strong>' in html_lib.unescape(page)
    # the label is the sentence's own opening words, set apart: the text reads exactly as before
    assert text == f"{close.answers[0].text} {close.answers[0].sentence}"
    assert text.count(label) == 1
    assert " style=" not in page  # the strict CSP: the look is the stylesheet's


def test_the_stylesheet_styles_a_close_call_neutrally_and_apart_from_the_verdicts():
    css = CSS.read_text()
    rule = re.search(r"\.answer\.close \{([^}]*)\}", css)
    assert rule, "no style for a close call"
    colours = {
        name: re.search(rf"\.answer\.{name} \{{ border-color: (#\w+)", css).group(1)  # type: ignore[union-attr]
        for name in ("yes", "no", "mixed")
    }
    own = re.search(r"border-color: (#\w+)", rule.group(1)).group(1)  # type: ignore[union-attr]
    assert own not in colours.values()
    assert re.search(r"\.answer \.call \{", css)


@pytest.fixture(scope="module")
def scored() -> pd.DataFrame:
    frame = allypath.score(allypath.simulate(240, seed=5))
    frame["team"] = pd.array(np.where(np.arange(len(frame)) % 2, "Ops", "Sales"), dtype="string")
    return frame


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_board_reports_summary_gives_a_close_call_its_own_neutral_box(scored, language):
    board = build_board(
        scored,
        "team",
        policy=PrivacyPolicy(k=5),
        title=TITLES[language][0],
        subtitle=TITLES[language][1],
        language=language,
    )
    summary_part = re.compile(r'<section class="summary".*?</section>', re.S)
    board.summary = summary_of(400, language)
    classes, _ = first_answer(summary_part.search(board_html(board)).group(0))  # type: ignore[union-attr]
    assert classes == "answer yes"
    board.summary = summary_of(50, language)
    page = board_html(board)
    classes, text = first_answer(summary_part.search(page).group(0))  # type: ignore[union-attr]
    assert classes == "answer close"
    answer = board.summary.answers[0]
    assert text == f"{answer.text} {answer.sentence}" and text.count(answer.label) == 1
    style = page.split("<style>", 1)[1].split("</style>", 1)[0]
    assert re.search(r"\.answer\.close \{ border-color: #6b7180", style)
    # the cover's key message still names it by its label
    assert f"<dd>{html_lib.escape(answer.label)}</dd>" in page


# ---------------------------------------------------------------- the console's board report

BASE = "/console/northwind/dashboard/"


def cover(page: str) -> tuple[str, str, str]:
    """The cover's language, title and subtitle."""
    head = page.split('<header class="cover"', 1)[1].split("</header>", 1)[0]
    language = re.match(r' lang="(\w+)"', head).group(1)  # type: ignore[union-attr]
    title = re.search(r"<h1>(.*?)</h1>", head).group(1)  # type: ignore[union-attr]
    subtitle = re.search(r'<p class="muted">(.*?)</p>', head).group(1)  # type: ignore[union-attr]
    return language, html_lib.unescape(title), html_lib.unescape(subtitle)


@pytest.mark.db
@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_console_writes_the_board_reports_title_in_its_language(northwind, bob, as_user, language):
    from allypath.web.dashboard import service
    from allypath.web.dashboard.query import resolve

    query = resolve(bob, "northwind", {"wave": str(northwind.first.pk), "by": "unit"}, by_default="unit")
    report = service.board(_request(bob), query, view="dashboard.export.html", language=language)
    # built in the language, not put into it afterwards from English pieces
    assert (report.title, report.subtitle) == TITLES[language]
    assert "allyship diagnostic" not in report.title and "Wave" not in report.subtitle
    page = as_user(bob).get(
        BASE + "export.html", {"wave": northwind.first.pk, "by": "unit", "lang": language}
    )
    assert cover(page.content.decode()) == (language, report.title, report.subtitle)


@pytest.mark.db
@pytest.mark.django_db
def test_the_report_of_a_selection_hidden_as_a_whole_follows_the_language(northwind, as_user):
    # Tech has 3 respondents (k = 5): an analyst scoped to it sees a report that only says why
    tom = member("tom", northwind.org, Role.ANALYST, ["Tech"])
    client = as_user(tom)
    params = {"wave": northwind.first.pk, "by": "level"}
    english = client.get(BASE + "export.html", params).content.decode()
    assert "The privacy rules hide this whole selection" in english
    assert cover(english) == ("en", "Northwind: allyship diagnostic", "Wave 2026 Q1 · Tech")
    french = client.get(BASE + "export.html", {**params, "lang": "fr"}).content.decode()
    assert "Les règles de confidentialité masquent toute cette sélection" in french  # the same refusal...
    assert "The privacy rules hide this whole selection" not in french
    language, title, subtitle = cover(french)
    assert (language, title, subtitle) == ("fr", TITLES["fr"][0], "Vague 2026 Q1 · Tech")
    assert "Préparé le" in french.split("</header>", 1)[0]  # ...its cover in French


def _request(user: Any) -> Any:
    from django.test import RequestFactory

    request = RequestFactory().get(BASE + "export.html")
    request.user = user
    return request
