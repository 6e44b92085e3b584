"""The methods report's exploratory factor analysis: sampling adequacy, parallel analysis and the
minres factors of the items (docs/methods.md); ``(numbers, Section)`` as the other sections."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from allypath.instrument import Instrument
from allypath.reports.charts import heatmap, line_chart
from allypath.reports.labels import construct_name
from allypath.reports.methods import (
    PARALLEL_ITERATIONS,
    ReportTable,
    Section,
    _likert_items,
)
from allypath.stats import (
    FactorAnalysis,
    bartlett_sphericity,
    kmo,
    parallel_analysis,
)

__all__ = ["efa_section"]


def efa_section(scored_items: pd.DataFrame, instrument: Instrument, seed: int) -> tuple[dict, Section]:
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
            ", so the items sort into the four stage scales as designed."
            if share >= 0.9
            else "; the scales overlap: read neighbouring stages as related rather than separate."
        )
        + " "
        + _count_sentence(parallel.n_factors, n_factors)
        + " Sampling adequacy (KMO: whether the items share enough to be factor-analysed at all) is "
        f"{_kmo_word(adequacy.overall)} ({adequacy.overall:.2f})."
    )
    # The rule of docs/methods.md; answers with no common factor at all are a problem, not a caution.
    status = "good" if share >= 0.9 and adequacy.overall >= 0.6 else "caution"
    if parallel.n_factors == 0:
        status = "problem"
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
        [[construct_name(instrument, k), v] for k, v in factor_of.items()],
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


def _count_sentence(found: int, designed: int) -> str:
    """What the number of factors parallel analysis keeps says, in words (``designed``: the scales)."""
    lead = "Parallel analysis (which counts the factors that stand out from those of random answers) finds"
    if found == 0:
        return f"{lead} none: the stage items share no common structure, as if they were answered at random."
    if found == 1:
        return (
            f"{lead} one: the stage items line up on a single dimension rather than {designed} separate ones."
        )
    if found < designed:
        return (
            f"{lead} {found}, fewer than the {designed} stage scales: the answers hold fewer distinct "
            "dimensions than designed, so some stages merge or share a dimension. Items that each peak "
            "at one stage do this too (a factor analysis assumes agreement rises steadily), so this "
            "alone does not rule out distinct stages: 'Stages or a continuum?' tests that."
        )
    if found == designed:
        return f"{lead} {found}, one per stage scale, as designed."
    return f"{lead} {found}, more than the {designed} stage scales: some scales mix more than one theme."


def _kmo_word(value: float) -> str:
    return "good" if value >= 0.8 else "acceptable" if value >= 0.6 else "poor"
