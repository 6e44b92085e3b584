"""The methods report: does the instrument measure what it claims, on these data? (docs/methods.md)

:func:`methods_report` runs the psychometrics of :mod:`allypath.stats` on a wide response table and
collects, per section, the numbers (``report.data``, JSON-ready, the same values the ``stats``
functions return), tables, charts and a plain-language verdict someone who is not a statistician
can act on. ``write_html`` / ``write_pdf`` render it (one template; the PDF embeds the same SVG).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from allypath.errors import StatsError
from allypath.instrument import Construct, Instrument, load_instrument
from allypath.model import STAGES
from allypath.reports.charts import STAGE_COLORS, Chart, bar_chart, heatmap, line_chart, stacked_bar_chart
from allypath.scoring import PROBABILITY_COLUMNS, StageModel, choose_form, load_stage_model, score
from allypath.stats import (
    CalibrationResult,
    FactorAnalysis,
    SEMResult,
    bartlett_sphericity,
    cfa,
    compare_latent,
    cronbach_alpha,
    kmo,
    measurement_invariance,
    parallel_analysis,
    stages_vs_continuum,
)
from allypath.stats import calibrate as fit_calibration
from allypath.stats._correlation import single_threaded_blas

__all__ = ["MethodsReport", "ReportTable", "Section", "methods_report", "stage_cfa_model"]

Progress = Callable[[str, int, int], None]
STAGE_LABELS = [s.label.get_lang("en") for s in STAGES]
# Latent profile starts: the profiles of 4 well-separated scale scores replicate from a couple of
# k-means starts; more only costs time on 5,000 rows (measured: 2 starts, 6 models in about 2 s).
LATENT_STARTS = 2
PARALLEL_ITERATIONS = 20
FIT_LEVELS = ("configural", "metric", "scalar", "strict")


@dataclass(frozen=True)
class ReportTable:
    """A table of the report: a title, column names and rows of plain values."""

    title: str
    columns: list[str]
    rows: list[list[Any]]
    digits: int = 3


@dataclass
class Section:
    """One section: its numbers live in ``MethodsReport.data[key]``."""

    key: str
    title: str
    verdict: str
    status: str  # "good", "caution", "problem", "info" or "skipped"
    method: str = ""
    tables: list[ReportTable] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


@dataclass
class MethodsReport:
    """The rendered-ready methods report.

    Attributes
    ----------
    data : dict
        Every number per section key (``sample``, ``items``, ``reliability``, ``efa``, ``cfa``,
        ``invariance``, ``dif``, ``structure``, ``classification``, ``latent``, ``calibration``),
        JSON-ready.
    sections : list of Section
    meta : dict
        Title, date, instrument and scoring-model labels, row count.
    """

    data: dict[str, Any]
    sections: list[Section]
    meta: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """The numbers and the verdicts (JSON-ready)."""
        return {
            "meta": self.meta,
            "data": self.data,
            "verdicts": {s.key: {"status": s.status, "verdict": s.verdict} for s in self.sections},
        }

    def headlines(self) -> list[str]:
        """The first sentence of each section's verdict."""
        return [f"{s.title}: {s.verdict.split('. ')[0].rstrip('.')}." for s in self.sections]

    def to_html(self) -> str:
        """The report as one self-contained HTML page (charts inline as SVG)."""
        import jinja2

        env = jinja2.Environment(
            loader=jinja2.PackageLoader("allypath.reports", "templates"),
            autoescape=jinja2.select_autoescape(["html"]),
            undefined=jinja2.StrictUndefined,
        )
        env.filters["fmt"] = _format_cell
        return env.get_template("methods.html").render(report=self, sections=self.sections, meta=self.meta)

    def write_html(self, path: str | Path) -> None:
        from allypath._files import atomic_write_text

        atomic_write_text(Path(path), self.to_html())

    def write_pdf(self, path: str | Path) -> None:
        """Render the same HTML to PDF with WeasyPrint (print CSS: A4, page numbers)."""
        from weasyprint import HTML

        from allypath._files import atomic_path

        with atomic_path(Path(path)) as tmp:
            HTML(string=self.to_html()).write_pdf(tmp)


def _format_cell(value: Any, digits: int = 3) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating):
        number = float(value)
        if math.isnan(number):
            return "—"
        return f"{number:,.{digits}f}"
    return str(value)


def _plain(value: Any) -> Any:
    """numpy and pandas values -> JSON-ready Python (NaN -> None)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if not math.isfinite(float(value)) else float(value)
    return value


# --------------------------------------------------------------------------- inputs


def _likert_items(construct: Construct, columns: pd.Index) -> list[str]:
    return [i.id for i in construct.items if i.type == "likert" and i.id in columns]


def _reverse_scored(frame: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Every present rating item as floats, reverse-keyed items reversed on their scale."""
    columns = {}
    for item in instrument.items:
        if item.type != "likert" or item.id not in frame.columns or item.scale is None:
            continue
        values = pd.to_numeric(frame[item.id], errors="coerce").astype(float)
        columns[item.id] = (item.scale.min + item.scale.max) - values if item.reverse else values
    return pd.DataFrame(columns, index=frame.index)


def stage_cfa_model(instrument: Instrument, columns: Sequence[str] | None = None) -> str:
    """The instrument's four stage scales as four correlated factors, in lavaan syntax."""
    lines = []
    for construct in instrument.constructs_of("stage"):
        items = [i.id for i in construct.items if i.type == "likert" and (columns is None or i.id in columns)]
        if items:
            lines.append(f"{construct.id} =~ " + " + ".join(items))
    return "\n".join(lines)


def _context_model(instrument: Instrument, columns: pd.Index) -> tuple[str, list[str]]:
    """Barriers, norms and enablers as correlated factors; the constructs left out and why."""
    lines, skipped = [], []
    for construct in instrument.constructs:
        if construct.kind not in ("barrier", "norm", "enabler"):
            continue
        items = _likert_items(construct, columns)
        if len(items) >= 2:
            lines.append(f"{construct.id} =~ " + " + ".join(items))
        else:
            skipped.append(construct.id)
    return "\n".join(lines), skipped


# --------------------------------------------------------------------------- sections


def _sample(
    data: pd.DataFrame, scored: pd.DataFrame, items: pd.DataFrame, groups: list[str]
) -> tuple[dict, Section]:
    placed = scored["status"] == "scored"
    missing = items.isna().mean()
    stage_counts = scored.loc[placed, "stage"].astype(int).value_counts().reindex(range(1, 5), fill_value=0)
    group_sizes = {
        g: data[g].astype("string").value_counts(dropna=True).sort_index().to_dict() for g in groups
    }
    numbers: dict[str, Any] = {
        "n_rows": len(data),
        "n_placed": int(placed.sum()),
        "n_suspect": int((scored["status"] == "suspect").sum()),
        "placed_share": float(placed.mean()) if len(data) else 0.0,
        "missing_share": float(items.isna().to_numpy().mean()),
        "missing_by_item": {k: float(v) for k, v in missing.items()},
        "complete_rows": int(items.notna().all(axis=1).sum()),
        "stage_counts": {label: int(c) for label, c in zip(STAGE_LABELS, stage_counts, strict=True)},
        "group_sizes": {g: {str(k): int(v) for k, v in sizes.items()} for g, sizes in group_sizes.items()},
    }
    worst = missing.sort_values(ascending=False)
    heavy = [f"{k} ({v:.0%})" for k, v in worst.items() if v > 0.10]
    verdict = (
        f"{len(data):,} responses; {numbers['n_placed']:,} ({numbers['placed_share']:.0%}) answered enough "
        f"to be placed in a stage"
    )
    if numbers["n_suspect"]:
        verdict += (
            f" ({numbers['n_placed']:,} placed, {numbers['n_suspect']:,} set aside as careless: see the "
            "reason column)"
        )
    verdict += f". {numbers['missing_share']:.1%} of rating answers are blank"
    verdict += (
        f"; items skipped by more than 10%: {_some(heavy)} — check their wording or sensitivity."
        if heavy
        else "; no item is skipped by more than 10%, so blanks are unlikely to bias the results."
    )
    status = "caution" if heavy or numbers["placed_share"] < 0.9 else "good"
    mix_rows = [("All respondents", label, n) for label, n in numbers["stage_counts"].items()]
    if groups:
        first = groups[0]
        by_group = scored.loc[placed].assign(_g=data.loc[placed, first].astype("string"))
        for label, part in by_group.groupby("_g", sort=True):
            counts = part["stage"].astype(int).value_counts().reindex(range(1, 5), fill_value=0)
            mix_rows += [
                (f"{first}: {label}", name, int(c)) for name, c in zip(STAGE_LABELS, counts, strict=True)
            ]
    mix = pd.DataFrame(mix_rows, columns=["group", "stage", "respondents"])
    charts = [
        stacked_bar_chart(
            mix,
            category="group",
            value="respondents",
            stack="stage",
            title="Stage mix (default scoring model)",
            description="Share of placed respondents in each stage, overall and per group.",
            stack_domain=STAGE_LABELS,
            colors=STAGE_COLORS,
            category_title="",
        )
    ]
    group_rows = [[g, str(k), v] for g, sizes in numbers["group_sizes"].items() for k, v in sizes.items()]
    tables = [ReportTable("Group sizes", ["column", "group", "responses"], group_rows)] if group_rows else []
    method = (
        "Placement uses the default scoring model; a respondent is placed when every stage scale is "
        "answered enough. Missingness is the share of blank answers per rating item."
    )
    return numbers, Section("sample", "Sample and missing answers", verdict, status, method, tables, charts)


def _reliability(
    items: pd.DataFrame, raw: pd.DataFrame, instrument: Instrument
) -> tuple[dict, dict, Section, Section]:
    """Per-scale alpha/omega and per-item statistics (item-rest r comes from each scale's alpha)."""
    scales: dict[str, Any] = {}
    item_rest: dict[str, float] = {}
    for construct in instrument.constructs:
        if construct.kind == "context" or not construct.scored:
            continue  # a context holds one item per stage: not one scale
        present = _likert_items(construct, raw.columns)
        if len(present) < 2:
            continue
        keys = [("-" if instrument.item(i).reverse else "") + i for i in present]
        try:
            result = cronbach_alpha(raw, keys)
        except StatsError as exc:
            scales[construct.id] = {"error": str(exc)}
            continue
        scales[construct.id] = {
            "kind": construct.kind,
            "k": result.k,
            "n": result.n,
            "alpha": result.alpha,
            "ci_low": result.ci[0],
            "ci_high": result.ci[1],
            "std_alpha": result.std_alpha,
            "omega_total": result.omega_total,
            "rating": _alpha_rating(result.alpha),
        }
        item_rest.update({str(k): float(v) for k, v in result.item_rest_r.items()})
    item_rows = {}
    for item_id in items.columns:
        item = instrument.item(item_id)
        assert item.scale is not None
        values = items[item_id]
        answered = values.dropna()
        item_rows[item_id] = {
            "construct": item.construct,
            "reverse": item.reverse,
            "n": int(answered.size),
            "missing": float(values.isna().mean()),
            "mean": float(answered.mean()) if answered.size else math.nan,
            "sd": float(answered.std()) if answered.size > 1 else math.nan,
            "floor": float((answered == item.scale.min).mean()) if answered.size else math.nan,
            "ceiling": float((answered == item.scale.max).mean()) if answered.size else math.nan,
            "item_rest_r": item_rest.get(item_id, math.nan),
        }
    return scales, item_rows, _reliability_section(scales), _items_section(item_rows)


def _some(names: Sequence[str], limit: int = 8) -> str:
    """A readable list: the first ``limit`` names, then how many more."""
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _alpha_rating(alpha: float) -> str:
    if alpha >= 0.8:
        return "good"
    if alpha >= 0.7:
        return "acceptable"
    if alpha >= 0.6:
        return "questionable"
    return "poor"


def _reliability_section(scales: dict[str, Any]) -> Section:
    fitted = {k: v for k, v in scales.items() if "alpha" in v}
    rows = [
        [k, v["k"], v["n"], v["alpha"], v["ci_low"], v["ci_high"], v["omega_total"], v["rating"]]
        for k, v in fitted.items()
    ]
    weak = [k for k, v in fitted.items() if v["alpha"] < 0.7]
    stage_weak = [k for k in weak if fitted[k]["kind"] == "stage"]
    if not fitted:
        verdict, status = (
            "No scale had two or more answered rating items; reliability was not computed.",
            "skipped",
        )
    elif not weak:
        verdict = (
            f"All {len(fitted)} scales are reliable enough (alpha at least .70) to report their averages."
        )
        status = "good"
    else:
        verdict = (
            f"{len(fitted) - len(weak)} of {len(fitted)} scales reach alpha .70; {_some(weak)} fall short: "
            "report them for groups only, never for individuals, and review their weakest items "
            "(see the item table)."
        )
        status = "problem" if stage_weak else "caution"
        if stage_weak:
            verdict += f" Stage scales below .70 ({', '.join(stage_weak)}) make stage placement less certain."
    chart_data = pd.DataFrame({"scale": list(fitted), "alpha": [v["alpha"] for v in fitted.values()]})
    charts = (
        [
            bar_chart(
                chart_data,
                x="alpha",
                y="scale",
                title="Cronbach's alpha per scale",
                description="Cronbach's alpha of every scale; the dashed line marks the usual .70 minimum.",
                rule=0.7,
                rule_label=".70",
                domain=(0.0, 1.0),
                y_title="",
            )
        ]
        if fitted
        else []
    )
    table = ReportTable(
        "Reliability", ["scale", "items", "n", "alpha", "CI low", "CI high", "omega total", "rating"], rows
    )
    method = (
        "Cronbach's alpha with reverse-keyed items reversed, pairwise covariances and Feldt's 95% interval "
        "(psych::alpha); omega total from a one-factor minres model (McDonald 1999). Contexts are not scales "
        "(one item per stage) and are left out."
    )
    return Section("reliability", "Reliability of the scales", verdict, status, method, [table], charts)


def _items_section(item_rows: dict[str, Any]) -> Section:
    weak = [k for k, v in item_rows.items() if not math.isnan(v["item_rest_r"]) and v["item_rest_r"] < 0.2]
    piled = [k for k, v in item_rows.items() if max(v["floor"], v["ceiling"]) > 0.6]
    parts = []
    if weak:
        parts.append(f"items that hardly agree with their own scale (item-rest r below .20): {_some(weak)}")
    if piled:
        parts.append(f"items where most people give the extreme answer (over 60%): {_some(piled)}")
    if parts:
        verdict = "Review " + "; ".join(parts) + ". Reword or drop them in the next instrument version."
        status = "caution"
    else:
        verdict = "Every item agrees with its scale (item-rest r at least .20) and uses the answer range."
        status = "good"
    rows = [
        [
            k,
            v["construct"],
            v["reverse"],
            v["n"],
            v["missing"],
            v["mean"],
            v["sd"],
            v["floor"],
            v["ceiling"],
            v["item_rest_r"],
        ]
        for k, v in item_rows.items()
    ]
    table = ReportTable(
        "Item statistics",
        ["item", "construct", "reversed", "n", "missing", "mean", "sd", "floor", "ceiling", "item-rest r"],
        rows,
        digits=2,
    )
    by_construct = (
        pd.DataFrame(
            {
                "construct": [v["construct"] for v in item_rows.values()],
                "missing": [v["missing"] for v in item_rows.values()],
            }
        )
        .groupby("construct", sort=False)["missing"]
        .mean()
        .reset_index()
    )
    chart = bar_chart(
        by_construct,
        x="missing",
        y="construct",
        title="Blank answers per construct",
        description="Mean share of blank answers over each construct's rating items.",
        value_format=".0%",
        rule=0.1,
        rule_label="10%",
        y_title="",
        bar_height=12,
    )
    method = "Per rating item: answers, blanks, mean, SD, share at the lowest (floor) and highest (ceiling)."
    return Section("items", "Item statistics", verdict, status, method, [table], [chart])


def _efa(scored_items: pd.DataFrame, instrument: Instrument, seed: int) -> tuple[dict, Section]:
    by_scale = {c.id: _likert_items(c, scored_items.columns) for c in instrument.constructs_of("stage")}
    columns = [i for items in by_scale.values() for i in items]
    frame = scored_items[columns]
    adequacy = kmo(frame)
    sphericity = bartlett_sphericity(frame)
    parallel = parallel_analysis(frame, n_iter=PARALLEL_ITERATIONS, seed=seed)
    n_factors = len([s for s in by_scale.values() if s])
    fa = FactorAnalysis(n_factors, "minres", "oblimin").fit(frame)
    loadings = fa.loadings_
    # Match factors to scales by the largest mean absolute loading (Hungarian assignment).
    strength = np.array(
        [[loadings.loc[items, f].abs().mean() for f in loadings.columns] for items in by_scale.values()]
    )
    rows, cols = linear_sum_assignment(-strength)
    factor_of = {list(by_scale)[r]: str(loadings.columns[c]) for r, c in zip(rows, cols, strict=True)}
    own = [
        str(loadings.loc[item].abs().idxmax()) == factor_of[scale]
        for scale, items in by_scale.items()
        for item in items
    ]
    numbers: dict[str, Any] = {
        "items": columns,
        "kmo": adequacy.overall,
        "bartlett": sphericity.to_dict(),
        "parallel_n_factors": parallel.n_factors,
        "parallel_observed": [float(v) for v in parallel.observed[:8]],
        "parallel_simulated": [float(v) for v in parallel.simulated[:8]],
        "n_factors": n_factors,
        "loadings": {str(i): {str(f): float(v) for f, v in row.items()} for i, row in loadings.iterrows()},
        "factor_of_scale": factor_of,
        "own_factor_share": float(np.mean(own)),
        "variance_explained": float(fa.variance_explained_["cumulative"].iloc[-1]),
    }
    share = numbers["own_factor_share"]
    verdict = (
        f"{share:.0%} of the stage items load most strongly on the factor of their own stage scale"
        + (
            ", so the four stage scales measure four distinct things, as designed."
            if share >= 0.9
            else "; the scales overlap: read neighbouring stages as related rather than separate."
        )
        + f" Parallel analysis suggests {parallel.n_factors} factor(s)"
        + (
            " (fewer than four: the stages also line up on one developmental dimension)."
            if parallel.n_factors < n_factors
            else "."
        )
        + f" Sampling adequacy is {_kmo_word(adequacy.overall)} "
        f"(KMO {adequacy.overall:.2f})."
    )
    status = "good" if share >= 0.9 and adequacy.overall >= 0.6 else "caution"
    tidy = pd.DataFrame(
        [(item, factor, value) for item, row in loadings.iterrows() for factor, value in row.items()],
        columns=["item", "factor", "loading"],
    )
    scree = pd.DataFrame(
        {
            "eigenvalue number": list(range(1, len(numbers["parallel_observed"]) + 1)) * 2,
            "eigenvalue": numbers["parallel_observed"] + numbers["parallel_simulated"],
            "source": ["observed"] * len(numbers["parallel_observed"])
            + ["random data (95th percentile)"] * len(numbers["parallel_simulated"]),
        }
    )
    charts = [
        heatmap(
            tidy,
            x="factor",
            y="item",
            value="loading",
            title="Oblimin loadings of the stage items",
            description="Oblimin pattern loadings of the stage items; bold: |loading| of .30 or more.",
        ),
        line_chart(
            scree,
            x="eigenvalue number",
            y="eigenvalue",
            color="source",
            title="Parallel analysis",
            description="Observed eigenvalues against the 95th percentile of eigenvalues of random data.",
        ),
    ]
    factor_table = ReportTable(
        "Factors matched to stage scales",
        ["stage scale", "factor"],
        [[k, v] for k, v in factor_of.items()],
    )
    method = (
        f"Stage items (reverse-keyed items reversed): KMO and Bartlett's test; Horn's parallel analysis "
        f"({PARALLEL_ITERATIONS} random data sets, 95th percentile); minres extraction of {n_factors} "
        "factors "
        "with oblimin rotation (psych::fa)."
    )
    return numbers, Section(
        "efa", "Exploratory factor analysis", verdict, status, method, [factor_table], charts
    )


def _kmo_word(value: float) -> str:
    return "good" if value >= 0.8 else "acceptable" if value >= 0.6 else "poor"


def _fit_rating(fit: dict[str, float]) -> str:
    if fit["cfi"] >= 0.95 and fit["rmsea"] <= 0.06 and fit["srmr"] <= 0.08:
        return "good"
    if fit["cfi"] >= 0.90 and fit["rmsea"] <= 0.08 and fit["srmr"] <= 0.10:
        return "acceptable"
    return "poor"


_FIT_KEYS = ("ntotal", "chisq", "df", "pvalue", "cfi", "tli", "rmsea", "srmr", "aic", "bic")


_RATING_WORDS = {"good": "well", "acceptable": "acceptably", "poor": "poorly"}
_STATUS_RANK = {"good": 0, "caution": 1, "problem": 2}
_NAMES = {"stages": "the four stage scales", "barriers_norms_enablers": "barriers, norms and enablers"}


def _worse(a: str, b: str) -> str:
    return a if _STATUS_RANK[a] >= _STATUS_RANK[b] else b


def _one_cfa(key: str, syntax: str, items: pd.DataFrame, left_out: list[str]) -> tuple[dict, str, str, list]:
    """Fit one CFA; its numbers, a verdict sentence, a status and its charts and tables."""
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
        return _improper_cfa(name, syntax, result, fit, left_out)
    est = result.estimates
    loads = est[est["op"] == "=~"]
    covs = est[(est["op"] == "~~") & est["lhs"].isin(loads["lhs"]) & (est["lhs"] != est["rhs"])]
    rating = _fit_rating(fit)
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
    # Correlations of 1 or more are inadmissible; from .95 two factors cannot be told apart.
    merged = [pair for pair, r in correlations.items() if abs(r) >= 0.95]
    if merged:
        sentence += (
            f" But {len(merged)} factor pair(s) correlate at .95 or more ({_some(merged, 3)}): "
            "those scales measure "
            "the same thing here, so report them together, not as separate findings."
        )
        status = _worse(status, "caution")
    factors = list(dict.fromkeys(loads["lhs"].astype(str)))
    tidy = pd.DataFrame(
        {
            "item": loads["rhs"].astype(str).to_numpy(),
            "factor": loads["lhs"].astype(str).to_numpy(),
            "standardised loading": loads["std_all"].astype(float).to_numpy(),
        }
    )
    charts: list[Any] = [
        ReportTable(f"Fit: {name}", list(_FIT_KEYS), [[_whole(k, fit[k]) for k in _FIT_KEYS]]),
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
                (a, b, 1.0 if a == b else lookup.get((a, b), lookup.get((b, a), math.nan)))
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
    name: str, syntax: str, result: SEMResult, fit: dict[str, float], left_out: list[str]
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
    sentence = (
        f"The model of {name} has an improper solution ({_some(result.improper, 3)}), so its fit "
        f"indices (CFI {fit['cfi']:.3f}, RMSEA {fit['rmsea']:.3f}) do not show that it fits: these "
        "scales do not measure separate things here; report them together, not as separate findings."
    )
    row = [_whole(k, fit[k]) for k in _FIT_KEYS]
    table = ReportTable(f"Fit: {name} (improper solution)", list(_FIT_KEYS), [row])
    return numbers, sentence, "problem", [table]


def _whole(key: str, value: float) -> float | int:
    """Counts (df, N, parameters) print as whole numbers."""
    return int(value) if key in ("df", "ntotal", "npar", "n") and math.isfinite(value) else value


def _cfa(scored_items: pd.DataFrame, instrument: Instrument) -> tuple[dict, Section]:
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
            key, syntax, scored_items, left_out if key != "stages" else []
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
    verdict = " ".join(sentences) + " " + advice
    method = (
        "Maximum-likelihood CFA (lavaan conventions), reverse-keyed items reversed, listwise deletion; "
        "factors correlate freely and the first loading of each is fixed at 1. Cut-offs: CFI >= .95, "
        "RMSEA <= .06, SRMR <= .08 good; CFI >= .90, RMSEA <= .08 acceptable (Hu & Bentler 1999)."
    )
    return numbers, Section("cfa", "Confirmatory factor analysis", verdict, status, method, tables, charts)


_LEVEL_ADVICE = {
    None: "not even the same structure holds in every group: do not compare these groups on the scales",
    "configural": "the same structure holds, but compare neither averages nor relations across these groups",
    "metric": "compare relations between scales across these groups, but not their averages",
    "scalar": "compare scale averages and stage mixes across these groups",
    "strict": "compare scale averages and observed scores across these groups",
}


def _invariance(
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
        sentences.append(f"Across {column} ({', '.join(kept)}): {_LEVEL_ADVICE[level]}.")
        if level not in ("scalar", "strict"):
            status = "caution"
        for record in payload["levels"]:
            rows.append({"grouping": column, "level": record["level"], "CFI": record["cfi"]})
        tables.append(
            ReportTable(
                f"Invariance across {column}",
                ["level", "chisq", "df", "cfi", "rmsea", "srmr", "delta cfi", "delta rmsea", "result"],
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
        "(Chen 2007)."
    )
    return numbers, Section("invariance", "Measurement invariance", verdict, status, method, tables, charts)


def _latent(scored: pd.DataFrame, seed: int) -> tuple[dict, Section]:
    columns = [c for c in scored.columns if c.startswith("score_stage_")]
    scores = scored.loc[scored["status"] == "scored", columns].astype(float)
    table = compare_latent(scores, range(1, 7), kind="profile", n_init=LATENT_STARTS, seed=seed)
    structure = stages_vs_continuum(scores, n_init=LATENT_STARTS, seed=seed)
    best = int(table.loc[table["lowest_bic"], "k"].iloc[0])
    numbers = {
        "scores": columns,
        "compare": _plain(table.to_dict(orient="records")),
        "best_k": best,
        "stages_vs_continuum": _plain(structure.to_dict()),
    }
    # Not a test of stages: the one-factor rival of stages_vs_continuum is linear and cannot fit
    # single-peaked items, so it loses whatever the data (issue 15). The "structure" section decides.
    verdict = (
        f"Among 1-6 latent profiles of the stage scale scores, BIC prefers {best}. This describes how "
        "the scale scores cluster; it does not show that stages exist (profiles also describe a "
        "continuum cut into pieces): see 'Stages or a continuum?' for the test."
    )
    status = "info"
    # Order the profiles by development (Energised minus Apathy score) so they read like the stages.
    means = structure.stages.means
    development = means[columns[-1]] - means[columns[0]]
    ordered = list(development.sort_values().index)
    shares = dict(zip(means.index, structure.stages.shares, strict=True))
    names = {
        p: f"{STAGE_LABELS[k] if k < 4 else k + 1}-like ({shares[p]:.0%})" for k, p in enumerate(ordered)
    }
    numbers["profiles_by_development"] = [
        {"profile": str(p), "share": float(shares[p]), **{c: float(means.loc[p, c]) for c in columns}}
        for p in ordered
    ]
    profile_rows = [
        (names[p], col.replace("score_stage_", ""), float(means.loc[p, col]))
        for p in ordered
        for col in columns
    ]
    charts = [
        line_chart(
            table.assign(k=table["k"].astype(str)),
            x="k",
            y="bic",
            title="BIC by number of profiles",
            description="BIC of latent profile models with 1 to 6 profiles of the stage scale scores; "
            "lower is better.",
            x_title="profiles",
            y_title="BIC",
            value_format=",.0f",
        ),
        line_chart(
            pd.DataFrame(profile_rows, columns=["profile", "scale", "mean score"]),
            x="scale",
            y="mean score",
            color="profile",
            color_domain=[names[p] for p in ordered],
            colors=STAGE_COLORS[: len(ordered)],
            title="Four-profile means on the stage scales",
            description="Mean stage scale scores of each of the four latent profiles, ordered from the "
            "least to the most developed (Energised minus Apathy score).",
        ),
    ]
    rows = [
        [r["k"], r["loglik"], r["npar"], r["bic"], r["entropy"], r["smallest_share"]]
        for r in numbers["compare"]
    ]
    tables = [
        ReportTable(
            "Latent profile models", ["profiles", "loglik", "npar", "BIC", "entropy", "smallest"], rows
        )
    ]
    method = (
        "Latent profile models (mclust VVI: own variances, no covariances) of the four stage scale "
        "scores with "
        f"1-6 profiles ({LATENT_STARTS} starts each), compared with a one-factor continuum by BIC "
        "(stages_vs_continuum; Kass & Raftery 1995)."
    )
    return numbers, Section(
        "latent", "Latent profiles of the scale scores", verdict, status, method, tables, charts
    )


def _calibration(
    data: pd.DataFrame,
    instrument: Instrument,
    base: StageModel,
    given: CalibrationResult | StageModel | None,
    run: bool,
    seed: int,
) -> tuple[dict, Section]:
    if given is None and not run:
        return {"skipped": "no calibration run or passed"}, Section(
            "calibration",
            "Calibration of the scoring model",
            "No calibrated model was given (run `allypath methods DATA --calibrate`, or pass a model "
            "calibrated with `allypath calibrate` as --calibration).",
            "skipped",
        )
    history: tuple[float, ...] = ()
    if isinstance(given, CalibrationResult):
        model, history = given.model, given.history
    elif isinstance(given, StageModel):
        model = given
    else:
        try:
            result = fit_calibration(data, instrument=instrument, base_model=base, seed=seed)
        except StatsError as exc:
            return {"refused": str(exc)}, Section(
                "calibration",
                "Calibration of the scoring model",
                f"These data cannot calibrate the scoring model: {exc}. Keep using the default model.",
                "problem",
            )
        model, history = result.model, result.history
    before = score(data, instrument, model=base, on_error="mark")
    after = score(data, instrument, model=model, on_error="mark")
    placed = (before["status"] == "scored") & (after["status"] == "scored")
    agreement = float((before.loc[placed, "stage"] == after.loc[placed, "stage"]).mean())
    shares = {
        name: [float((frame.loc[placed, "stage"] == s).mean()) for s in range(1, 5)]
        for name, frame in (("default", before), ("calibrated", after))
    }
    certainty = {
        name: float(frame.loc[placed, list(PROBABILITY_COLUMNS)].max(axis=1).mean())
        for name, frame in (("default", before), ("calibrated", after))
    }
    report = _plain(dict(model.fit_report))
    numbers = {
        "model": model.label,
        "fit_report": report,
        "agreement": agreement,
        "stage_shares": shares,
        "mean_top_probability": certainty,
        "history": list(history),
    }
    gain = None
    if report.get("loglik") is not None and report.get("loglik_base") is not None and report.get("n_placed"):
        gain = (report["loglik"] - report["loglik_base"]) / report["n_placed"]
    more_or_less = "more" if certainty["calibrated"] >= certainty["default"] else "less"
    verdict = (
        f"The calibrated model {model.label} places {agreement:.0%} of respondents in the same stage "
        "as the default"
        + (
            f" and fits their answers better by {gain:.2f} log-likelihood units per respondent"
            if gain is not None
            else ""
        )
        + f"; its placements are {more_or_less} certain "
        f"(mean top probability {certainty['calibrated']:.3f} against {certainty['default']:.3f}). "
        "Use it to score this population (allypath score --model), and recalibrate when the population "
        "or the "
        "instrument changes."
    )
    mix = pd.DataFrame(
        [(name, STAGE_LABELS[s], value) for name, values in shares.items() for s, value in enumerate(values)],
        columns=["model", "stage", "share"],
    )
    charts = [
        stacked_bar_chart(
            mix,
            category="model",
            value="share",
            stack="stage",
            title="Stage mix: default and calibrated",
            description="Share of respondents in each stage under the default and the calibrated model.",
            stack_domain=STAGE_LABELS,
            colors=STAGE_COLORS,
            category_title="",
            value_title="share of respondents",
        ),
    ]
    if history:
        charts.append(
            line_chart(
                pd.DataFrame({"iteration": range(1, len(history) + 1), "log-likelihood": history}),
                x="iteration",
                y="log-likelihood",
                x_type="Q",
                title="EM convergence",
                description="Marginal log-likelihood at each EM iteration (it never decreases).",
                value_format=",.0f",
            )
        )
    offsets = pd.Series(model.item_offsets, dtype=float)
    if len(offsets):
        top = offsets.reindex(offsets.abs().sort_values(ascending=False).index[:12])
        charts.append(
            bar_chart(
                pd.DataFrame({"item": top.index, "offset": top.to_numpy()}),
                x="offset",
                y="item",
                title="Items easiest and hardest to agree with",
                description="The 12 largest fitted item offsets: positive items are easier to agree with "
                "than their stage predicts, negative ones harder.",
                y_title="",
                rule=0.0,
                rule_label="",
            )
        )
    fields = (
        "n_placed",
        "loglik_base",
        "loglik",
        "npar",
        "bic",
        "relative_entropy",
        "iterations",
        "converged",
    )
    tables = [ReportTable("Calibration fit", list(fields), [[report.get(k) for k in fields]])]
    method = (
        "Maximum marginal likelihood by EM over the stage and the acquiescence (Gauss-Hermite nodes), "
        "from the default model: item offsets, thresholds, affinity table, context slope, acquiescence SD "
        "and stage mix "
        "(docs/methods.md)."
    )
    return numbers, Section(
        "calibration", "Calibration of the scoring model", verdict, "info", method, tables, charts
    )


# --------------------------------------------------------------------------- public


def methods_report(
    data: pd.DataFrame,
    *,
    instrument: Instrument | None = None,
    group_columns: Sequence[str] = ("org", "language", "region"),
    calibration: CalibrationResult | StageModel | None = None,
    calibrate: bool = False,
    seed: int = 0,
    min_group_size: int = 100,
    progress: Progress | None = None,
    structure_bootstrap: int = 19,
) -> MethodsReport:
    """Run the instrument's psychometrics on ``data`` and assemble the methods report.

    Parameters
    ----------
    data : DataFrame
        Wide responses (docs/architecture.md).
    instrument : Instrument, optional
        Default: the packaged instrument; the form follows the columns.
    group_columns : sequence of str
        Columns to test measurement invariance and item functioning (DIF) across, and to report
        classification reliability by; those absent are skipped. Each needs two groups with at
        least ``min_group_size`` complete responses (invariance) or placed respondents (DIF).
    calibration : CalibrationResult or StageModel, optional
        A calibrated model to diagnose against the default.
    calibrate : bool
        Calibrate on ``data`` and diagnose the result (ignored when ``calibration`` is given).
    seed : int
        Seed of parallel analysis, latent profile starts and calibration starts.
    progress : callable, optional
        Called with (step description, steps done, total steps).
    structure_bootstrap : int
        Parametric bootstrap draws of the stages-or-continuum test (0: held-out comparison only).

    Returns
    -------
    MethodsReport

    Raises
    ------
    StatsError
        Fewer than 50 placed respondents, or no stage scale items in the data.
    DataError
        Unknown item columns or unreadable answers (as :func:`allypath.score`).
    """
    full = instrument or load_instrument()
    instrument = full.form(choose_form(data.columns, full))
    base = load_stage_model()
    groups = [g for g in group_columns if g in data.columns]
    steps = [
        "sample",
        "reliability",
        "factor analysis",
        "confirmatory factor analysis",
        *[f"invariance across {g}" for g in groups],
        "items across groups (DIF)",
        "stages or a continuum",
        "classification accuracy",
        "latent profiles",
        "calibration",
    ]
    done = 0

    def tick(name: str) -> None:
        nonlocal done
        if progress is not None:
            progress(name, done, len(steps))
        done += 1

    tick("sample")
    scored = score(data, instrument, model=base, on_error="mark")
    if int((scored["status"] == "scored").sum()) < 50:
        raise StatsError("a methods report needs at least 50 respondents placed in a stage")
    raw = pd.DataFrame(
        {
            i.id: pd.to_numeric(data[i.id], errors="coerce").astype(float)
            for i in instrument.items
            if i.type == "likert" and i.id in data.columns
        },
        index=data.index,
    )
    if not any(_likert_items(c, raw.columns) for c in instrument.constructs_of("stage")):
        raise StatsError("the data hold no stage-scale items: nothing to validate")
    reversed_items = _reverse_scored(data, instrument)
    numbers: dict[str, Any] = {}
    sections: list[Section] = []
    numbers["sample"], section = _sample(data, scored, raw, groups)
    sections.append(section)
    tick("reliability")
    numbers["reliability"], numbers["items"], rel_section, item_section = _reliability(raw, raw, instrument)
    sections += [item_section, rel_section]
    tick("factor analysis")
    numbers["efa"], section = _efa(reversed_items, instrument, seed)
    sections.append(section)
    tick("confirmatory factor analysis")
    numbers["cfa"], section = _cfa(reversed_items, instrument)
    sections.append(section)
    numbers["invariance"], section = _invariance(
        data, reversed_items, instrument, groups, min_group_size, tick
    )
    sections.append(section)
    # Imported here: the section modules use this module's Section and ReportTable.
    from allypath.reports._classification_section import classification_section
    from allypath.reports._dif_section import dif_section
    from allypath.reports._structure_section import structure_section

    tick("items across groups (DIF)")
    numbers["dif"], section = dif_section(
        data, instrument, base, groups, min_group_size=min_group_size, seed=seed
    )
    sections.append(section)
    tick("stages or a continuum")
    # Many small fits: with BLAS threads spinning against each other on a 2-core machine the
    # structure test took 144 s on 5,000 respondents instead of 33 s.
    with single_threaded_blas():
        numbers["structure"], section = structure_section(
            data, instrument, base, bootstrap=structure_bootstrap, seed=seed
        )
    sections.append(section)
    tick("classification accuracy")
    numbers["classification"], section = classification_section(
        data, scored, instrument, base, groups, min_group_size=min_group_size
    )
    sections.append(section)
    tick("latent profiles")
    numbers["latent"], section = _latent(scored, seed)
    sections.append(section)
    tick("calibration")
    numbers["calibration"], section = _calibration(data, instrument, base, calibration, calibrate, seed)
    sections.append(section)
    if progress is not None:
        progress("done", len(steps), len(steps))
    meta = {
        "title": "Methods report",
        "generated": dt.date.today().isoformat(),
        "instrument": f"{instrument.id} {instrument.version}",
        "scoring_model": base.label,
        "n_rows": len(data),
        "group_columns": groups,
    }
    return MethodsReport(data=_plain(numbers), sections=sections, meta=meta)
