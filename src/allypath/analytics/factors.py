"""What surrounds the stage mix, per group and through the gate: barriers, norms and enablers,
HR's three diagnostic questions, policy awareness, perceived versus scored stage, turning points
and context profiles.

Scores are construct means on the instrument's 1-5 agreement scale; the knowledge check is the
share of policy facts identified correctly (0-1).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

import numpy as np
import pandas as pd

from allypath.analytics._gating import (
    GatedGroup,
    discloses_answers,
    gated_groups,
    group_means,
    hidden_row,
    placed,
)
from allypath.model import BARRIERS, DIAGNOSTIC_QUESTIONS, ENABLERS, NORMS
from allypath.privacy import PrivacyPolicy, Release

__all__ = [
    "AWARE_THRESHOLD",
    "VERIFIED_THRESHOLD",
    "context_profiles",
    "diagnostic_answers",
    "factor_heatmap",
    "perception_gap",
    "policy_awareness",
    "turning_points",
]

AWARE_THRESHOLD = 3.5  # mean claimed policy awareness at "agree" or above
VERIFIED_THRESHOLD = 0.75  # at least three in four policy facts identified correctly
AGREE, DISAGREE = 3.5, 2.5  # on the 1-5 scale: agreement and disagreement on average
SCALE_MAX = 5.0
LIKERT = (1.0, SCALE_MAX)  # construct means run from 1 to 5
FACTORS = (*BARRIERS, *NORMS, *ENABLERS)


def share(yes: pd.Series) -> float:
    """The share of ``True``, withheld (NaN) where it would tell members' answers: when all but at
    most one answered alike, a member who knows his own answer knows everyone else's.

    Examples
    --------
    >>> share(pd.Series([True, False, True, True, False])), share(pd.Series([True] * 4 + [False]))
    (0.6, nan)
    """
    count, n = int(yes.sum()), len(yes)
    if n == 0 or count <= 1 or count >= n - 1:
        return float("nan")
    return count / n


def _bounded_mean(values: pd.Series, scale: tuple[float, float]) -> float:
    """The mean, withheld where it pins every other member's answer (see ``discloses_answers``)."""
    mean = float(values.mean()) if len(values) else float("nan")
    pinned = discloses_answers(np.array([mean]), np.array([len(values)]), scale)[0]
    return float("nan") if pinned else mean


def _mean(rows: pd.DataFrame, column: str) -> float:
    values = _values(rows, column)
    return float(values.mean()) if len(values) else float("nan")


def _values(rows: pd.DataFrame, column: str) -> pd.Series:
    """The non-missing numeric values of ``column`` (empty if the column is absent)."""
    if column not in rows.columns:
        return pd.Series(dtype=float)
    return pd.to_numeric(rows[column], errors="coerce").astype(float).dropna()


def _groups(
    scored: pd.DataFrame,
    by: str | Sequence[str],
    release: Release | None,
    policy: PrivacyPolicy | None,
    filters: Mapping[str, Hashable] | None,
) -> tuple[list[GatedGroup], PrivacyPolicy]:
    chosen = release.policy if release is not None else policy or PrivacyPolicy()
    return gated_groups(placed(scored), by, release, policy=chosen, filters=filters), chosen


def factor_heatmap(
    scored: pd.DataFrame,
    by: str | Sequence[str],
    *,
    release: Release | None = None,
    policy: PrivacyPolicy | None = None,
    filters: Mapping[str, Hashable] | None = None,
) -> pd.DataFrame:
    """Mean score per barrier, norm and enabler per group: one column per factor key.

    For barriers and norms higher means a stronger obstacle; ``low_policy_awareness`` is shown as
    ``6 - knowledge_claimed`` so that it reads the same way. For enablers higher is better.
    ``DataFrame.attrs["factors"]`` maps each column to its kind and English label.
    """
    groups, _ = _groups(scored, by, release, policy, filters)
    frame = groups[0].frame if groups else scored.iloc[:0]
    means = group_means(groups, frame, [f"score_{f.construct}" for f in FACTORS], scale=LIKERT)
    rows = []
    for position, group in enumerate(groups):
        row = hidden_row(group)
        for j, factor in enumerate(FACTORS):
            value = float(means[position, j])
            if factor.key == "low_policy_awareness":
                value = SCALE_MAX + 1 - value
            row[factor.key] = value
        rows.append(row)
    out = pd.DataFrame(rows)
    out.attrs["factors"] = {f.key: {"kind": f.kind, "label": f.label.get_lang("en")} for f in FACTORS}
    return out


def _verdict(score: float) -> str:
    if np.isnan(score):
        return "unknown"
    return "yes" if score >= AGREE else "no" if score <= DISAGREE else "mixed"


_ANSWERS = {
    "yes": "Mostly yes: on average men agree ({score:.1f} on a 1-5 scale).",
    "mixed": "Mixed: men neither clearly agree nor disagree ({score:.1f} on a 1-5 scale).",
    "no": "Mostly no: on average men disagree ({score:.1f} on a 1-5 scale).",
    "unknown": "No answer: too few responses to these questions.",
}


def diagnostic_answers(
    scored: pd.DataFrame,
    by: str | Sequence[str],
    *,
    release: Release | None = None,
    policy: PrivacyPolicy | None = None,
    filters: Mapping[str, Hashable] | None = None,
    language: str = "en",
) -> pd.DataFrame:
    """HR's three diagnostic questions answered in plain words per group, from the enabler scores.

    A question's score is the mean of its constructs' group means; 3.5 and above reads "mostly
    yes", 2.5 and below "mostly no", in between "mixed". One row per group and question:
    ``question`` (key), ``text``, ``score``, ``verdict`` (yes/mixed/no/unknown), ``answer``.
    """
    groups, _ = _groups(scored, by, release, policy, filters)
    constructs = sorted({c for q in DIAGNOSTIC_QUESTIONS for c in q.constructs})
    frame = groups[0].frame if groups else scored.iloc[:0]
    means = group_means(groups, frame, [f"score_{c}" for c in constructs], scale=LIKERT)
    rows = []
    for position, group in enumerate(groups):
        for question in DIAGNOSTIC_QUESTIONS:
            row = hidden_row(group)
            score = float("nan")
            if group.figures:
                known = [means[position, constructs.index(c)] for c in question.constructs]
                known = [m for m in known if not np.isnan(m)]
                score = float(np.mean(known)) if known else float("nan")
            verdict = _verdict(score)
            row.update(
                {
                    "question": question.key,
                    "text": question.text.get_lang(language),
                    "score": score,
                    "verdict": verdict if group.figures else pd.NA,
                    "answer": _ANSWERS[verdict].format(score=score) if group.figures else pd.NA,
                }
            )
            rows.append(row)
    return pd.DataFrame(rows)


def policy_awareness(
    scored: pd.DataFrame,
    by: str | Sequence[str],
    *,
    release: Release | None = None,
    policy: PrivacyPolicy | None = None,
    filters: Mapping[str, Hashable] | None = None,
) -> pd.DataFrame:
    """Claimed versus verified policy awareness, and participation, per group.

    - ``answered``: respondents who answered the policy questions (shown only when at least k).
    - ``claimed_share``: of those, the share whose claimed awareness is at least 3.5.
    - ``verified_share``: of those with a knowledge check, the share with at least 75% correct;
      ``verified_mean`` is the mean share correct.
    - ``participation_share``: share of the group who took part in at least one initiative.
    """
    groups, chosen = _groups(scored, by, release, policy, filters)
    k = chosen.k
    rows = []
    for group in groups:
        row = hidden_row(group)
        values = dict.fromkeys(
            ("answered", "claimed_share", "verified_mean", "verified_share", "participation_share"),
            float("nan"),
        )
        if group.figures:
            claimed = _values(group.rows, "score_knowledge_claimed")
            checked = _values(group.rows, "score_knowledge_check")
            taken = _values(group.rows, "participation_count")
            if len(claimed) >= k:  # the answerers are a subgroup: the same minimum applies
                values["answered"] = len(claimed)
                values["claimed_share"] = share(claimed >= AWARE_THRESHOLD)
            if len(checked) >= k:
                values["verified_mean"] = _bounded_mean(checked, (0.0, 1.0))
                values["verified_share"] = share(checked >= VERIFIED_THRESHOLD)
            if len(taken) >= k:
                values["participation_share"] = share(taken > 0)
        rows.append({**row, **values})
    return pd.DataFrame(rows)


def perception_gap(
    scored: pd.DataFrame,
    by: str | Sequence[str],
    *,
    release: Release | None = None,
    policy: PrivacyPolicy | None = None,
    filters: Mapping[str, Hashable] | None = None,
) -> pd.DataFrame:
    """Where men place themselves versus where the scoring places them, per group.

    ``mean_perceived`` and ``mean_scored`` stages, ``mean_gap`` (perceived minus scored) and the
    shares who see themselves further along (``over_share``), behind (``under_share``) or alike.
    """
    groups, _ = _groups(scored, by, release, policy, filters)
    rows = []
    for group in groups:
        row = hidden_row(group)
        stats = dict.fromkeys(
            ("mean_perceived", "mean_scored", "mean_gap", "over_share", "under_share", "aligned_share"),
            float("nan"),
        )
        if group.figures and "perception_gap" in group.rows:
            gap = pd.to_numeric(group.rows["perception_gap"], errors="coerce").dropna()
            stats["mean_perceived"] = _mean(group.rows, "perceived_stage")
            stats["mean_scored"] = _mean(group.rows, "stage")
            if len(gap):
                stats.update(
                    mean_gap=float(gap.mean()),
                    over_share=share(gap > 0),
                    under_share=share(gap < 0),
                    aligned_share=share(gap == 0),
                )
        rows.append({**row, **stats})
    return pd.DataFrame(rows)


def turning_points(
    scored: pd.DataFrame,
    by: str | Sequence[str],
    *,
    release: Release | None = None,
    policy: PrivacyPolicy | None = None,
    filters: Mapping[str, Hashable] | None = None,
) -> pd.DataFrame:
    """Share of each group naming each turning point (columns ``tp_<option>`` if present).

    Shares are among those who answered the question (any ``tp_`` column not blank), and only where
    at least k answered (the answerers are a subgroup: the same minimum applies, as for policy
    awareness). Without ``tp_`` columns the result has the group columns only.
    """
    options = [c for c in scored.columns if c.startswith("tp_")]
    groups, rules = _groups(scored, by, release, policy, filters)
    rows = []
    for group in groups:
        row = hidden_row(group)
        answered = (
            group.rows[options].notna().any(axis=1) if options and group.figures else pd.Series(dtype=bool)
        )
        for option in options:
            value = float("nan")
            if group.figures and int(answered.sum()) >= rules.k:
                chosen = pd.to_numeric(group.rows.loc[answered, option], errors="coerce").fillna(0)
                value = share(chosen > 0)
            row[option.removeprefix("tp_")] = value
        rows.append(row)
    return pd.DataFrame(rows)


def context_profiles(
    scored: pd.DataFrame,
    by: str | Sequence[str],
    *,
    release: Release | None = None,
    policy: PrivacyPolicy | None = None,
    filters: Mapping[str, Hashable] | None = None,
) -> pd.DataFrame:
    """Mean stage per work context per group (columns ``context_<name>_stage``), one column each.

    Men shift between stages with context; a group's profile shows where it is furthest along
    (e.g. team meetings) and where it lags (e.g. hiring and promotion).
    """
    contexts = [c for c in scored.columns if c.startswith("context_") and c.endswith("_stage")]
    groups, _ = _groups(scored, by, release, policy, filters)
    frame = groups[0].frame if groups else scored.iloc[:0]
    means = group_means(groups, frame, contexts, scale=(1.0, 4.0))
    rows = []
    for position, group in enumerate(groups):
        row = hidden_row(group)
        for j, column in enumerate(contexts):
            row[column.removeprefix("context_").removesuffix("_stage")] = float(means[position, j])
        rows.append(row)
    return pd.DataFrame(rows)
