"""The methods report's "How reliably are people placed?" section: classification accuracy and
consistency of the stage placement (:mod:`allypath.stats.classification`), overall and per group,
and the split-half check of whether the model's probabilities hold up on these answers."""

from __future__ import annotations

from typing import Any

import pandas as pd

from allypath.errors import StatsError
from allypath.instrument import Instrument
from allypath.model import STAGES
from allypath.reports.charts import bar_chart, heatmap
from allypath.reports.methods import ReportTable, Section
from allypath.scoring import StageModel
from allypath.stats.classification import (
    ClassificationResult,
    classification_by_group,
    split_half_check,
)

__all__ = ["RULES", "classification_section", "rate"]

#: The verdict's rules (docs/methods.md). At accuracy .80 one man in five is placed in the wrong
#: stage; below .70, nearly one in three. Consistency runs lower than accuracy (both administrations
#: must be right, or wrong the same way), so its bars are lower.
RULES = {
    "good_accuracy": 0.80,
    "min_accuracy": 0.70,
    "good_consistency": 0.70,
    "min_consistency": 0.55,
    # The split-half check: the halves agree less than the model predicts by more than this share
    # (and by at least ``shortfall_z`` standard errors): the figures are too optimistic.
    "shortfall_caution": 0.03,
    "shortfall_problem": 0.15,
    "shortfall_z": 2.0,
}
_RANK = {"good": 0, "caution": 1, "problem": 2}
_STAGE_LABELS = [s.label.get_lang("en") for s in STAGES]


def rate(accuracy: float, consistency: float) -> str:
    """``good``, ``caution`` or ``problem`` for a pair of expected accuracy and consistency."""
    if accuracy < RULES["min_accuracy"] or consistency < RULES["min_consistency"]:
        return "problem"
    if accuracy < RULES["good_accuracy"] or consistency < RULES["good_consistency"]:
        return "caution"
    return "good"


def _worst(*statuses: str) -> str:
    return max(statuses, key=_RANK.__getitem__)


def _figures(result: ClassificationResult) -> str:
    return f"{result.accuracy:.0%} expected in the right stage, {result.consistency:.0%} the same stage again"


def classification_section(
    data: pd.DataFrame,
    scored: pd.DataFrame,
    instrument: Instrument,
    model: StageModel,
    groups: list[str],
    *,
    min_group_size: int,
) -> tuple[dict[str, Any], Section]:
    """Numbers and section. ``scored`` is ``data`` scored with ``model`` (same index)."""
    frame = scored.assign(**{g: data[g] for g in groups})
    results = classification_by_group(frame, groups, min_size=min_group_size)
    overall: ClassificationResult = results["overall"]
    numbers: dict[str, Any] = {
        "model": model.label,
        "overall": overall.to_dict(),
        "groups": {
            column: {k: v.to_dict() if isinstance(v, ClassificationResult) else v for k, v in per.items()}
            for column, per in results["groups"].items()
        },
        "rules": dict(RULES),
    }
    status = rate(overall.accuracy, overall.consistency)
    # The opening sentence is chosen last, from the final status: the per-group and split-half checks
    # below can make it worse, and the headline (the first sentence) must not call it reliable then.
    sentences: list[str] = []
    weak, small = [], []
    for column, per in results["groups"].items():
        for label, result in per.items():
            if not isinstance(result, ClassificationResult):
                small.append(f"{column} {label} ({result['n']})")
                continue
            group_status = rate(result.accuracy, result.consistency)
            if group_status != "good":
                weak.append(f"{column} {label} ({_figures(result)})")
                status = _worst(status, group_status)
    if weak:
        sentences.append(
            f"Placement is less reliable in {'; '.join(weak)}: read those groups' stages with more care."
        )
    elif results["groups"]:
        sentences.append(
            f"It is about as reliable in every group of {min_group_size} or more placed respondents "
            f"({', '.join(results['groups'])})."
        )
    if small:
        sentences.append(f"Too few placed respondents to judge: {', '.join(small)}.")
    try:
        check = split_half_check(data, instrument=instrument, model=model)
    except StatsError as exc:
        numbers["split_half"] = {"skipped": str(exc)}
        sentences.append(f"The split-half check could not run ({exc}).")
    else:
        numbers["split_half"] = check.to_dict()
        sentence, check_status = _split_half_sentence(
            check.observed, check.predicted, check.shortfall, check.z
        )
        sentences.append(sentence)
        status = _worst(status, check_status)
    sentences.insert(0, _overall_sentence(overall, status))
    tables, charts = _tables_and_charts(overall, results["groups"])
    method = (
        "From the stage probabilities of every placed respondent (Rudner 2001, 2005, for latent classes): "
        "expected accuracy is the mean top probability; expected consistency is, per person, the "
        "chance that answering again would place him in the stage he has now (averaged), kappa that "
        "chance corrected for luck. Overall and per group "
        f"(groups under {min_group_size} placed respondents are not judged). The figures assume the "
        "model's probabilities are right, so a split-half check tests that: the stage items are split "
        "into two halves covering every stage, each half places everyone, and the agreement observed "
        "between the halves is compared with the agreement the model predicts. Verdict: good at "
        f"accuracy {RULES['good_accuracy']:.2f} and consistency {RULES['good_consistency']:.2f} or more "
        "overall and in every group; problem below "
        f"{RULES['min_accuracy']:.2f} or {RULES['min_consistency']:.2f}; otherwise caution; and caution "
        f"(problem) when the halves agree less than predicted by more than {RULES['shortfall_caution']:.2f} "
        f"({RULES['shortfall_problem']:.2f}) and z <= -{RULES['shortfall_z']:.0f}."
    )
    section = Section(
        "classification",
        "How reliably are people placed?",
        " ".join(sentences),
        status,
        method,
        tables,
        charts,
    )
    return numbers, section


def _overall_sentence(result: ClassificationResult, status: str) -> str:
    lead = {
        "good": "Stage placement is reliable.",
        "caution": "Stage placement is only moderately reliable: read a person's stage as a best guess "
        "(his probabilities say how sure it is) and group stage mixes as estimates.",
        "problem": "Stage placement is not reliable enough to act on individual stages; use group "
        "stage mixes and the developmental index instead.",
    }[status]
    return (
        f"{lead} Over the {result.n:,} placed respondents, about {result.accuracy:.0%} are expected to be in "
        f"the stage they are given; if a man answered again, the chance that he would land on the same "
        f"stage is {result.consistency:.0%} (kappa {result.kappa:.2f}, which discounts agreement by luck)."
    )


def _split_half_sentence(observed: float, predicted: float, shortfall: float, z: float) -> tuple[str, str]:
    halves = (
        f"two halves of the questionnaire place {observed:.0%} of people in the same stage, where the "
        f"model predicts {predicted:.0%}"
    )
    if z > -RULES["shortfall_z"] or shortfall <= RULES["shortfall_caution"]:
        return f"The model's probabilities hold up on these answers: {halves}.", "good"
    status = "problem" if shortfall > RULES["shortfall_problem"] else "caution"
    return (
        f"But the model is surer than the answers bear out: {halves} (z = {z:.1f}), so the real "
        "accuracy and consistency are lower than the figures above. See 'Stages or a continuum?'; "
        "if the stages hold, calibrate the model on these data (allypath calibrate).",
        status,
    )


def _tables_and_charts(overall: ClassificationResult, groups: dict[str, Any]) -> tuple[list, list]:
    rows = [
        [
            "all",
            "all",
            overall.n,
            overall.accuracy,
            overall.consistency,
            overall.kappa,
            rate(overall.accuracy, overall.consistency),
        ]
    ]
    for column, per in groups.items():
        for label, result in per.items():
            if isinstance(result, ClassificationResult):
                rating = rate(result.accuracy, result.consistency)
                rows.append(
                    [column, label, result.n, result.accuracy, result.consistency, result.kappa, rating]
                )
            else:
                rows.append([column, label, result["n"], None, None, None, "too small"])
    table = ReportTable(
        "Classification accuracy and consistency",
        ["grouping", "group", "placed", "accuracy", "consistency", "kappa", "rating"],
        rows,
    )
    stage_rows = [
        [_STAGE_LABELS[int(s["stage"]) - 1], round(s["expected_n"]), s["accuracy"], s["consistency"]]
        for s in overall.by_stage
    ]
    by_stage = ReportTable(
        "By true stage (all placed respondents)",
        ["true stage", "expected respondents", "accuracy", "consistency"],
        stage_rows,
    )
    shown = [r for r in rows if r[3] is not None]
    bars = pd.DataFrame(
        [
            (f"{r[0]}: {r[1]}" if r[0] != "all" else "all", name, r[i])
            for r in shown
            for name, i in (("accuracy", 3), ("consistency", 4))
        ],
        columns=["group", "measure", "expected"],
    )
    confusion = overall.confusion
    share = confusion / confusion.sum(axis=1, keepdims=True)
    grid = pd.DataFrame(
        [(_STAGE_LABELS[t], _STAGE_LABELS[a], float(share[t, a])) for t in range(4) for a in range(4)],
        columns=["true stage", "placed in", "share"],
    )
    charts = [
        bar_chart(
            bars,
            x="expected",
            y="group",
            color="measure",
            title="Expected accuracy and consistency of the stage placement",
            description="Expected share placed in the right stage (accuracy) and chance of the same stage "
            "on answering again (consistency), overall and per group; the dashed line marks .80.",
            domain=(0.0, 1.0),
            rule=RULES["good_accuracy"],
            rule_label=".80",
            y_title="",
            bar_height=10,
        ),
        heatmap(
            grid,
            x="placed in",
            y="true stage",
            value="share",
            title="Where people at each true stage are expected to be placed",
            description="Expected share of the respondents at each true stage (rows) placed in each stage "
            "(columns), from the stage probabilities; the diagonal is the accuracy per stage.",
            domain=(0.0, 1.0),
            colors=("#f7f7f7", "#92c5de", "#0b5cad"),
            label_threshold=0.5,
            cell_size=60,
        ),
    ]
    return [table, by_stage], charts
