"""Colour on the pages and in the dashboard's charts (WCAG 2.2 AA).

The stage-mix bars use colour-blind-safe colours; Okabe-Ito's orange and sky blue were nearly as light
as each other (1.02:1) and as the white page (about 2.3:1), so for anyone who does not see hue the
segments ran together and only colour said which stage is which (1.4.1, 1.4.11). Each segment now has
a white edge, the chart's description names the stages in the order the segments run, and every stage
colour reaches 3:1 against white. The contrast ratios of the colours app.css sets are computed here from
the CSS itself, so a new colour cannot fall below 4.5:1 for text or 3:1 for borders and focus rings.
A line chart names each line at its end in the line's colour, darkened where the colour is too light to
be read as text (Okabe-Ito's orange, sky blue, grey, pink, green and vermillion are 2.3-3.9:1): every
text of the chart, those names included, reaches 4.5:1 on the white page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from allypath.reports.board_charts import stage_mix_chart
from allypath.reports.charts import GROUP_COLORS, STAGE_COLORS, line_chart

CSS = Path(__file__).resolve().parents[2] / "src" / "allypath" / "web" / "static" / "allypath" / "app.css"


def _luminance(colour: str) -> float:
    digits = colour.lstrip("#")
    if len(digits) == 3:  # #rgb, as Vega writes black
        digits = "".join(d * 2 for d in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_contrast_formula_gives_wcags_known_ratios() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_the_colours_of_app_css_are_readable_on_its_backgrounds() -> None:
    root = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", CSS.read_text(encoding="utf-8")))
    for text in ("ink", "soft-ink", "accent", "error"):
        for background in ("paper", "tint"):
            assert contrast(root[text], root[background]) >= 4.5, (text, background)
    assert contrast(root["accent-ink"], root["accent"]) >= 4.5  # a primary button's label
    for edge in ("line", "focus"):  # input borders and the focus ring (non-text, 1.4.11)
        assert contrast(root[edge], root["paper"]) >= 3, edge
        assert contrast(root[edge], root["tint"]) >= 3, edge


@pytest.mark.parametrize(
    ("language", "reads"),
    [
        ("en", "Each bar reads from the left: Apathy, Ambivalence, Reflective, Energised."),
        ("fr", "Chaque barre se lit de gauche à droite\u00a0: Apathy, Ambivalence, Reflective, Energised."),
        ("ar", "يُقرأ كل شريط من اليسار إلى اليمين: Apathy، Ambivalence، Reflective، Energised."),
    ],
)
def test_stage_mix_segments_are_told_apart_without_colour(language: str, reads: str) -> None:
    rows = pd.DataFrame(
        [
            {
                "group": g,
                "visible": True,
                "share_apathy": 0.1,
                "share_ambivalence": 0.4,
                "share_reflective": 0.3,
                "share_energised": 0.2,
            }
            for g in ("Sales", "Legal")
        ]
    )
    chart = stage_mix_chart(rows, title="Stage mix", language=language)
    assert chart is not None
    assert reads in chart.description
    bars = re.findall(r'<path[^>]*aria-roledescription="bar"[^>]*>', chart.svg)
    assert len(bars) == 8
    assert all('stroke="#ffffff"' in bar for bar in bars)  # a white edge between neighbours


def test_each_stage_colour_stands_out_from_the_white_page_and_edges() -> None:
    """Non-text contrast (1.4.11): a segment must be seen against the page and its white edges."""
    ratios = {colour: round(contrast(colour, "#ffffff"), 2) for colour in STAGE_COLORS}
    assert all(ratio >= 3 for ratio in ratios.values()), ratios
    assert len(set(STAGE_COLORS)) == 4


def _line_chart_texts(
    groups: int, colors: list[str] | None = None
) -> tuple[list[str], list[tuple[str, str]]]:
    """Every text colour of a line chart of ``groups`` lines, and (colour, text) of each line's name."""
    rows = pd.DataFrame(
        [{"group": f"Unit {i}", "wave": w, "index": 40 + i + w} for i in range(groups) for w in (1, 2)]
    )
    chart = line_chart(
        rows, x="wave", y="index", color="group", colors=colors, title="Index", value_format=".0f"
    )
    fills = re.findall(r'<text[^>]*fill="(#[0-9a-fA-F]{3,6})"', chart.svg)
    names = re.findall(r'<text[^>]*fill="(#[0-9a-fA-F]{3,6})"[^>]*>(Unit \d+: \d+)</text>', chart.svg)
    assert len(names) == groups
    return fills, names


@pytest.mark.parametrize(
    ("groups", "colors"),
    [(8, None), (3, None), (12, None), (2, ["#F0E442", "#56B4E9"])],  # Okabe-Ito; tableau20; yellow too
)
def test_every_text_of_a_line_chart_reaches_4_5_to_1_its_line_names_included(
    groups: int, colors: list[str] | None
) -> None:
    """Text contrast (1.4.3): a line's name at its end is text, whatever its line's colour."""
    fills, _ = _line_chart_texts(groups, colors)  # the names are among the texts
    low = {
        colour: round(contrast(colour, "#ffffff"), 2) for colour in fills if contrast(colour, "#ffffff") < 4.5
    }
    assert low == {}


def test_each_line_is_named_in_its_own_colour_darkened_only_as_far_as_needed() -> None:
    from allypath.reports.charts import GROUP_LABEL_COLORS

    assert all(contrast(colour, "#ffffff") >= 4.5 for colour in GROUP_LABEL_COLORS), GROUP_LABEL_COLORS
    for line, label in zip(GROUP_COLORS, GROUP_LABEL_COLORS, strict=True):
        if contrast(line, "#ffffff") >= 4.5:
            assert label == line  # black and blue are kept
        else:  # the same hue, darker: each channel scaled by one factor, and still light enough to tell
            assert 4.5 <= contrast(label, "#ffffff") < 5.0, (line, label)
            ratios = [
                int(label[i : i + 2], 16) / int(line[i : i + 2], 16)
                for i in (1, 3, 5)
                if int(line[i : i + 2], 16) > 40
            ]
            assert max(ratios) - min(ratios) < 0.03, (line, label)
    _, names = _line_chart_texts(8)
    assert [colour.upper() for colour, _ in names] == list(GROUP_LABEL_COLORS)  # the n-th line's colour
