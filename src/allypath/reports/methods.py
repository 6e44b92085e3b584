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

from allypath._blas import single_threaded_blas
from allypath._values import plain_deep
from allypath.errors import StatsError
from allypath.instrument import NOT_APPLICABLE, Construct, Instrument, Item, load_instrument
from allypath.model import STAGES
from allypath.reports.charts import STAGE_COLORS, Chart, bar_chart, stacked_bar_chart
from allypath.reports.labels import construct_name, item_name
from allypath.scoring import StageModel, choose_form, load_stage_model, score
from allypath.stats import (
    CalibrationResult,
    cronbach_alpha,
)

__all__ = [
    "MethodsReport",
    "ReportTable",
    "Section",
    "item_name",
    "methods_report",
    "plain_columns",
    "plain_header",
    "stage_cfa_model",
]

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
        ``invariance``, ``dif``, ``structure``, ``classification``, ``retest``, ``latent``, ``calibration``),
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
        """Render the same HTML to a tagged PDF (print CSS: A4, page numbers; :mod:`allypath.reports.pdf`)."""
        from allypath._files import atomic_path
        from allypath.reports.pdf import pdf_bytes

        with atomic_path(Path(path)) as tmp:
            Path(tmp).write_bytes(pdf_bytes(self.to_html()))


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


# --------------------------------------------------------------------------- names people read
# (an item's, a construct's and a retest measure's: allypath.reports.labels)


#: What the raw keys of the stats results mean, as table and chart headers say it: the JSON
#: (``report.data``) keeps the keys, only what HTML and PDF show is renamed. ``k`` and ``n`` are the
#: profiles and respondents of a latent profile model, the one result shown by its raw keys (the
#: reliability table's ``k``, its items, is headed by hand). No dots, brackets or quotes: a chart's
#: headers are Vega-Lite field names, where those mean nested access.
PLAIN_HEADERS = {
    "k": "profiles",
    "n": "respondents",
    "ntotal": "respondents",
    "n_placed": "respondents placed",
    "loglik": "log-likelihood",
    "loglik_base": "log-likelihood (default model)",
    "heldout_loglik": "held-out log-likelihood",
    "npar": "parameters",
    "chisq": "chi-square",
    "pvalue": "p",
    "cfi": "CFI",
    "tli": "TLI",
    "rmsea": "RMSEA",
    "srmr": "SRMR",
    "delta_cfi": "change in CFI",
    "delta_rmsea": "change in RMSEA",
    "aic": "AIC",
    "bic": "BIC",
    "sabic": "sample-size adjusted BIC",
    "smallest_share": "share of the smallest profile",
    "lowest_bic": "lowest BIC",
}

# The acronyms of those headers, spelled out once for the method text of each section that shows them.
FIT_INDEX_GLOSS = (
    "CFI and TLI (comparative and Tucker-Lewis fit index: how much better the model fits than one of "
    "unrelated items; 1 is best), RMSEA (root mean square error of approximation: misfit per degree "
    "of freedom, df; 0 is best), SRMR (standardised root mean square residual: the typical gap between "
    "observed and model-implied correlations; 0 is best), AIC and BIC (information criteria: misfit "
    "penalised for parameters; lower is better, comparable only between models of the same answers)."
)
BIC_GLOSS = (
    "BIC (Bayesian information criterion: misfit penalised for the number of parameters; lower is better)"
)
ENTROPY_GLOSS = (
    "relative entropy (how clearly respondents are assigned: 0 no better than chance, 1 unambiguously)"
)


def plain_header(key: str) -> str:
    """A raw result key as a header people read ("loglik" -> "log-likelihood"); other keys lose
    their underscores."""
    return PLAIN_HEADERS.get(key, key.replace("_", " "))


def plain_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with raw keys as column names people read: a chart's axes and its data table."""
    return frame.rename(columns=plain_header)


# --------------------------------------------------------------------------- inputs


def _likert_items(construct: Construct, columns: pd.Index) -> list[str]:
    return [i.id for i in construct.items if i.type == "likert" and i.id in columns]


def _ratings(frame: pd.DataFrame, item: Item) -> pd.Series:
    """An item's answers as floats, "does not apply to me" (:data:`NOT_APPLICABLE`) missing, as scoring
    reads it: a 0 on a 1-5 scale would pull every mean down and inflate every variance."""
    values = pd.to_numeric(frame[item.id], errors="coerce").astype(float)
    return values.mask(values == NOT_APPLICABLE) if item.not_applicable is not None else values


def _raw_ratings(frame: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Every present rating item as floats (:func:`_ratings`), as answered."""
    columns = {
        i.id: _ratings(frame, i) for i in instrument.items if i.type == "likert" and i.id in frame.columns
    }
    return pd.DataFrame(columns, index=frame.index)


def _reverse_scored(frame: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Every present rating item as floats (:func:`_ratings`), reverse-keyed items reversed on their scale."""
    columns = {}
    for item in instrument.items:
        if item.type != "likert" or item.id not in frame.columns or item.scale is None:
            continue
        values = _ratings(frame, item)
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
    data: pd.DataFrame, scored: pd.DataFrame, items: pd.DataFrame, groups: list[str], instrument: Instrument
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
    heavy = [f"{item_name(instrument, str(k))}: {v:.0%}" for k, v in worst.items() if v > 0.10]
    # every response counted once: placed, set aside as careless, or too few answers to place
    too_few = len(data) - numbers["n_placed"] - numbers["n_suspect"]
    verdict = (
        f"{len(data):,} responses: {numbers['n_placed']:,} ({numbers['placed_share']:.0%}) placed in a "
        f"stage, {numbers['n_suspect']:,} set aside as careless (they fail the careless-responding checks) "
        f"and {too_few:,} with too few answers to place"
    )
    verdict += f". {numbers['missing_share']:.1%} of rating answers are blank"
    verdict += (
        f"; items skipped by more than 10%: {_some(heavy, 5, '; ')} — check their wording or sensitivity."
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
    tables = (
        [ReportTable("Group sizes", ["grouping", "group", "responses"], group_rows)] if group_rows else []
    )
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
    return scales, item_rows, _reliability_section(scales, instrument), _items_section(item_rows, instrument)


def _some(names: Sequence[str], limit: int = 8, sep: str = ", ") -> str:
    """A readable list: the first ``limit`` names, then how many more."""
    shown = sep.join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _alpha_rating(alpha: float) -> str:
    if alpha >= 0.8:
        return "good"
    if alpha >= 0.7:
        return "acceptable"
    if alpha >= 0.6:
        return "questionable"
    return "poor"


def _reliability_section(scales: dict[str, Any], instrument: Instrument) -> Section:
    fitted = {k: v for k, v in scales.items() if "alpha" in v}
    names = {k: construct_name(instrument, k) for k in fitted}
    rows = [
        [names[k], v["k"], v["n"], v["alpha"], v["ci_low"], v["ci_high"], v["omega_total"], v["rating"]]
        for k, v in fitted.items()
    ]
    weak = [k for k, v in fitted.items() if v["alpha"] < 0.7]
    stage_weak = [construct_name(instrument, k) for k in weak if fitted[k]["kind"] == "stage"]
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
            f"{len(fitted) - len(weak)} of {len(fitted)} scales reach alpha .70 (Cronbach's alpha: how "
            "consistently a scale's items are answered, from 0 to 1); "
            f"{_some([construct_name(instrument, k) for k in weak])} fall short: report them for groups "
            "only, never for individuals, and review their weakest items (see the item table)."
        )
        status = "problem" if stage_weak else "caution"
        if stage_weak:
            verdict += f" Stage scales below .70 ({', '.join(stage_weak)}) make stage placement less certain."
    chart_data = pd.DataFrame({"scale": list(names.values()), "alpha": [v["alpha"] for v in fitted.values()]})
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


def _items_section(item_rows: dict[str, Any], instrument: Instrument) -> Section:
    weak = [k for k, v in item_rows.items() if not math.isnan(v["item_rest_r"]) and v["item_rest_r"] < 0.2]
    piled = [k for k, v in item_rows.items() if max(v["floor"], v["ceiling"]) > 0.6]
    parts = []
    if weak:
        names = [item_name(instrument, k) for k in weak]
        parts.append(
            f"{len(weak)} item(s) that hardly agree with their own scale (item-rest r, the correlation "
            f"of an item with the rest of its scale, below .20): {_some(names, 5, '; ')}"
        )
    if piled:
        names = [item_name(instrument, k) for k in piled]
        parts.append(
            f"{len(piled)} item(s) where most people give the extreme answer (over 60%): "
            f"{_some(names, 5, '; ')}"
        )
    if parts:
        verdict = "Review " + " — and ".join(parts) + ". Reword or drop them in the next instrument version."
        status = "caution"
    else:
        verdict = "Every item agrees with its scale (item-rest r at least .20) and uses the answer range."
        status = "good"
    rows = [
        [
            k,  # the id stays: researchers look the item up by it
            construct_name(instrument, v["construct"]),
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
                "construct": [construct_name(instrument, v["construct"]) for v in item_rows.values()],
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
    retest_first: str | None = None,
    retest_second: str | None = None,
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
    retest_first, retest_second : str, optional
        The waves the test-retest section pairs (default: the last two; one given, its neighbour).

    Returns
    -------
    MethodsReport

    Raises
    ------
    StatsError
        Fewer than 50 placed respondents, or no stage scale items in the data.
    DataError
        Unknown item columns or unreadable answers (as :func:`allypath.score`); test-retest waves asked
        for that the data do not hold (before any work).
    """
    if retest_first is not None or retest_second is not None:
        from allypath.stats import retest_pair

        retest_pair(data, first=retest_first, second=retest_second)
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
        "test-retest",
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
    raw = _raw_ratings(data, instrument)
    if not any(_likert_items(c, raw.columns) for c in instrument.constructs_of("stage")):
        raise StatsError("the data hold no stage-scale items: nothing to validate")
    reversed_items = _reverse_scored(data, instrument)
    # Imported here: the section modules use this module's Section and ReportTable.
    from allypath.reports._cfa_section import cfa_section, invariance_section
    from allypath.reports._classification_section import classification_section
    from allypath.reports._dif_section import dif_section
    from allypath.reports._efa_section import efa_section
    from allypath.reports._latent_section import calibration_section, latent_section
    from allypath.reports._retest_section import retest_section
    from allypath.reports._structure_section import structure_section

    numbers: dict[str, Any] = {}
    sections: list[Section] = []
    numbers["sample"], section = _sample(data, scored, raw, groups, instrument)
    sections.append(section)
    tick("reliability")
    numbers["reliability"], numbers["items"], rel_section, item_section = _reliability(raw, raw, instrument)
    sections += [item_section, rel_section]
    tick("factor analysis")
    numbers["efa"], section = efa_section(reversed_items, instrument, seed)
    sections.append(section)

    tick("confirmatory factor analysis")
    numbers["cfa"], section = cfa_section(reversed_items, instrument)
    sections.append(section)
    numbers["invariance"], section = invariance_section(
        data, reversed_items, instrument, groups, min_group_size, tick
    )
    sections.append(section)
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
    tick("test-retest")
    numbers["retest"], section = retest_section(scored, instrument, retest_first, retest_second)
    sections.append(section)
    tick("latent profiles")
    numbers["latent"], section = latent_section(scored, seed, instrument)
    sections.append(section)
    tick("calibration")
    numbers["calibration"], section = calibration_section(
        data, instrument, base, calibration, calibrate, seed
    )
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
    return MethodsReport(data=plain_deep(numbers), sections=sections, meta=meta)
