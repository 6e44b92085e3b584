"""The board report's cover follows the summary's language: a French or Arabic export has no English
sentence on its cover (nor in its page footer, its overview's heading and stage table, its stage chart's
legend), and the report's means carry their margins, its group answers too close to call where they are."""

from __future__ import annotations

import html as html_lib
import math
import re

import numpy as np
import pandas as pd
import pytest

import allypath
from allypath.model import FACTORS
from allypath.privacy import PrivacyPolicy
from allypath.reports.board import _group_answers, board_html, build_board
from allypath.reports.labels import board_subtitle, board_title

#: The English the cover printed in every language before (and prints in English now).
ENGLISH = (
    "Key message",
    "respondents placed",
    "Too few respondents to report",
    "invited",
    "results by",
    "are never shown",
    "Prepared ",
    "The summary overleaf explains each answer with its figures",
    "Gender Equity Mindset Model: where groups of men stand",
    "what HR can do next",
    "allyship diagnostic",
    "Wave ",
    "the whole organisation",
    "December",
)


@pytest.fixture(scope="module")
def scored() -> pd.DataFrame:
    frame = allypath.score(allypath.simulate(240, seed=5))
    frame["team"] = pd.array(np.where(np.arange(len(frame)) % 2, "Ops", "Sales"), dtype="string")
    return frame


def render(scored: pd.DataFrame, language: str) -> str:
    import datetime as dt

    board = build_board(
        scored,
        "team",
        policy=PrivacyPolicy(k=5),
        title=board_title("Northwind", language),
        subtitle=board_subtitle("2026 Q1", None, language),
        by_label="unit",
        language=language,
    )
    board.generated = dt.date(2026, 12, 4)
    return board_html(board)


def text_of(fragment: str) -> str:
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment)))


def cover_of(page: str) -> str:
    return text_of(page.split('<header class="cover"', 1)[1].split("</header>", 1)[0])


def test_the_english_cover_still_says_it_in_english(scored):
    cover = cover_of(render(scored, "en"))
    for english in ENGLISH:
        if english not in ("Too few respondents to report", "invited"):  # not this report's case
            assert english in cover, english


@pytest.mark.parametrize(
    ("language", "own"),
    [
        (
            "fr",
            (
                "Message clé",
                "répondants situés sur le modèle",
                "Préparé le 4 décembre 2026",
                "Vague 2026 Q1 · toute l'organisation",
                "résultats par unité",
            ),
        ),
        (
            "ar",
            (
                "الرسالة الأساسية",
                "أُعدّ في 4 ديسمبر 2026",
                "الموجة 2026 Q1 · المؤسسة بأكملها",
                "النتائج حسب الوحدة",
            ),
        ),
    ],
)
def test_a_french_or_arabic_cover_holds_no_english_sentence(scored, language, own):
    page = render(scored, language)
    cover = cover_of(page)
    for english in ENGLISH:
        assert english not in cover, (language, english)
    for words in own:
        assert words in cover, (language, words)
    assert f'<header class="cover" lang="{language}"' in page
    assert ('dir="rtl"' if language == "ar" else 'dir="ltr"') in page.split('<header class="cover"', 1)[1][
        :40
    ]
    footer = re.search(r"@bottom-right \{ content: (.*?);", page).group(1)  # type: ignore[union-attr]
    assert '" of "' not in footer and ('" sur "' if language == "fr" else '" من "') in footer
    overview = text_of(page.split('id="overview"', 1)[1].split("</table>", 1)[0])
    for english in ("Overview", "Stage mix of everyone", "Share of the men", "Likely between", "Apathy"):
        assert english not in overview, (language, english)
    legend = page.split('id="overview"', 1)[1].split("</figure>", 1)[0]
    assert "Apathy" not in legend and "Energised" not in legend


def _margin(n: int) -> float:
    """The widest 95% margin of a mean of n answers on 1-5, rounded up to a tenth (worked out here)."""
    return math.ceil(1.959963984540054 * 2 / math.sqrt(n) * 10 - 1e-9) / 10


def test_the_reports_means_carry_their_margins_in_words(scored):
    """Each group's margin is from the fewest men who answered any of its factor questions (about 3 in
    10 skip the policy questions), never from the group's size alone, which would say "up to" a
    narrower figure than chance allows."""
    page = render(scored, "en")
    heatmap = text_of(page.split('id="heatmap"', 1)[1].split("</section>", 1)[0])
    placed = scored[scored["status"] == "scored"]
    columns = list(dict.fromkeys(f"score_{f.construct}" for f in FACTORS))
    fewest = {"everyone": int(placed[columns].notna().sum().min())}
    fewest |= {team: int(rows[columns].notna().sum().min()) for team, rows in placed.groupby("team")}
    assert fewest["everyone"] < len(placed)  # some skipped: the margin is theirs, wider than the size's
    assert _margin(fewest["everyone"]) > _margin(len(placed))
    assert (
        f"could be off by up to {_margin(fewest['everyone']):.1f} for everyone (a group of {len(placed)})"
        in heatmap
    )
    widest = max(_margin(fewest[team]) for team in ("Ops", "Sales"))
    named = [
        f"up to {widest:.1f} for {team} (a group of {int((placed['team'] == team).sum())}), the widest shown"
        for team in ("Ops", "Sales")
        if _margin(fewest[team]) == widest
    ]
    assert any(words in heatmap for words in named), named
    margins = [_margin(fewest[t]) for t in ("everyone", "Ops", "Sales")]
    assert (
        f"By chance alone a mean could be off by up to {min(margins):.1f} to {max(margins):.1f}, by group"
        in heatmap
    )


def test_a_groups_answer_in_the_report_is_too_close_to_call_only_within_its_margin():
    means = {"safety": 3.8, "fear": 2.0, "hiding_vulnerability": 2.0}
    assert _group_answers({**means, "n": 400, "suppressed": ""})[0] == "Yes"  # 3.8 - 0.2 stays above 3.5
    assert _group_answers({**means, "n": 50, "suppressed": ""})[0] == "Too close to call"  # 3.8 - 0.6
