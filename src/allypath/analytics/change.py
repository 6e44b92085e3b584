"""Change between two waves and stage transitions in panel mode, through the trend rule.

A change is shown for a group only where the group passes every privacy rule on both waves; a
transition matrix only where the panel cohort (members linked by their panel key who answered
both waves) does, on both waves.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

import numpy as np
import pandas as pd

from allypath.analytics._gating import gated_pairs, group_means, hidden_row, placed, require
from allypath.analytics.mix import STAGE_KEYS
from allypath.privacy import PrivacyPolicy, Release

__all__ = ["DEFAULT_METRICS", "transitions", "wave_change"]

DEFAULT_METRICS = ("index",)


def _scale(metric: str) -> tuple[float, float] | None:
    """The range of a metric's answers (for the rule that a mean may not pin others' answers)."""
    if metric == "index":
        return (0.0, 100.0)
    return (1.0, 5.0) if metric.startswith("score_") else None


def wave_change(
    scored: pd.DataFrame,
    by: str | Sequence[str],
    waves: tuple[Hashable, Hashable],
    *,
    metrics: Sequence[str] = DEFAULT_METRICS,
    wave_column: str = "wave",
    release: Release | None = None,
    policy: PrivacyPolicy | None = None,
    filters: Mapping[str, Hashable] | None = None,
) -> pd.DataFrame:
    """Each group's stage mix and ``metrics`` (column means) on two waves, and the change.

    Returns one row per group with ``n_before``, ``n_after``, then for each stage and metric
    ``<name>_before``, ``<name>_after`` and ``<name>_change`` (after minus before), where stage
    names are ``share_<stage>``. Hidden rows carry reason ``trend`` and say which wave failed.
    """
    require(scored, ["stage", *metrics])
    pairs = gated_pairs(
        placed(scored), by, release, waves, policy=policy, wave_column=wave_column, filters=filters
    )
    if not pairs:
        return pd.DataFrame()
    names = [f"share_{k}" for k in STAGE_KEYS] + list(metrics)
    figures = []
    for side in (0, 1):
        groups = [pair[side] for pair in pairs]
        frame = groups[0].frame
        stage = pd.to_numeric(frame["stage"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        columns = {f"share_{k}": (stage == n).astype(float) for n, k in enumerate(STAGE_KEYS, 1)}
        shares = group_means(groups, pd.DataFrame(columns), list(columns))
        means = [group_means(groups, frame, [m], scale=_scale(m)) for m in metrics]
        figures.append(np.hstack([shares, *means]))
    rows = []
    for position, (before, after) in enumerate(pairs):
        row = hidden_row(after)
        row["n"] = pd.NA
        row["n_before"] = before.index.size if before.visible else pd.NA
        row["n_after"] = after.index.size if after.visible else pd.NA
        split = before.detail == after.detail == 2  # both waves show every stage
        for j, name in enumerate(names):
            a, b = float(figures[0][position, j]), float(figures[1][position, j])
            if j < len(STAGE_KEYS) and not split:
                a = b = float("nan")
            row.update({f"{name}_before": a, f"{name}_after": b, f"{name}_change": b - a})
        rows.append(row)
    return pd.DataFrame(rows)


def transitions(
    scored: pd.DataFrame,
    by: str | Sequence[str],
    waves: tuple[Hashable, Hashable],
    *,
    panel_key: str = "panel_key",
    wave_column: str = "wave",
    release: Release | None = None,
    policy: PrivacyPolicy | None = None,
    filters: Mapping[str, Hashable] | None = None,
) -> pd.DataFrame:
    """Stage transition (Markov) matrices per group for panel members who answered both waves.

    Groups are formed on the first wave. One row per group and stage pair: ``from_stage``,
    ``to_stage`` (1-4), ``count`` and ``probability`` (row-normalised: the share of those at
    ``from_stage`` on the first wave who are at ``to_stage`` on the second). Hidden groups have a
    single row with the reason (``trend``) and no matrix.
    """
    require(scored, ["stage", panel_key])
    rows = []
    for before, after in gated_pairs(
        placed(scored),
        by,
        release,
        waves,
        policy=policy,
        wave_column=wave_column,
        filters=filters,
        cohort=panel_key,
    ):
        base = hidden_row(after)
        if not (before.figures and after.figures and before.detail == 2 and after.detail == 2):
            rows.append(
                {**base, "from_stage": pd.NA, "to_stage": pd.NA, "count": pd.NA, "probability": np.nan}
            )
            continue
        start = before.rows.set_index(panel_key)["stage"].astype(int)
        end = after.rows.set_index(panel_key)["stage"].astype(int).reindex(start.index)
        matrix = np.zeros((4, 4), dtype=int)
        np.add.at(matrix, (start.to_numpy() - 1, end.to_numpy() - 1), 1)
        totals = matrix.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            probability = np.where(totals > 0, matrix / totals, np.nan)
        for i in range(4):
            for j in range(4):
                rows.append(
                    {
                        **base,
                        "from_stage": i + 1,
                        "to_stage": j + 1,
                        "count": int(matrix[i, j]),
                        "probability": float(probability[i, j]),
                    }
                )
    return pd.DataFrame(rows)
