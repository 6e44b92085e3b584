"""The methods report's confirmatory sections: the CFA of the stage scales and of barriers, norms and
enablers, and measurement invariance across groups (docs/methods.md). Each returns ``(numbers,
Section)`` as the other sections do; :func:`allypath.reports.methods.methods_report` collects them."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pandas as pd

from allypath.errors import StatsError
from allypath.instrument import Instrument, load_instrument
from allypath.reports.charts import Chart, bar_chart, heatmap, line_chart
from allypath.reports.labels import construct_name, item_name
from allypath.reports.methods import (
    FIT_INDEX_GLOSS,
    FIT_LEVELS,
    ReportTable,
    Section,
    _context_model,
    _some,
    plain_header,
    stage_cfa_model,
)
from allypath.stats import SEMResult, cfa, measurement_invariance
from allypath.stats._admissible import improper_reasons
from allypath.stats.fit_indices import fit_rating

__all__ = ["cfa_section", "invariance_section"]


_FIT_KEYS = ("ntotal", "chisq", "df", "pvalue", "cfi", "tli", "rmsea", "srmr", "aic", "bic")
_FIT_HEADERS = [plain_header(k) for k in _FIT_KEYS]


_RATING_WORDS = {"good": "well", "acceptable": "acceptably", "poor": "poorly"}
_STATUS_RANK = {"good": 0, "caution": 1, "problem": 2}
_NAMES = {"stages": "the four stage scales", "barriers_norms_enablers": "barriers, norms and enablers"}


def _worse(a: str, b: str) -> str:
    return a if _STATUS_RANK[a] >= _STATUS_RANK[b] else b


def _people_names(instrument: Instrument, variables: list[str]) -> dict[str, str]:
    """What a verdict calls a model's factors (their labels) and items (their questions)."""
    names = {}
    for variable in variables:
        if any(c.id == variable for c in instrument.constructs):
            names[variable] = construct_name(instrument, variable)
        elif any(i.id == variable for i in instrument.items):
            names[variable] = item_name(instrument, variable, 40)
    return names


def _one_cfa(
    key: str, syntax: str, items: pd.DataFrame, left_out: list[str], instrument: Instrument | None = None
) -> tuple[dict, str, str, list]:
    """Fit one CFA; its numbers, a verdict sentence, a status and its charts and tables. Factors and
    items are named as ``instrument`` (default: the packaged one) calls them."""
    instrument = instrument or load_instrument()
    name = _NAMES[key]
    try:
        result = cfa(items, syntax)
    except StatsError as exc:
        return (
            {"model": syntax, "skipped": str(exc)},
            f"The model of {name} could not be fitted: {exc}.",
            "caution",
            [],
        )
    fit = {k: float(result.fit[k]) for k in _FIT_KEYS}
    if not result.proper:
        return _improper_cfa(name, syntax, result, fit, left_out, instrument)
    est = result.estimates
    loads = est[est["op"] == "=~"]
    covs = est[(est["op"] == "~~") & est["lhs"].isin(loads["lhs"]) & (est["lhs"] != est["rhs"])]
    rating = fit_rating(fit)
    pairs = list(
        zip(covs["lhs"].astype(str), covs["rhs"].astype(str), covs["std_all"].astype(float), strict=True)
    )
    correlations = {f"{a} ~~ {b}": r for a, b, r in pairs}
    numbers = {
        "model": syntax,
        "fit": fit,
        "rating": rating,
        "std_loadings": dict(zip(loads["rhs"].astype(str), loads["std_all"].astype(float), strict=True)),
        "factor_correlations": correlations,
        "warnings": list(result.warnings),
        "left_out": left_out,
    }
    status = {"good": "good", "acceptable": "caution", "poor": "problem" if key == "stages" else "caution"}[
        rating
    ]
    sentence = (
        f"The model of {name} fits {_RATING_WORDS[rating]} (CFI {fit['cfi']:.3f}, RMSEA {fit['rmsea']:.3f}, "
        f"SRMR {fit['srmr']:.3f}; {int(fit['ntotal']):,} complete responses)."
    )
    # Correlations of 1 or more are inadmissible; from .95 either way two factors cannot be told apart:
    # positive, they measure the same thing; negative, they are the two ends of one dimension.
    named = [
        (f"{construct_name(instrument, a)} and {construct_name(instrument, b)}, r = {r:.2f}", r)
        for a, b, r in pairs
    ]
    same = [pair for pair, r in named if r >= 0.95]
    opposite = [pair for pair, r in named if r <= -0.95]
    if same:
        sentence += (
            f" But {len(same)} factor pair(s) correlate at .95 or more ({_some(same, 3, '; ')}): those "
            "scales measure the same thing here, so report them together, not as separate findings."
        )
    if opposite:
        sentence += (
            f" {'And' if same else 'But'} {len(opposite)} factor pair(s) correlate at -.95 or below "
            f"({_some(opposite, 3, '; ')}): each pair is one dimension seen from its two ends here, not "
            "two separate scales, so report it as one."
        )
    if same or opposite:
        status = _worse(status, "caution")
    # Charts name factors by their labels; the items keep their ids (too long as questions on an axis).
    factors = list(dict.fromkeys(loads["lhs"].astype(str)))
    label = {f: construct_name(instrument, f) for f in factors}
    tidy = pd.DataFrame(
        {
            "item": loads["rhs"].astype(str).to_numpy(),
            "factor": loads["lhs"].astype(str).map(label).to_numpy(),
            "standardised loading": loads["std_all"].astype(float).to_numpy(),
        }
    )
    charts: list[Any] = [
        ReportTable(f"Fit: {name}", _FIT_HEADERS, [[_whole(k, fit[k]) for k in _FIT_KEYS]]),
        bar_chart(
            tidy,
            x="standardised loading",
            y="item",
            color="factor",
            dodge=False,
            title=f"Standardised loadings: {name}",
            description=f"Standardised CFA loadings of each item on its factor ({name}); dashed line at .40.",
            rule=0.4,
            rule_label=".40",
            y_title="",
            bar_height=12,
        ),
    ]
    if correlations:
        lookup = {(a, b): r for a, b, r in pairs}
        grid = pd.DataFrame(
            [
                (label[a], label[b], 1.0 if a == b else lookup.get((a, b), lookup.get((b, a), math.nan)))
                for a in factors
                for b in factors
            ],
            columns=["factor", "with", "correlation"],
        )
        charts.append(
            heatmap(
                grid,
                x="with",
                y="factor",
                value="correlation",
                title=f"Factor correlations: {name}",
                description=f"Correlations between the latent factors ({name}); .95 or more means two "
                "factors "
                "cannot be told apart.",
                label_threshold=0.95,
                cell_size=40,
            )
        )
    return numbers, sentence, status, charts


def _improper_cfa(
    name: str,
    syntax: str,
    result: SEMResult,
    fit: dict[str, float],
    left_out: list[str],
    instrument: Instrument,
) -> tuple[dict, str, str, list]:
    """An inadmissible solution: its fit indices describe an impossible model, so no rating."""
    numbers = {
        "model": syntax,
        "fit": fit,
        "rating": "improper",
        "improper": list(result.improper),
        "warnings": list(result.warnings),
        "left_out": left_out,
    }
    est = result.estimates
    factors = list(dict.fromkeys(est.loc[est["op"] == "=~", "lhs"].astype(str)))
    variables = list(dict.fromkeys([*factors, *est["rhs"].astype(str), *est["lhs"].astype(str)]))
    reasons = improper_reasons(est, factors, _people_names(instrument, variables)) or list(result.improper)
    sentence = (
        f"The model of {name} has an improper solution, estimates no real population can have "
        f"({_some(reasons, 3, '; ')}), so its fit "
        f"indices (CFI {fit['cfi']:.3f}, RMSEA {fit['rmsea']:.3f}) do not show that it fits: these "
        "scales may not measure separate things here, or may measure little at all (see their "
        "reliability); do not report them as separate findings until that is settled."
    )
    row = [_whole(k, fit[k]) for k in _FIT_KEYS]
    table = ReportTable(f"Fit: {name} (improper solution)", _FIT_HEADERS, [row])
    return numbers, sentence, "problem", [table]


def _whole(key: str, value: float) -> float | int:
    """Counts (df, N, parameters) print as whole numbers."""
    return int(value) if key in ("df", "ntotal", "npar", "n") and math.isfinite(value) else value


def cfa_section(scored_items: pd.DataFrame, instrument: Instrument) -> tuple[dict, Section]:
    numbers: dict[str, Any] = {}
    tables: list[ReportTable] = []
    charts: list[Chart] = []
    sentences = []
    context_model, left_out = _context_model(instrument, scored_items.columns)
    models = {"stages": stage_cfa_model(instrument, list(scored_items.columns))}
    if context_model.count("=~") >= 2:
        models["barriers_norms_enablers"] = context_model
    else:
        numbers["barriers_norms_enablers"] = {"skipped": "fewer than two barrier/norm/enabler scales present"}
    status = "good"
    stage_status = "good"
    for key, syntax in models.items():
        part, sentence, part_status, pieces = _one_cfa(
            key, syntax, scored_items, left_out if key != "stages" else [], instrument
        )
        numbers[key] = part
        sentences.append(sentence)
        status = _worse(status, part_status)
        if key == "stages":
            stage_status = part_status
        tables += [p for p in pieces if isinstance(p, ReportTable)]
        charts += [p for p in pieces if isinstance(p, Chart)]
    # The advice is about the stage scales; the other model's sentence says what its own result means.
    advice = {
        "good": "The stage scales' structure holds: their scores can be used as designed.",
        "caution": "The stage structure roughly holds; treat fine distinctions between neighbouring "
        "scales with care.",
        "problem": "The stage structure is not supported: rely on the stage probabilities, not on "
        "single scale scores.",
    }[stage_status]
    if "skipped" in numbers["stages"]:
        advice = (
            "The stage structure could not be checked on these data: rely on the stage probabilities, "
            "not on single scale scores."
        )
    verdict = " ".join(sentences) + " " + advice
    method = (
        "Maximum-likelihood CFA (lavaan conventions), reverse-keyed items reversed, listwise deletion; "
        "factors correlate freely and the first loading of each is fixed at 1. Cut-offs: CFI >= .95, "
        "RMSEA <= .06, SRMR <= .08 good; CFI >= .90, RMSEA <= .08, SRMR <= .10 acceptable "
        "(Hu & Bentler 1999). " + FIT_INDEX_GLOSS
    )
    return numbers, Section("cfa", "Confirmatory factor analysis", verdict, status, method, tables, charts)


_INVARIANCE_HEADERS = [
    plain_header(k) for k in ("chisq", "df", "cfi", "rmsea", "srmr", "delta_cfi", "delta_rmsea")
]
_LEVEL_ADVICE = {
    None: "not even the same structure holds in every group: do not compare these groups on the scales",
    "configural": "the same structure holds, but compare neither averages nor relations across these groups",
    "metric": "compare relations between scales across these groups, but not their averages",
    "scalar": "compare scale averages and stage mixes across these groups",
    "strict": "compare scale averages and observed scores across these groups",
}
# Configural improper: the data were not shown to lack a common structure; the model could not say.
_IMPROPER_CONFIGURAL = (
    "whether the same structure holds is not known, because the model could not be estimated properly"
    " in every group (an improper solution: a negative variance or a correlation beyond 1 or -1): do not"
    " compare these groups on the scales yet"
)


def invariance_section(
    data: pd.DataFrame,
    scored_items: pd.DataFrame,
    instrument: Instrument,
    groups: list[str],
    min_size: int,
    progress: Callable[[str], None],
) -> tuple[dict, Section]:
    model = stage_cfa_model(instrument, list(scored_items.columns))
    observed = [i for line in model.splitlines() for i in line.split("=~")[1].split("+")]
    observed = [i.strip() for i in observed]
    complete = scored_items[observed].notna().all(axis=1)
    numbers: dict[str, Any] = {}
    rows, tables, sentences = [], [], []
    status = "good"
    for column in groups:
        progress(f"invariance across {column}")
        labels = data[column].astype("string")
        sizes = labels[complete].value_counts(dropna=True)
        kept = sorted(str(k) for k, v in sizes.items() if v >= min_size)
        dropped = sorted(str(k) for k, v in sizes.items() if v < min_size)
        if len(kept) < 2:
            numbers[column] = {
                "skipped": f"fewer than two groups with at least {min_size} complete responses",
                "groups": {str(k): int(v) for k, v in sizes.items()},
            }
            sentences.append(
                f"{column}: not tested (fewer than two groups of {min_size}+ complete responses)."
            )
            continue
        subset = scored_items[observed].assign(**{column: labels}).loc[labels.isin(kept)]
        try:
            result = measurement_invariance(subset, model, column, FIT_LEVELS)
        except StatsError as exc:
            numbers[column] = {"skipped": str(exc)}
            sentences.append(f"{column}: could not be tested ({exc}).")
            status = "caution"
            continue
        payload = result.to_dict()
        payload["groups"] = {k: int(sizes[k]) for k in kept}
        payload["dropped_groups"] = dropped
        numbers[column] = payload
        level = result.supported_level
        improper = level is None and payload["levels"][0]["status"] == "improper"
        advice = _IMPROPER_CONFIGURAL if improper else _LEVEL_ADVICE[level]
        left_out = (
            f" ({', '.join(dropped)} left out: fewer than {min_size} complete responses)" if dropped else ""
        )
        sentences.append(f"Across {column} ({', '.join(kept)}): {advice}{left_out}.")
        if level not in ("scalar", "strict"):
            status = "caution"
        for record in payload["levels"]:
            rows.append({"grouping": column, "level": record["level"], "CFI": record["cfi"]})
        tables.append(
            ReportTable(
                f"Invariance across {column}",
                ["level", *_INVARIANCE_HEADERS, "result"],
                [
                    [
                        r["level"],
                        r["chisq"],
                        _whole("df", r["df"]),
                        r["cfi"],
                        r["rmsea"],
                        r["srmr"],
                        r["delta_cfi"],
                        r["delta_rmsea"],
                        r["status"],  # holds / fails / improper / not tested (after a failure)
                    ]
                    for r in payload["levels"]
                ],
            )
        )
    if not groups:
        return {}, Section(
            "invariance",
            "Measurement invariance",
            "No group columns (org, language, region) in the data.",
            "skipped",
        )
    charts = (
        [
            line_chart(
                pd.DataFrame(rows),
                x="level",
                y="CFI",
                color="grouping",
                title="CFI across invariance levels",
                value_format=".3f",
                description="CFI of each invariance level per grouping; a drop of more than .01 from one "
                "level "
                "to the next means that level does not hold.",
            )
        ]
        if rows
        else []
    )
    tested = [c for c in groups if "levels" in numbers.get(c, {})]
    verdict = " ".join(sentences)
    if not tested:
        status = "skipped"
    method = (
        "Multigroup CFA of the stage model per grouping (groups with at least "
        f"{min_size} complete responses): configural, metric (equal loadings), scalar (+ intercepts), strict "
        "(+ residuals). A level holds when CFI drops by at most .010 and RMSEA rises by at most .015 "
        "(Chen 2007). " + FIT_INDEX_GLOSS
    )
    return numbers, Section("invariance", "Measurement invariance", verdict, status, method, tables, charts)
