"""Action plans: per group, the interventions the model names for where the group's men stand, then
for what holds them back, each with its reason in one sentence; and the follow-up on a later wave.

The research asks HR to meet each man where he is, so the ranking follows the model in three tiers:

1. **Stage actions** (``stage_action``): every stage holding at least :data:`SIZEABLE` of the group
   gets its own action -- light informal content for Apathy, safe spaces for Ambivalence, structured
   pathways for Reflective, leadership roles for Energised -- the largest stage first.
2. **What holds them back** (``barrier``, ``enabler_gap``, ``context``): a barrier or masculine norm
   at 3.5 or more on the 1-5 scale (low policy awareness: claimed awareness at 2.5 or less, quoted as
   the heatmap shows it, 6 minus claimed awareness, so that 3.5 or more reads "strong" there too), an
   enabler at 2.5 or less, or a work context where the group stands clearly further back than
   overall (scenario training on that situation); the further past the threshold, the earlier.
3. **Stage fit** (``stage_mix``): other interventions by the share of the group at the stages they
   suit, to fill the plan.

An intervention named in several tiers keeps its best rank and all the reasons. (Ranking by stage
share alone made the interventions that span several stages always win: in the demo the research's
four stage actions came 10th-13th of 13.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import asdict, dataclass, field

import pandas as pd

from allypath.analytics._gating import GatedGroup, by_columns, gated_groups, group_means_and_sizes, placed
from allypath.analytics.change import wave_change
from allypath.analytics.factors import LIKERT, SCALE_MAX, STAGE_SCALE, chance_margin, widest_margins
from allypath.analytics.margin_words import MARGIN_WORDS, straddles
from allypath.analytics.mix import STAGE_KEYS, wilson_interval
from allypath.analytics.narrative_words import WORDS
from allypath.analytics.plan_words import PLAN_WORDS, decimal, percent, plan_words
from allypath.analytics.reason_words import reason_in
from allypath.errors import DataError
from allypath.model import BARRIERS, ENABLERS, INTERVENTIONS, NORMS, STAGES, intervention
from allypath.privacy import PrivacyPolicy, Release

__all__ = [
    "PLAN_STATUSES",
    "SIZEABLE",
    "STAGE_ACTIONS",
    "PlanItem",
    "action_plan",
    "context_phrase",
    "no_plan_reason",
    "plan_progress",
    "situated",
    "stage_lead",
    "stands_apart",
]

PLAN_STATUSES = ("proposed", "adopted", "in_progress", "done", "dropped")
STRONG, WEAK = 3.5, 2.5
SCALE_SPAN = 1.5  # from the threshold to the end of the 1-5 scale
#: A stage holding at least this share of the group gets its own action.
SIZEABLE = 0.15
#: A context's mean stage this far from the group's average across its contexts stands apart (and
#: never by less than the margin chance allows its averages: :func:`stands_apart`).
CONTEXT_GAP = 0.25
# The tiers' scores: stage actions 3-4, obstacles 1-2, stage fit 0-1.
_STAGE_ACTION, _OBSTACLE = 3.0, 1.0


def _stage_actions() -> dict[int, str]:
    """Each stage's own intervention: the one that suits that stage alone."""
    actions = {s.number: [i.key for i in INTERVENTIONS if i.stages == (s.number,)] for s in STAGES}
    assert all(len(keys) == 1 for keys in actions.values()), actions
    return {stage: keys[0] for stage, keys in actions.items()}


STAGE_ACTIONS = _stage_actions()


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


def _factor_means(group: GatedGroup) -> dict[str, tuple[float, float | None]]:
    """Each barrier's, norm's and enabler's mean in ``group`` exactly as the heatmap publishes it, with
    its margin: NaN where not measured, and where a member who knows his own answer would read
    everyone else's from it (:func:`~allypath.analytics._gating.discloses_answers`). A plan's reasons
    are shown and stored, so they may quote no figure the heatmap withholds. The margin is from the
    number the mean is over (a question some men skipped has fewer: :func:`chance_margin`)."""
    factors = (*BARRIERS, *NORMS, *ENABLERS)
    columns = [f"score_{f.construct}" for f in factors]
    means, sizes = group_means_and_sizes([group], group.frame, columns, scale=LIKERT)
    return {
        factor.key: (float(means[0, j]), widest_margins(sizes[0, [j]], LIKERT)[0])
        for j, factor in enumerate(factors)
    }


def _between(share: float, n: int, language: str = "en") -> str:
    """The 95% interval of a share of ``n`` men in words ("likely between 18% and 61%"): the Wilson
    score interval (:func:`~allypath.analytics.mix.wilson_interval`) the stage mix, and so the
    summary's "likely between", gives every share."""
    low, high = wilson_interval(share * n, n)
    return plan_words(language)["between"].format(
        low=percent(float(low), language), high=percent(float(high), language)
    )


def _need(action: str, language: str) -> str:
    """A stage's action as it sits in a sentence: lower-cased in English ("which calls for safe
    spaces ..."), quoted as the model words it in French and Arabic."""
    return action if language in PLAN_WORDS and language != "en" else action[:1].lower() + action[1:]


def _stage_name(number: int, language: str) -> str:
    """A stage's short name as the plan's sentences quote it (in guillemets in Arabic)."""
    return plan_words(language)["stage_name"].format(stage=STAGES[number - 1].short_label.get_lang(language))


def _listed(items: Sequence[str], words: Mapping[str, str], word: str) -> str:
    """``items`` joined with ``word`` ("or", "and") before the last, as ``words``' language lists."""
    if len(items) <= 1:
        return "".join(items)
    return words[f"{word}_list"].join(items[:-1]) + words[word] + items[-1]


def _obstacle_reason(
    factor_kind: str, label: str, shown: float, margin: float | None, close: bool, language: str
) -> str:
    """Why a barrier (or norm) or an enabler is on the plan: its mean with its margin, as the summary
    says it (:data:`~allypath.analytics.margin_words.MARGIN_WORDS`); "may be" where too close to call."""
    key = "why_enabler" if factor_kind == "enabler" else "why_barrier"
    # a factor's name inside a French sentence is lower-cased, as the summary writes it
    name = label[:1].lower() + label[1:] if language == "fr" else label
    language = language if language in MARGIN_WORDS else "en"
    if margin is None:
        return WORDS[language][key].format(label=name, mean=decimal(shown, language))
    words = MARGIN_WORDS[language][key + ("_close" if close else "")]
    return words.format(label=name, mean=decimal(shown, language), margin=decimal(margin, language))


def _candidates(group: GatedGroup, language: str) -> dict[str, _Candidate]:
    rows = group.rows
    stage = pd.to_numeric(rows["stage"], errors="coerce")
    mix = {s.number: float((stage == s.number).mean()) for s in STAGES}
    n = len(rows)
    words = plan_words(language)
    out: dict[str, _Candidate] = {}

    def add(key: str, score: float, reason: str, code: str, evidence: dict[str, float]) -> None:
        found = out.setdefault(key, _Candidate(0.0, [], [], {}))
        found.score = max(found.score, score)
        found.reasons.append(reason)
        if code not in found.codes:
            found.codes.append(code)
        found.evidence.update(evidence)

    # 1. each sizeable stage its own action, the largest first
    for number, key in STAGE_ACTIONS.items():
        share = mix[number]
        if share >= SIZEABLE:
            # past the line by less than chance allows: said so, as a barrier within its margin is
            low, _ = wilson_interval(share * n, n)
            key_words = "stage_action_close" if float(low) < SIZEABLE else "stage_action"
            reason = words[key_words].format(
                share=percent(share, language),
                between=_between(share, n, language),
                stage=_stage_name(number, language),
                need=_need(STAGES[number - 1].action.get_lang(language), language),
            )
            # equal shares: the earlier stage first (a hair's difference, far below any real share)
            score = _STAGE_ACTION + share + (len(STAGES) - number) * 1e-9
            add(key, score, reason, "stage_action", {STAGE_KEYS[number - 1]: share})
    # 2. what holds them back: barriers and norms, missing enablers, a context further back; each
    # mean with the widest margin chance allows for the number it is over (as the heatmap)
    means = _factor_means(group)
    for factor in (*BARRIERS, *NORMS, *ENABLERS):
        mean, margin = means[factor.key]
        if mean != mean:  # NaN: not measured, or withheld
            continue
        # low policy awareness on the heatmap's reading (6 - claimed awareness): higher is a stronger
        # obstacle, so "is strong (3.9 of 5)" says what the number says (claimed awareness 2.1)
        shown = SCALE_MAX + 1 - mean if factor.key == "low_policy_awareness" else mean
        low_is_bad = factor.kind == "enabler"
        gap = (WEAK - shown) if low_is_bad else (shown - STRONG)
        if gap < 0:
            continue
        code = "enabler_gap" if factor.kind == "enabler" else "barrier"
        # past its line by less than the margin: chance alone could put it on the other side
        line = {"at_most": [WEAK]} if low_is_bad else {"at_least": [STRONG]}
        close = straddles(float(f"{shown:.1f}"), margin, **line)
        said = _obstacle_reason(factor.kind, factor.label.get_lang(language), shown, margin, close, language)
        for key in factor.interventions:
            add(
                key,
                _OBSTACLE + min(gap / SCALE_SPAN, 1.0),
                said,
                code,
                {factor.key: shown},  # as the heatmap's column of that name reads it
            )
    behind = _context_furthest_back(group)
    if behind is not None:
        context, mean, centre, gap, answered = behind
        # the wider of the two margins, the context's (over those who answered it: men skip hiring),
        # on the 1-4 stage scale
        margins = [chance_margin(answered, STAGE_SCALE), chance_margin(group.decision.n, STAGE_SCALE)]
        widest = max((m for m in margins if m is not None), default=None)
        each = "" if widest is None else words["each"].format(margin=decimal(widest, language))
        reason = words["context"].format(
            context=context_phrase(context, language),
            mean=decimal(mean, language),
            overall=decimal(centre, language),
            each=each,
        )
        add("scenario_training", _OBSTACLE + min(gap, 1.0), reason, "context", {f"context_{context}": mean})
    # 3. stage fit: the share of the group at the stages an intervention suits
    for item in INTERVENTIONS:
        if len(item.stages) == len(STAGES) or "stage_action" in getattr(out.get(item.key), "codes", ()):
            continue
        share = sum(mix[s] for s in item.stages)
        if share > 0:
            stages = _listed([_stage_name(s, language) for s in item.stages], words, "or")
            evidence = {STAGE_KEYS[s - 1]: mix[s] for s in item.stages}
            reason = words["fit_one" if len(item.stages) == 1 else "fit_many"].format(
                stages=stages, share=percent(share, language), between=_between(share, n, language)
            )
            add(item.key, share, reason, "stage_mix", evidence)
    return out


def _context_label(context: str, language: str) -> str:
    """The instrument's name of a work context, lower-cased to sit in a sentence ("in team meetings")."""
    from allypath.instrument import load_instrument

    for construct in load_instrument().constructs:
        if construct.context == context:
            label = construct.label.get_lang(language)
            return label[:1].lower() + label[1:]
    return context.replace("_", " ")


def context_phrase(context: str, language: str = "en") -> str:
    """Where a work context is, as it sits after a verb: "in team meetings", "in flexible work and
    caregiving" (the instrument's labels start with "In" for some contexts and not for others)."""
    label = _context_label(context, language)
    return situated(label) if language == "en" else label


def situated(label: str) -> str:
    """An English context label lower-cased behind "in" ("Flexible work and caregiving" -> "in
    flexible work and caregiving"; "In team meetings" -> "in team meetings")."""
    label = label[:1].lower() + label[1:]
    return label if label.startswith("in ") else f"in {label}"


def stage_lead(row: Mapping[str, object], language: str = "en") -> str:
    """The sentence that opens a group's plan: where its largest share of men stands, with the 95%
    interval the stage mix publishes ("most" only when that share is more than half), in
    ``language`` (en, fr or ar)."""
    words = plan_words(language)

    def between(low: float, high: float) -> str:
        return words["between"].format(low=percent(low, language), high=percent(high, language))

    shares = {}
    for number, key in enumerate(STAGE_KEYS, start=1):
        share, low, high = (row.get(f"{p}_{key}") for p in ("share", "low", "high"))
        if not all(isinstance(v, float | int) and v == v for v in (share, low, high)):
            return ""
        shares[number] = (float(share), float(low), float(high))  # type: ignore[arg-type]
    best = max(v[0] for v in shares.values())
    top = [number for number, v in shares.items() if v[0] == best]
    if len(top) > 1:
        names = _listed([_stage_name(i, language) for i in top], words, "and")
        each = words["tie_items"].join(
            words["tie_item"].format(stage=_stage_name(i, language), between=between(*shares[i][1:]))
            for i in top
        )
        return words["lead_tie"].format(share=percent(best, language), each=each, stages=names)
    number = top[0]
    share, low, high = shares[number]
    return words["lead_most" if share > 0.5 else "lead_largest"].format(
        share=percent(share, language),
        between=between(low, high),
        stage=_stage_name(number, language),
        need=_need(STAGES[number - 1].action.get_lang(language), language),
    )


#: Why a group shown on the plan page gets no proposal while its wave is open.
PLAN_OPEN = plan_words("en")["open"]


def no_plan_reason(row: Mapping[str, object], *, wave_open: bool = False, language: str = "en") -> str:
    """Why a shown group has no proposed intervention, in words (``language``: en, fr or ar): the
    wave is still open, or the release hides (or bands) its stage split, which the plan is drawn
    from, and why."""
    words = plan_words(language)
    if wave_open:
        return words["open"]
    if row.get("split") in ("hidden", "bands"):
        why = reason_in(str(row.get("split_message") or ""), language) or words["split_unknown"]
        return words["split_bands" if row.get("split") == "bands" else "split_hidden"].format(why=why)
    return words["none"]


def stands_apart(means: Mapping[str, float | None], margin: float | None) -> dict[str, str]:
    """Per context: "further back", "further along" or "" against the group's average in its other
    contexts shown (withheld ones, None or NaN, are left out and never apart).

    A context stands apart when its average is at least :data:`CONTEXT_GAP` from that of the others,
    and at least ``margin`` (the most chance could move the row's averages, as the pages print it):
    the action plan, the contexts page and the workshop deck all read this one rule. The other
    contexts, not the group's overall stage: a context is placed from four answers, so its average
    leans toward the middle stages, and a group mostly at Energised read "further back in team
    meetings" (3.2 against 3.7) where every context matched each man's own stage (a review's
    simulation, 20 draws of 20).
    """
    known = {k: float(v) for k, v in means.items() if v is not None and v == v}
    out = {key: "" for key in means}
    if len(known) < 2:
        return out
    needed = max(CONTEXT_GAP, margin or 0.0)
    for key, value in known.items():
        centre = (sum(known.values()) - value) / (len(known) - 1)
        if value <= centre - needed:
            out[key] = "further back"
        elif value >= centre + needed:
            out[key] = "further along"
    return out


def _context_furthest_back(group: GatedGroup) -> tuple[str, float, float, float, float] | None:
    """The work context that stands furthest back (:func:`stands_apart`), if any: (context name, its
    mean stage, the group's average in its other contexts, the gap, the published number of men the
    mean is over). Context means as the contexts view publishes them (withheld where they would pin
    the other members' stages)."""
    columns = [c for c in group.frame.columns if c.startswith("context_") and c.endswith("_stage")]
    if not columns:
        return None
    values, sizes = group_means_and_sizes([group], group.frame, columns, scale=STAGE_SCALE)
    means = {
        column.removeprefix("context_").removesuffix("_stage"): (float(value), float(size))
        for column, value, size in zip(columns, values[0], sizes[0], strict=True)
        if value == value
    }
    if len(means) < 2:
        return None
    # the row's margin as the contexts page prints it (context_profiles): its smallest answered count
    apart = stands_apart(
        {name: mean for name, (mean, _) in means.items()}, widest_margins(sizes, STAGE_SCALE)[0]
    )
    back = [name for name, where in apart.items() if where == "further back"]
    if not back:
        return None
    context = min(back, key=lambda name: (means[name][0], name))
    mean, answered = means[context]
    centre = (sum(m for m, _ in means.values()) - mean) / (len(means) - 1)
    return context, mean, centre, centre - mean, answered


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
                    reason=plan_words(language)["reasons"].join(candidate.reasons),
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
