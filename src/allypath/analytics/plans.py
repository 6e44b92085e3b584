"""Action plans: per group, the interventions the model names for its stage mix and its weakest
factors, prioritised and each with its reason; and the follow-up on a later wave.

Candidates come from three sources, scored on one scale (0-1) so they can be ranked together:

- **stage fit** (``stage_mix``): the share of the group at the stages an intervention suits;
  interventions that suit every stage are left to the other two sources.
- **barrier or norm** (``barrier``): a barrier or masculine norm the group reports at 3.5 or more
  on the 1-5 scale (low policy awareness: claimed awareness at 2.5 or less); score = how far above
  (below) the threshold, scaled to 0-1, plus 0.5 so a clear obstacle outranks a weak stage fit.
- **missing enabler** (``enabler_gap``): an enabler at 2.5 or less; scored like a barrier.

An intervention named by several sources keeps the highest score and all the reasons. Each item
says which of the four research enablers it puts into practice and the action the group's most
common stage calls for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import asdict, dataclass, field

import pandas as pd

from allypath.analytics._gating import GatedGroup, by_columns, gated_groups, placed
from allypath.analytics.change import wave_change
from allypath.analytics.mix import STAGE_KEYS
from allypath.errors import DataError
from allypath.model import BARRIERS, ENABLERS, INTERVENTIONS, NORMS, STAGES, Factor, intervention
from allypath.privacy import PrivacyPolicy, Release

__all__ = ["PLAN_STATUSES", "PlanItem", "action_plan", "plan_progress"]

PLAN_STATUSES = ("proposed", "adopted", "in_progress", "done", "dropped")
STRONG, WEAK = 3.5, 2.5
SCALE_SPAN = 1.5  # from the threshold to the end of the 1-5 scale


@dataclass
class PlanItem:
    """One intervention proposed (or adopted) for one group; plain data the web layer can persist.

    ``reason_codes`` are machine-readable (``stage_mix``, ``barrier``, ``enabler_gap``) and
    ``evidence`` holds the figures behind them (factor key -> group mean, or stage key -> share).
    """

    intervention: str
    group: str
    filters: dict[str, Hashable]
    priority: int
    reason: str
    reason_codes: tuple[str, ...]
    evidence: dict[str, float] = field(default_factory=dict)
    enabler: str | None = None
    stage_action: str = ""
    owner: str = ""
    due: dt.date | None = None
    status: str = "proposed"

    def __post_init__(self) -> None:
        if self.status not in PLAN_STATUSES:
            raise DataError(f"status must be one of {PLAN_STATUSES}, got {self.status!r}", column="status")

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["reason_codes"] = list(self.reason_codes)
        data["due"] = self.due.isoformat() if self.due else None
        return data


@dataclass
class _Candidate:
    score: float
    reasons: list[str]
    codes: list[str]
    evidence: dict[str, float]


def _factor_mean(rows: pd.DataFrame, factor: Factor) -> float:
    column = f"score_{factor.construct}"
    if column not in rows.columns:
        return float("nan")
    values = pd.to_numeric(rows[column], errors="coerce").astype(float).dropna()
    return float(values.mean()) if len(values) else float("nan")


def _candidates(group: GatedGroup, language: str) -> dict[str, _Candidate]:
    rows = group.rows
    stage = pd.to_numeric(rows["stage"], errors="coerce")
    mix = {s.number: float((stage == s.number).mean()) for s in STAGES}
    out: dict[str, _Candidate] = {}

    def add(key: str, score: float, reason: str, code: str, evidence: dict[str, float]) -> None:
        found = out.setdefault(key, _Candidate(0.0, [], [], {}))
        found.score = max(found.score, score)
        found.reasons.append(reason)
        if code not in found.codes:
            found.codes.append(code)
        found.evidence.update(evidence)

    for item in INTERVENTIONS:
        if len(item.stages) == len(STAGES):
            continue
        share = sum(mix[s] for s in item.stages)
        if share > 0:
            stages = ", ".join(STAGES[s - 1].short_label.get_lang(language) for s in item.stages)
            evidence = {STAGE_KEYS[s - 1]: mix[s] for s in item.stages}
            add(item.key, share, f"suits {share:.0%} of the group by stage ({stages})", "stage_mix", evidence)
    for factor in (*BARRIERS, *NORMS, *ENABLERS):
        mean = _factor_mean(rows, factor)
        if mean != mean:  # NaN: not measured
            continue
        low_is_bad = factor.kind == "enabler" or factor.key == "low_policy_awareness"
        gap = (WEAK - mean) if low_is_bad else (mean - STRONG)
        if gap < 0:
            continue
        label = factor.label.get_lang(language)
        code = "enabler_gap" if factor.kind == "enabler" else "barrier"
        words = "is weak" if factor.kind == "enabler" else "is strong"
        for key in factor.interventions:
            add(
                key,
                0.5 + min(gap / SCALE_SPAN, 1.0) * 0.5,
                f"{label} {words} ({mean:.1f} of 5)",
                code,
                {factor.key: mean},
            )
    return out


def action_plan(
    scored: pd.DataFrame,
    by: str | Sequence[str],
    *,
    release: Release | None = None,
    policy: PrivacyPolicy | None = None,
    filters: Mapping[str, Hashable] | None = None,
    limit: int = 5,
    language: str = "en",
) -> list[PlanItem]:
    """Prioritised interventions for every group the gate shows (hidden groups get none).

    Items are ordered by group, then priority (1 = first). ``limit`` caps the items per group.
    """
    base = dict(filters or {})
    items: list[PlanItem] = []
    for group in gated_groups(placed(scored), by_columns(by), release, policy=policy, filters=base):
        # the plan reads the group's stage mix: only where the release shows every stage
        if group.detail < 2 or group.rows.empty:
            continue
        stage = pd.to_numeric(group.rows["stage"], errors="coerce").dropna().astype(int)
        common = STAGES[int(stage.mode().iloc[0]) - 1] if len(stage) else STAGES[0]
        ranked = sorted(_candidates(group, language).items(), key=lambda kv: (-kv[1].score, kv[0]))
        for priority, (key, candidate) in enumerate(ranked[:limit], start=1):
            items.append(
                PlanItem(
                    intervention=key,
                    group=group.label,
                    filters={**base, **group.values},
                    priority=priority,
                    reason="; ".join(candidate.reasons),
                    reason_codes=tuple(candidate.codes),
                    evidence=candidate.evidence,
                    enabler=intervention(key).enabler,
                    stage_action=common.action.get_lang(language),
                )
            )
    return items


def plan_progress(
    scored: pd.DataFrame,
    items: Sequence[PlanItem],
    waves: tuple[Hashable, Hashable],
    *,
    wave_column: str = "wave",
    release: Release | None = None,
    policy: PrivacyPolicy | None = None,
) -> pd.DataFrame:
    """For the groups a plan targeted, the change between two waves (through the trend rule).

    One row per plan item: its intervention and group, then the group's change in stage mix and
    developmental index (``wave_change`` columns), and for each factor named in its evidence the
    change in that factor's mean (``<factor>_change``). Groups are matched by their filters, so
    plans made on one wave are followed on the next.
    """
    factors = {f.key: f for f in (*BARRIERS, *NORMS, *ENABLERS)}
    rows = []
    for item in items:
        filters = {k: v for k, v in item.filters.items() if k != wave_column}
        metrics = ["index"] + [
            f"score_{factors[key].construct}"
            for key in item.evidence
            if key in factors and f"score_{factors[key].construct}" in scored
        ]
        change = wave_change(
            scored,
            [],
            waves,
            metrics=metrics,
            wave_column=wave_column,
            release=release,
            policy=policy,
            filters=filters,
        )
        record = change.iloc[0].to_dict()
        record.pop("group", None)
        rows.append({"intervention": item.intervention, "group": item.group, "status": item.status, **record})
    return pd.DataFrame(rows)
