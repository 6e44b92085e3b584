"""The board report's cover follows the summary's language: a French or Arabic export has no English
sentence on its cover (nor in its page footer, its overview's heading and stage table, its stage chart's
legend), and the report's means carry their margins, its group answers too close to call where they are."""

from __future__ import annotations

import html as html_lib
import math
import re
import string

import pandas as pd
import pytest

from allypath._values import records
from allypath.model import FACTORS
from allypath.privacy import PrivacyPolicy
from allypath.reports.board import Board, _group_answers, board_html
from allypath.reports.board_words import BOARD_WORDS, CHART_WORDS

from .boards import board_of

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


def render(scored: pd.DataFrame, language: str) -> str:
    return board_html(board_of(scored, language))


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


# ---------------------------------------------------------------- the report after its cover

#: English the report printed after its cover in every language before (and prints in English now):
#: a phrase from every section, its tables, charts, notes and plan, and what a screen reader says of
#: the charts. None is a word French shares ("Intervention", "Gender Equity Mindset" are left out).
BODY_ENGLISH = (
    # the overview and the stage mix by group
    "Stage mix by",
    "likely range below (hidden groups say why)",
    "Share of respondents at each stage",
    "share of respondents",
    "hidden by the privacy rules (see the table)",
    "Everyone",
    "Apathy",
    "Energised",
    # the privacy rules' reasons on hidden rows
    "fewer than 5 people",
    "hidden so that a smaller group cannot be worked out",
    # response, non-response, policy awareness
    "Response and non-response",
    "invited answered",
    "95% interval",
    "These figures describe the men who answered",
    "a higher response rate is the way to know",
    "Policy awareness and participation",
    "Say they know the gender-equity policies",
    "Took part in at least one initiative",
    "a dash means fewer than",
    # barriers, norms and enablers: headings, charts, tables and margins
    "Barriers, norms and enablers",
    "Average agreement on the 1-5 scale",
    "Barriers and norms (1-5, higher is worse)",
    "Enablers (1-5, higher is better)",
    "Mean score (1-5) of each",
    "high values (red) are strong obstacles",
    "low values (red) are missing enablers",
    "By chance alone",
    "judged from how many men answered",
    "average per group",
    "Fear of saying the wrong thing",
    "Organisational support",
    "a group of",
    "the widest shown",
    "differ beyond chance",
    # the diagnostic questions
    "three diagnostic questions",
    "Each group answered by the same rule as the summary",
    "Answers by",
    "Do men feel safe to explore",
    "Too close to call",
    "Not known",
    # the action plan and its reasons
    "Action plan",
    "Adopted by HR",
    "Owner",
    "Status",
    "in_progress",
    "Proposed per group, in order of priority",
    "Each intervention is described where it first appears",
    "Safe spaces",
    "Confidential, facilitated sessions",
    "of the group",
    "likely between",
    "which calls for",
    "give or take",
    "suits the men at",
    "may be strong",
    "Ally circles",
    # the methods note
    "Methods note",
    "how privacy is protected",
    "Mindset Model's four stages",
    "No figure is shown for a group of fewer than",
    "comments need",
    "next-smallest groups",
    "publishes one set of figures",
    "Changes between waves are shown only",
    "Individual answers are never shown",
    "rows are hidden",
    "In plain words",
    "Wilson's, for a share",
    # Vega's own words for a screen reader
    "X-axis",
    "Y-axis",
    "Title text",
    "Symbol legend",
)


@pytest.fixture(scope="module")
def hiding(scored: pd.DataFrame) -> pd.DataFrame:
    """The frame with a team of three: hidden for its size, and another with it so it cannot be
    worked out by subtraction, so that the report says why rows are hidden."""
    frame = scored.copy()
    frame.loc[frame.index[:3], "team"] = "Tiny"
    return frame


def render_whole(frame: pd.DataFrame, language: str) -> str:
    """The report with every part the web adds: an adopted plan, response rates, policy awareness."""
    board = board_of(frame, language, plan_limit=10)
    group = next(row["group"] for row in records(board.table)[1:] if not row["suppressed"])
    board.adopted = [
        {
            "group": group,
            "intervention": "safe_spaces",
            "owner": "Ana",
            "due": "2027-01-01",
            "status": "in_progress",
        }
    ]
    board.rate = {"visible": True, "n": 200, "invited": 300, "rate": 0.66, "low": 0.6, "high": 0.7}
    board.band = {"visible": True, "high_apathy": 0.5, "low_energised": 0.1}
    return board_html(board)


def readable(page: str) -> str:
    """What a reader sees after the cover, and what a screen reader says of the charts."""
    body = page.split('<header class="cover"', 1)[1].split("</header>", 1)[1]
    labels = " ".join(html_lib.unescape(label) for label in re.findall(r'aria-label="([^"]*)"', body))
    return text_of(body) + " " + labels


def test_the_english_report_still_says_all_of_it_in_english(hiding):
    text = readable(render_whole(hiding, "en"))
    for english in BODY_ENGLISH:
        assert english in text, english


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_french_or_arabic_report_holds_no_english_after_its_cover(hiding, language):
    page = render_whole(hiding, language)
    text = readable(page)
    for english in BODY_ENGLISH:
        assert english not in text, (language, english)
    assert not re.search(r"\d\.\d", text), re.search(r".{40}\d\.\d.{40}", text)  # a decimal comma
    assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in page
    own = {
        "fr": (
            "Freins, normes et leviers",
            "moins de 5 personnes",
            "Plan d'action",
            "en cours",
            "probablement entre",
            "pour laquelle le modèle préconise",
            "Note de méthode",
            "Ensemble",
        ),
        "ar": ("العوائق والأعراف والعوامل الممكِّنة", "أقل من 5 أشخاص", "خطة العمل", "قيد التنفيذ", "الجميع"),
    }[language]
    for words in own:
        assert words in text, (language, words)
    heatmap = page.split('id="heatmap"', 1)[1].split("</svg>", 1)[0]
    assert re.search(r">\d,\d</text>", heatmap)  # the chart's cells write 3,8 as the table does


def test_a_banded_or_hidden_stage_split_is_said_in_the_reports_language():
    """The overview's two bands, a group's hidden split and the notes that name them."""
    from allypath.engines.aggregate import finish_table
    from allypath.privacy.release import plain_reason

    bands = plain_reason("bands", PrivacyPolicy())
    rows = [
        {
            "group": "everyone",
            "team": "overall",
            "n": 40,
            "split": "bands",
            "note": bands,
            "suppressed": "",
            "share_early": 0.4,
            "low_early": 0.3,
            "high_early": 0.5,
            "share_late": 0.6,
        },
        {
            "group": "Ops",
            "team": "Ops",
            "n": 20,
            "split": "hidden",
            "suppressed": "",
            "note": plain_reason("attribute", PrivacyPolicy()),
        },
        {
            "group": "Sales",
            "team": "Sales",
            "n": None,
            "split": "",
            "suppressed": "below_k",
            "note": plain_reason("below_k", PrivacyPolicy(k=5)),
        },
    ]
    english = (
        "To protect individuals",
        "the size is shown",
        "stage split",
        "Apathy or",
        "fewer than 5 people",
        "so that no one's stage can be worked out",
    )
    for language in ("en", "fr", "ar"):
        board = Board(
            title="Northwind",
            subtitle="",
            by="team",
            by_label="unit",
            policy=PrivacyPolicy(k=5),
            table=finish_table(pd.DataFrame(rows), ["team"]),
            language=language,
        )
        text = readable(board_html(board))
        for words in english:
            assert (words in text) == (language == "en"), (language, words)
        if language == "fr":
            assert "Pour l'ensemble des hommes, l'effectif est montré, mais la répartition" in text
            assert "Pour Ops, l'effectif est montré, mais pas la répartition entre les étapes" in text


@pytest.mark.parametrize("table", [BOARD_WORDS, CHART_WORDS], ids=["report", "charts"])
def test_the_report_words_have_every_key_and_field_in_every_language(table):
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    for language in ("fr", "ar"):
        assert table[language].keys() == table["en"].keys(), language
        for key, text in table["en"].items():
            assert fields(table[language][key]) == fields(text), (language, key)


def test_the_report_mirrors_in_arabic_with_logical_properties():
    """Sides are the text's start and end, never left and right: dir="rtl" puts the answer's bar and
    the tables' first column on the right (WeasyPrint 70 reads the logical properties)."""
    from pathlib import Path

    import allypath.reports

    template = (Path(allypath.reports.__file__).parent / "templates" / "board.html").read_text()
    style = template.split("<style>", 1)[1].split("</style>", 1)[0]
    physical = re.findall(
        r"(?:border|padding|margin)-(?:left|right)[\w-]*|text-align:\s*(?:left|right)", style
    )
    assert physical == []
    assert re.search(r"\.answer \{[^}]*border-inline-start: 5px solid", style)
    assert re.search(r"\.answer\.close \{[^}]*border-inline-start-style: dashed", style)
    assert "text-align: start" in style and "text-align: end" in style
