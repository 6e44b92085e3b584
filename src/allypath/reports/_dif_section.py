"""The methods report's "Do items work the same across languages and organisations?" section:
differential item functioning of the scoring model's items (:func:`allypath.stats.item_dif`)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from allypath.errors import StatsError
from allypath.instrument import Instrument
from allypath.reports.charts import heatmap
from allypath.reports.methods import ReportTable, Section
from allypath.scoring import StageModel
from allypath.stats.dif import DIF_BANDS, MAX_PER_GROUP, DIFResult, ItemDIF, item_dif

__all__ = ["PROBLEM_SHARE", "dif_section"]

#: A grouping is a problem when at least this share of the items is flagged: then the stage
#: placement itself, not one question, differs between the groups. Fewer flagged items: caution.
PROBLEM_SHARE = 0.10
#: Items shown per grouping in the table: every flagged item and at least this many of the largest.
SHOWN = 5
_RANK = {"good": 0, "caution": 1, "problem": 2}
_TITLE = "Do items work the same across languages and organisations?"


def dif_section(
    data: pd.DataFrame,
    instrument: Instrument,
    model: StageModel,
    groups: list[str],
    *,
    min_group_size: int,
    seed: int,
) -> tuple[dict[str, Any], Section]:
    """DIF across every grouping column in ``groups``; numbers and section."""
    numbers: dict[str, Any] = {}
    results: dict[str, DIFResult] = {}
    sentences = []
    status = "good"
    for column in groups:
        try:
            result = item_dif(
                data, column, instrument=instrument, model=model, min_group_size=min_group_size, seed=seed
            )
        except StatsError as exc:
            numbers[column] = {"skipped": str(exc)}
            sentences.append(f"Across {column}: not tested ({exc}).")
            continue
        numbers[column] = result.to_dict()
        results[column] = result
        sentence, column_status = _sentence(result, instrument)
        sentences.append(sentence)
        status = max(status, column_status, key=_RANK.__getitem__)
    if not results:
        status = "skipped"
        if not groups:
            sentences = ["No group columns (org, language, region) in the data."]
    method = (
        "For each stage and context item in turn, an anchored likelihood-ratio test on the scoring model "
        f"({model.label}): every other item keeps the model's parameters in all groups, each group has its "
        "own stage mix, and the item's offset (how easy it is to agree with) is either the same for all "
        "groups or free per group (uniform DIF; chi-square with groups - 1 df, Benjamini-Hochberg adjusted "
        "over the items). Effect size: the largest difference in expected answer, on the 1-5 scale, "
        "between two groups at the same stage: negligible below "
        f"{DIF_BANDS['moderate']:.2f}, moderate to {DIF_BANDS['large']:.2f}, large above. An item is flagged "
        "when it is significant (adjusted p < .05) and at least moderate; flagged items are freed in the "
        "anchors and every item tested again (one round of purification). Groups need "
        f"{min_group_size} placed respondents; larger groups are subsampled at random to "
        f"{MAX_PER_GROUP:,} (seed {seed}). Verdict: good when no item is flagged; caution when some are; "
        f"problem when {PROBLEM_SHARE:.0%} or more of the items are flagged in a grouping."
    )
    tables = [_table(column, result, instrument) for column, result in results.items()]
    charts = [_chart(results)] if results else []
    return numbers, Section("dif", _TITLE, " ".join(sentences), status, method, tables, charts)


def _statement(instrument: Instrument, item: str, limit: int = 70) -> str:
    text = instrument.item(item).text.get_lang("en")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _sentence(result: DIFResult, instrument: Instrument) -> tuple[str, str]:
    tested = ", ".join(f"{k} {v:,}" for k, v in result.groups.items())
    head = f"Across {result.group} ({tested})"
    if result.too_small:
        head += f"; too small to test: {', '.join(f'{k} ({v})' for k, v in result.too_small.items())}"
    flagged = result.flagged
    largest = max(result.items, key=lambda i: i.effect)
    if not flagged:
        return (
            f"{head}: no item works differently; the largest difference between groups at the same stage is "
            f"{largest.effect:.2f} of a scale point, on “{_statement(instrument, largest.item)}” "
            f"({largest.item}), so stage mixes can be compared.",
            "good",
        )
    described = [
        f"“{_statement(instrument, i.item)}” ({i.item}), where {i.agrees_more} agree more than "
        f"{i.agrees_less} by {i.effect:.2f} of a point at the same stage ({i.size})"
        for i in sorted(flagged, key=lambda i: -i.effect)
    ]
    problem = len(flagged) >= PROBLEM_SHARE * len(result.items)
    advice = (
        "so many that the stage placement itself may differ between these groups: do not compare their "
        "stage mixes until the items are reviewed (translation, wording, local meaning)."
        if problem
        else "review their translation or wording; these items shift a placement only a little, so stage "
        "mixes can still be compared with care."
    )
    return (
        f"{head}: {len(flagged)} of {len(result.items)} items work differently — "
        f"{'; '.join(described)} — {advice}",
        "problem" if problem else "caution",
    )


def _table(column: str, result: DIFResult, instrument: Instrument) -> ReportTable:
    largest = sorted(result.items, key=lambda i: -i.effect)
    shown: list[ItemDIF] = [i for i in largest if i.flagged] + [i for i in largest if not i.flagged][:SHOWN]
    rows = [
        [
            i.item,
            _statement(instrument, i.item, 50),
            i.effect,
            i.effect_stage,
            i.agrees_more,
            i.agrees_less,
            i.lr,
            i.p_adjusted,
            i.size,
            i.flagged,
        ]
        for i in shown
    ]
    return ReportTable(
        f"DIF across {column}: flagged items and the {SHOWN} largest others",
        [
            "item",
            "statement",
            "effect",
            "at stage",
            "agrees more",
            "agrees less",
            "LR chi-square",
            "p adjusted",
            "size",
            "flagged",
        ],
        rows,
        digits=2,
    )


def _chart(results: dict[str, DIFResult]) -> Any:
    grid = pd.DataFrame(
        [(column, i.item, i.effect) for column, result in results.items() for i in result.items],
        columns=["grouping", "item", "effect"],
    )
    return heatmap(
        grid,
        x="grouping",
        y="item",
        value="effect",
        title="DIF effect per item",
        description="Largest difference in expected answer (1-5 scale) between two groups at the same stage, "
        f"per item and grouping; bold: {DIF_BANDS['moderate']:.2f} or more (at least moderate).",
        domain=(0.0, 1.0),
        colors=("#f7f7f7", "#f4a582", "#b2182b"),
        label_threshold=DIF_BANDS["moderate"],
        cell_size=70,
    )
