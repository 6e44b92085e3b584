"""The dashboard API's answers (:mod:`allypath.web.api.dashboard`): the typed JSON of each view, as the
OpenAPI document describes it."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

__all__ = [
    "Adopted",
    "Awareness",
    "Band",
    "Bands",
    "Cell",
    "CommentGroup",
    "CommentsOut",
    "Decision",
    "Diagnostic",
    "FactorOut",
    "GroupMix",
    "GroupRow",
    "GroupsOut",
    "HeatRow",
    "HeatmapOut",
    "HiddenRow",
    "OverviewOut",
    "PlanOut",
    "Proposal",
    "Rate",
    "Selection",
    "StageFigures",
    "SummaryOut",
    "TransitionGroup",
    "TransitionsOut",
    "TrendRow",
    "TrendsOut",
    "WaveRef",
]


class WaveRef(Schema):
    id: int
    name: str
    privacy_mode: str
    k: int
    k_text: int


class Selection(Schema):
    org: str
    wave: WaveRef
    later: WaveRef | None = None
    filters: dict[str, str] = Field(..., description="unit / level / region as given (or an analyst's unit)")
    by: str | None


class Decision(Schema):
    group: str = Field(..., description="the group's label, e.g. 'level=Staff & unit=Ops & wave=2026 Q1'")
    value: str | None = Field(None, description="the group's value of the breakdown")
    visible: bool
    n: int | None = Field(None, description="respondents; null when hidden")
    reason: str | None = Field(
        None, description="why it is hidden: below_k, complementary, trend, below_k_text, not_published"
    )
    message: str | None = Field(None, description="why it is hidden, in words")


class StageFigures(Schema):
    share: float | None
    low: float | None = Field(None, description="95% Wilson interval")
    high: float | None
    expected: float | None = Field(None, description="mean stage probability")


class Bands(Schema):
    early: float = Field(description="share at Apathy or Ambivalence")
    late: float = Field(description="share at Reflective and responsible or Energised and motivated")
    low: float | None = Field(None, description="95% Wilson interval of the early share")
    high: float | None = None


class GroupMix(Decision):
    stages: dict[str, StageFigures] = Field(
        default_factory=dict, description="per stage key; empty when hidden or not published"
    )
    split: str | None = Field(
        None, description="how much of the stage split is published: stages, bands or hidden"
    )
    split_message: str | None = Field(None, description="why not every stage is shown, in words")
    bands: Bands | None = Field(None, description="the two bands, where they stand in for the stages")


class Rate(Schema):
    visible: bool
    n: int | None = None
    invited: int | None = None
    rate: float | None = None
    low: float | None = None
    high: float | None = None
    message: str | None = None


class Band(Schema):
    visible: bool
    stages: dict[str, StageFigures] = Field(
        default_factory=dict, description="respondents' share; low/high: the organisation's likely range"
    )
    message: str | None = None


class Awareness(Decision):
    answered: int | None = None
    claimed_share: float | None = None
    verified_share: float | None = None
    verified_mean: float | None = None
    participation_share: float | None = None
    claimed_message: str | None = Field(
        None, description="why the claimed share is hidden for a shown group, in words (null: shown)"
    )
    verified_message: str | None = Field(
        None, description="why the verified share is hidden for a shown group, in words"
    )
    participation_message: str | None = Field(
        None, description="why the participation share is hidden for a shown group, in words"
    )


class Diagnostic(Decision):
    question: str = Field(..., description="the question's key, e.g. safe_to_explore")
    text: str = Field(..., description="the question as the model words it, in the chosen language")
    verdict: str = Field(
        ...,
        description=(
            "yes, partly, no or unknown: the summary's rule (docs/summary.md) on the rounded means of"
            " the question's enablers and barriers"
        ),
    )
    label: str = Field(..., description="the verdict in words, in the chosen language (Yes, Oui, ...)")
    answer: str = Field(..., description="the summary's answer with the figures behind it, in words")
    figures: dict[str, float] = Field(
        default_factory=dict,
        description="factor key -> published mean (1-5, rounded to one decimal) the verdict rests on",
    )


class SummaryOut(Schema):
    language: str
    direction: str = Field(..., description="ltr or rtl")
    heading: str
    headings: dict[str, str] = Field(..., description="where, moved, factors, questions, actions")
    hidden: str | None = Field(None, description="the only sentence when the selection is hidden")
    where: list[str] = Field(default_factory=list, description="where the men are")
    moved: list[str] = Field(default_factory=list, description="what moved since the previous wave")
    factors: list[str] = Field(default_factory=list, description="the strongest barriers and enablers")
    actions: list[str] = Field(default_factory=list, description="what to do first")


class OverviewOut(Schema):
    selection: Selection
    total: GroupMix
    response_rate: Rate | None = None
    nonresponse_band: Band | None = None
    awareness: Awareness | None = None
    summary: SummaryOut | None = Field(
        None, description="the summary that opens the dashboard's pages, for the same selection"
    )
    diagnostics: list[Diagnostic] = Field(
        default_factory=list,
        description="the research's three questions, answered as the summary answers them",
    )
    set_aside: str | None = Field(
        None,
        description=(
            "How many of the wave's answers were set aside as careless, for the whole organisation"
            " (below the wave's minimum group size only 'fewer than k'); none: null. While the wave is"
            " open, one fixed sentence instead: the count is said once it has closed"
        ),
    )


class GroupRow(GroupMix):
    invited: int | None = None
    response_rate: float | None = None
    claimed_share: float | None = None
    verified_share: float | None = None
    participation_share: float | None = None


class GroupsOut(Schema):
    selection: Selection
    total: GroupMix
    groups: list[GroupRow]


class FactorOut(Schema):
    key: str
    kind: str
    label: str


class HeatRow(Decision):
    scores: dict[str, float | None] = Field(default_factory=dict, description="factor key -> mean (1-5)")
    margin: float | None = Field(
        None,
        description="how far any of the row's means may move by chance (95%, the widest the 1-5 scale"
        " allows, from the number of men each mean is over: fewer than the group where some skipped a"
        " question); null when no mean is shown",
    )


class HeatmapOut(Schema):
    selection: Selection
    total: GroupMix
    factors: list[FactorOut]
    overall: HeatRow | None = None
    groups: list[HeatRow]


class TrendRow(Decision):
    n_before: int | None = None
    n_after: int | None = None
    share_change: dict[str, float | None] = Field(default_factory=dict)
    index_before: float | None = None
    index_after: float | None = None
    index_change: float | None = None
    share_change_interval: dict[str, tuple[float, float]] = Field(
        default_factory=dict,
        description="stage key -> the change's interval (Newcombe) at 98.75%, in shares: the four"
        " stages share 5% (Bonferroni), as the summary decides; a change is clear only when the interval"
        " leaves out 0",
    )
    index_change_interval: tuple[float, float] | None = Field(
        None, description="the index change's 95% interval, the widest its means allow"
    )
    index_verdict: str | None = Field(
        None, description="rise or fall when the interval leaves out 0, else unclear (not a change)"
    )


class TrendsOut(Schema):
    selection: Selection
    total: GroupMix
    overall: TrendRow | None
    groups: list[TrendRow]
    message: str | None = Field(None, description="why there is nothing to compare (one launched wave)")


class Cell(Schema):
    from_stage: int
    to_stage: int
    count: int
    probability: float | None


class HiddenRow(Schema):
    from_stage: int
    message: str = Field(..., description="why this from-stage row gives no figure, in words")


class TransitionGroup(Decision):
    cells: list[Cell] = Field(default_factory=list)
    hidden_rows: list[HiddenRow] = Field(
        default_factory=list, description="the from-stage rows the privacy rules hide, each with its reason"
    )


class TransitionsOut(Schema):
    selection: Selection
    total: GroupMix
    overall: TransitionGroup | None
    groups: list[TransitionGroup]
    message: str | None = Field(None, description="why there is nothing to compare (one launched wave)")
    note: str | None = Field(
        None, description="why no group is given: transitions are shown for the whole organisation only"
    )


class Proposal(Schema):
    group: str
    intervention: str
    label: str
    priority: int
    reason: str
    reason_codes: list[str]
    evidence: dict[str, float]
    enabler: str | None
    stage_action: str


class Adopted(Schema):
    id: int
    group: str
    intervention: str
    label: str
    owner: str
    due: dt.date | None
    status: str
    reason: str = Field(
        description="why it is in the plan, with the group's figures in the current results; when they no"
        " longer propose it (the group's figures are hidden or have changed), a sentence saying so, with no"
        " figure"
    )
    evidence: dict[str, float] = Field(
        default_factory=dict,
        description="the figures behind the reason in the current results (empty when no longer proposed)",
    )
    progress: TrendRow | None = Field(None, description="the group's change on the next wave, if any")
    library_items: list[str] = Field(default_factory=list, description="content library items it points to")
    through_circles: bool = Field(False, description="delivered through the organisation's ally circles")


class PlanOut(Schema):
    selection: Selection
    total: GroupMix
    groups: list[Decision]
    proposals: list[Proposal]
    adopted: list[Adopted]


class CommentGroup(Decision):
    comments: list[str] = Field(default_factory=list, description="shuffled on every request; no dates")


class CommentsOut(Schema):
    selection: Selection
    total: GroupMix
    groups: list[CommentGroup]
