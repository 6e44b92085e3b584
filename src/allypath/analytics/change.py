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
from allypath.privacy.solve import disclosive

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

    Each from-stage row of a shown group is itself checked (:func:`_hidden_rows`): ``row_stage``
    names it, ``row_shown`` says whether its pairs are given, and a hidden row is one line with
    ``row_message`` and no ``from_stage``, ``to_stage``, ``count`` or ``probability``.

    Only a panel wave and the panel wave right after it can be compared (the release checks the
    cohort of those two only); any other pair raises :class:`~allypath.errors.RequestProblem`.
    """
    require(scored, ["stage", panel_key])
    # k as the release decides with (without one, gated_pairs solves one with this same policy)
    rules = release.policy if release is not None else (policy or PrivacyPolicy())
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
        held = _hidden_rows(matrix, rules)
        totals = matrix.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            probability = np.where(totals > 0, matrix / totals, np.nan)
        for i in range(4):
            if i in held:  # one row saying why, with no stage pair, count or share in it
                rows.append(
                    {
                        **base,
                        "from_stage": pd.NA,
                        "to_stage": pd.NA,
                        "count": pd.NA,
                        "probability": np.nan,
                        "row_stage": i + 1,
                        "row_shown": False,
                        "row_message": _row_message(held[i], rules),
                    }
                )
                continue
            for j in range(4):
                rows.append(
                    {
                        **base,
                        "from_stage": i + 1,
                        "to_stage": j + 1,
                        "count": int(matrix[i, j]),
                        "probability": float(probability[i, j]),
                        "row_stage": i + 1,
                        "row_shown": True,
                        "row_message": pd.NA,
                    }
                )
    return pd.DataFrame(rows)


def _hidden_rows(matrix: np.ndarray, policy: PrivacyPolicy) -> dict[int, str]:
    """The from-stage rows of a cohort's matrix that may not be shown, with their reason code.

    A row (the cohort members at one stage on the first wave) is a group, and where they are on the
    second wave is its stage split, so the release's rules apply to it as to any cell: fewer than k
    people is hidden ("below_k"); a split where one stage holds all but at most one member is hidden
    ("attribute": a member who knows his own move would learn the others'). Rows are hidden whole,
    never shown in bands: a banded row could be completed by subtraction like a hidden one.

    Complementary rows: the row sizes (the first wave's split) and the column sizes (the second
    wave's split) of the cohort are published, so the hidden rows taken together are always known
    (second-wave split minus the shown rows). One hidden row would be recovered exactly; so, while
    the hidden rows together are fewer than k people or their joint split is disclosive by the same
    test, the smallest shown row is hidden too ("complementary"). This is the simplest rule that
    holds: what subtraction yields is then a group the release itself would show, and every row
    hidden alone stays inside it. Hiding every row is always safe (it leaves only the two published
    splits). The result depends on the matrix and k only, so every viewer gets the same rows.
    """
    sizes = matrix.sum(axis=1)
    held: dict[int, str] = {}
    for row in range(len(sizes)):
        if 0 < sizes[row] < policy.k:
            held[row] = "below_k"
        elif disclosive(matrix[row], int(sizes[row])):
            held[row] = "attribute"

    def recoverable() -> bool:
        rows = list(held)
        together = int(sizes[rows].sum())
        return together > 0 and (together < policy.k or disclosive(matrix[rows].sum(axis=0), together))

    while recoverable():
        rest = [row for row in range(len(sizes)) if row not in held and sizes[row] > 0]
        if not rest:
            break  # every row hidden: only the cohort's published splits remain
        held[min(rest, key=lambda row: (int(sizes[row]), row))] = "complementary"
    return held


_ROW_REASONS = {
    "below_k": "fewer than {k} people were at this stage on the first wave",
    "attribute": "hidden so that no one's stage on the second wave can be worked out",
    "complementary": "hidden so that a smaller group's moves cannot be worked out",
}


def _row_message(code: str, policy: PrivacyPolicy) -> str:
    return _ROW_REASONS[code].format(k=policy.k)
