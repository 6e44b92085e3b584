"""Group summaries of scored responses, always through the privacy gate.

A summary reports, per group: the stage mix, the share between stages, policy awareness among those
who answered the policy questions, participation, the strongest barriers and norms, and the
interventions that fit the group best. Groups the gate hides carry only the reason.

Each barrier's mean is said with its margin in words (:func:`barrier_words`: "3.8 of 5, give or take up
to 0.4", the widest chance allows for the group's published size, as the heatmap gives it) and whether
it is strong (3.5 of 5 or more, the action plans' line): "may be strong ... too close to call" where
the margin reaches across 3.5.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from allypath.analytics._gating import GatedGroup, gated_groups, group_means_and_sizes, placed
from allypath.analytics.factors import AWARE_THRESHOLD, LIKERT, policy_awareness, share, widest_margins
from allypath.analytics.margin_words import give_or_take, straddles
from allypath.analytics.mix import wilson_interval
from allypath.model import BARRIERS, INTERVENTIONS, NORMS, STAGES, Factor, Intervention
from allypath.model import intervention as model_intervention
from allypath.privacy import PrivacyPolicy, Release
from allypath.privacy.release import DETAIL_STAGES, solve_answerers

__all__ = ["AWARE_THRESHOLD", "STRONG", "GroupSummary", "barrier_words", "summarise_groups"]

#: A barrier or norm at 3.5 of 5 or more is strong (the action plans' and the summary's line).
STRONG = 3.5


Interval = tuple[float, float]
_NO_INTERVAL: Interval = (float("nan"), float("nan"))


@dataclass(frozen=True)
class GroupSummary:
    """One group's summary. Each share comes with its 95% Wilson interval (``*_interval``: where the
    share of the whole population the group stands for likely lies); a share withheld because it would
    tell members' answers is NaN, its interval too. ``barrier_margin`` is how far the top barriers'
    means may move by chance on the 1-5 scale, the widest of theirs (each from the number of men it is
    over: :func:`~allypath.analytics.factors.widest_margins`; None where none is shown);
    :meth:`barrier_lines` says each top barrier with it."""

    group: str
    n: int
    visible: bool
    hidden_reason: str = ""
    stage_mix: dict[int, float] = field(default_factory=dict)
    stage_intervals: dict[int, Interval] = field(default_factory=dict)
    between_share: float = float("nan")
    between_interval: Interval = _NO_INTERVAL
    policy_answered: int = 0
    policy_aware_share: float = float("nan")
    policy_aware_interval: Interval = _NO_INTERVAL
    participation_share: float = float("nan")
    participation_interval: Interval = _NO_INTERVAL
    top_barriers: list[tuple[str, float]] = field(default_factory=list)
    actions: list[tuple[str, str]] = field(default_factory=list)
    barrier_margin: float | None = None

    def barrier_lines(self) -> list[str]:
        """The top barriers in words, each mean with its margin and whether it is strong."""
        return [barrier_words(label, value, self.barrier_margin) for label, value in self.top_barriers]


def barrier_words(label: str, mean: float, margin: float | None) -> str:
    """A barrier's mean with its margin in words, and whether it is strong (3.5 of 5 or more, read on
    the mean as written); "may be strong ... too close to call" where the margin reaches across 3.5.

    >>> barrier_words("Fear", 4.24, 0.3)
    'Fear is strong (4.2 of 5, give or take up to 0.3)'
    >>> barrier_words("Fear", 3.8, 0.4)
    'Fear may be strong (3.8 of 5, give or take up to 0.4: too close to call)'
    >>> barrier_words("Fear", 3.1, 0.3), barrier_words("Fear", 3.1, None)
    ('Fear is not strong (3.1 of 5, give or take up to 0.3)', 'Fear is not strong (3.1 of 5)')
    """
    shown = float(f"{mean:.1f}")
    figure = f"{mean:.1f} of 5{give_or_take(margin)}"
    if straddles(shown, margin, at_least=[STRONG]):
        return f"{label} may be strong ({figure}: too close to call)"
    return f"{label} {'is' if shown >= STRONG else 'is not'} strong ({figure})"


def _number(row: Mapping[Hashable, Any] | None, column: str) -> float:
    value = None if row is None else row.get(column)
    return float("nan") if value is None or pd.isna(value) else float(value)


def _whole(row: Mapping[Hashable, Any] | None, column: str) -> int:
    value = _number(row, column)
    return 0 if value != value else int(value)


def _interval(value: float, n: int) -> Interval:
    """The 95% Wilson interval of a share ``value`` of ``n`` (NaN where the share is withheld)."""
    if value != value or n <= 0:
        return _NO_INTERVAL
    low, high = wilson_interval(round(value * n), n)
    return float(low), float(high)


def _actions(stage_mix: dict[int, float], barriers: list[tuple[Factor, float]]) -> list[tuple[str, str]]:
    """Interventions ranked by how much of the group's stage mix they suit, plus the top barrier's.

    A first cut of the action plan: each intervention scores the share of the group at the stages it
    suits; the interventions named against the group's strongest barrier are added with that reason.
    """
    ranked: list[tuple[float, Intervention]] = sorted(
        ((sum(stage_mix.get(s, 0.0) for s in i.stages), i) for i in INTERVENTIONS if len(i.stages) < 4),
        key=lambda pair: -pair[0],
    )
    actions = [
        (i.label.get_lang("en"), f"suits {share:.0%} of the group by stage") for share, i in ranked[:2]
    ]
    if barriers:
        factor, _ = barriers[0]
        label = factor.label.get_lang("en")
        known = {a for a, _ in actions}
        for key in factor.interventions[:2]:
            intervention = model_intervention(key)
            name = intervention.label.get_lang("en")
            if name not in known:
                actions.append((name, f"addresses the strongest barrier: {label}"))
    return actions


def _between_release(groups: list[GatedGroup]) -> Release | None:
    """The release the share between two stages is given from: a yes/no of every placed man, so the
    total's share minus unit A's would tell unit B's ("all 5 between stages") where B's own is
    withheld. It is solved as the awareness answers are (``solve_answerers``: every placed man an
    answerer, "between" his yes) and a share is given only where it shows the group's split."""
    gate = next((g.gate for g in groups if g.gate is not None and not g.gate.cohort), None)
    if gate is None or "between_stages" not in gate.source.columns:
        return None
    between = gate.source["between_stages"].fillna(False).astype(bool).to_numpy()
    return solve_answerers(gate.release, gate.source, np.ones(between.size, dtype=bool), between)


def _between_shown(group: GatedGroup, solved: Release | None) -> bool:
    gate = group.gate
    if solved is None or gate is None or gate.cohort:
        return False
    return solved.cell(gate.where).detail >= DETAIL_STAGES


def summarise_groups(
    scored: pd.DataFrame,
    by: str,
    policy: PrivacyPolicy | None = None,
    *,
    release: Release | None = None,
    filters: Mapping[str, Hashable] | None = None,
) -> list[GroupSummary]:
    """One :class:`GroupSummary` per value of ``by``, gated by ``policy`` (default k=5).

    Pass the organisation's ``release`` so the figures are the published ones.
    """
    out = []
    # Answer counts and shares from the answerers' releases, as the dashboard has them: two groups'
    # "answered" could otherwise be subtracted to one man's answer (analytics.factors).
    table = policy_awareness(scored, by, release=release, policy=policy, filters=filters)
    answers: dict[str, Mapping[Hashable, Any]] = {str(row["group"]): row for row in table.to_dict("records")}
    groups = gated_groups(placed(scored), by, release, policy=policy, filters=filters)
    between_release = _between_release(groups)
    for gated in groups:
        group, decision, frame = gated.values[by], gated.decision, gated.rows
        if not gated.figures or gated.detail < 2:
            reason = decision.message or "the stage split is not published for this group"
            out.append(GroupSummary(str(group), decision.n, False, reason))
            continue
        mix = frame["stage"].astype(int).value_counts(normalize=True)
        stage_mix = {s.number: float(mix.get(s.number, 0.0)) for s in STAGES}
        shown = answers.get(gated.label)
        answered = _whole(shown, "answered")
        took_part_among = _whole(shown, "participation_answered")
        # Means as the heatmap publishes them: withheld where one member's answer would pin the others'.
        factors = [f for f in (*BARRIERS, *NORMS) if f.key != "low_policy_awareness"]
        columns = [f"score_{f.construct}" for f in factors]
        means, sizes = group_means_and_sizes([gated], gated.frame, columns, scale=LIKERT)
        barriers = [(f, float(means[0, j]), j) for j, f in enumerate(factors) if means[0, j] == means[0, j]]
        barriers.sort(key=lambda found: -found[1])
        top = [(f, value) for f, value, _ in barriers[:3]]
        (margin,) = widest_margins(sizes[0, [j for _, _, j in barriers[:3]]], LIKERT)
        shown_between = _between_shown(gated, between_release)
        between = share(frame["between_stages"].astype(bool)) if shown_between else float("nan")
        aware = _number(shown, "claimed_share")
        took_part = _number(shown, "participation_share")
        out.append(
            GroupSummary(
                group=str(group),
                n=decision.n,
                visible=True,
                stage_mix=stage_mix,
                stage_intervals={number: _interval(value, len(frame)) for number, value in stage_mix.items()},
                between_share=between,
                between_interval=_interval(between, len(frame)),
                policy_answered=answered,
                policy_aware_share=aware,
                policy_aware_interval=_interval(aware, answered),
                participation_share=took_part,
                participation_interval=_interval(took_part, took_part_among),
                top_barriers=[(f.label.get_lang("en"), value) for f, value in top],
                actions=_actions(stage_mix, top),
                barrier_margin=margin,
            )
        )
    return out
