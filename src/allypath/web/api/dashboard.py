"""``/api/v1/orgs/{slug}/dashboard/...``: the dashboard's data as typed JSON (in the OpenAPI document).

A thin skin over :mod:`allypath.web.dashboard`: each endpoint checks its request
(:func:`~allypath.web.dashboard.query.resolve`), asks :mod:`~allypath.web.dashboard.service` for the
view's result (read from the organisation's release, audited) and serialises it, so the API and the
pages show the same figures to everyone; nothing is computed or decided here.
Problems are answered with an :class:`ErrorOut` naming the parameter: 404 for an organisation or wave
the user cannot see, 403 for a unit outside an analyst's scope, 422 for malformed or unknown
parameters, unknown units, levels or regions, and for filters the privacy gate refuses
(``code = "filter_refused"``, the gate's reason in ``detail``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, Literal

from django.http import HttpRequest, QueryDict
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from ninja.security import django_auth

from allypath.model import STAGE_KEYS
from allypath.reports.board import FACTOR_LABELS, INTERVENTION_LABELS
from allypath.web.api.dashboard_schemas import (
    Adopted,
    Awareness,
    Band,
    Bands,
    Cell,
    CommentGroup,
    CommentsOut,
    Decision,
    Diagnostic,
    FactorOut,
    GroupMix,
    GroupRow,
    GroupsOut,
    HeatmapOut,
    HeatRow,
    HiddenRow,
    OverviewOut,
    PlanOut,
    Proposal,
    Rate,
    Selection,
    StageFigures,
    SummaryOut,
    TransitionGroup,
    TransitionsOut,
    TrendRow,
    TrendsOut,
    WaveRef,
)
from allypath.web.api.schemas import ErrorOut
from allypath.web.dashboard import service
from allypath.web.dashboard.query import DashboardQuery, resolve
from allypath.web.dashboard.results import Record
from allypath.web.dashboard.service import QUESTIONS, Summary

router = Router(tags=["dashboard"], auth=django_auth)

# 503: a large organisation's figures are being prepared (code release_being_prepared, Retry-After)
ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 503: ErrorOut}
Breakdown = Literal["unit", "level", "region"]


# --------------------------------------------------------------------------- parameters


class Filters(Schema):
    unit: str | None = Field(None, max_length=500, description="a unit's path; includes every unit below it")
    level: str | None = Field(None, max_length=100)
    region: str | None = Field(None, max_length=100)


class OneWave(Filters):
    wave: int | None = Field(None, ge=1, description="wave id (default: the latest launched wave)")


class Breakdown1(OneWave):
    by: Breakdown = Field(
        "unit", description="break down by unit (the units below the unit filter), level or region"
    )


class OverviewParams(OneWave):
    lang: Literal["en", "fr", "ar"] = Field(
        "en", description="the language of the summary and the answers (en, fr or ar)"
    )


class CommentParams(OneWave):
    by: Breakdown | None = Field(None, description="group the comments (default: one group)")


class TwoWaves(Filters):
    from_wave: int | None = Field(None, ge=1, description="first wave id (default: the second latest)")
    to_wave: int | None = Field(None, ge=1, description="second wave id (default: the latest)")
    by: Breakdown | None = None


# --------------------------------------------------------------------------- conversions


def _wave(wave: Any, labels: dict[int, str]) -> WaveRef:
    return WaveRef(
        id=wave.pk, name=labels[wave.pk], privacy_mode=wave.privacy_mode, k=wave.k, k_text=wave.k_text
    )


def _selection(query: DashboardQuery) -> Selection:
    filters = dict(query.chosen)
    if query.unit is not None:
        filters["unit"] = query.unit.path
    return Selection(
        org=query.org.slug,
        wave=_wave(query.wave, query.labels),
        later=_wave(query.later, query.labels) if query.later else None,
        filters=filters,
        by=query.by,
    )


def _decision(row: Record) -> dict[str, Any]:
    value = row.get("value")
    return {
        "group": row["group"],
        "value": None if value is None else str(value),
        "visible": bool(row["visible"]),
        "n": row.get("n") if row["visible"] else None,
        "reason": row.get("reason"),
        "message": row.get("message"),
    }


def _stages(row: Record) -> dict[str, StageFigures]:
    if not row.get("visible") or row.get("share_apathy") is None:
        return {}
    parts = ("share", "low", "high", "expected")
    return {key: StageFigures(**{p: row.get(f"{p}_{key}") for p in parts}) for key in STAGE_KEYS}


def _mix(row: Record) -> GroupMix:
    bands = None
    if row.get("visible") and row.get("share_early") is not None:
        bands = Bands(
            early=row["share_early"],
            late=row["share_late"],
            low=row.get("low_early"),
            high=row.get("high_early"),
        )
    return GroupMix(
        **_decision(row),
        stages=_stages(row),
        split=row.get("split"),
        split_message=row.get("split_message"),
        bands=bands,
    )


def _trend(row: Record) -> TrendRow:
    visible = bool(row["visible"])
    return TrendRow(
        **_decision(row),
        n_before=row.get("n_before") if visible else None,
        n_after=row.get("n_after") if visible else None,
        share_change={k: row.get(f"share_{k}_change") for k in STAGE_KEYS} if visible else {},
        index_before=row.get("index_before") if visible else None,
        index_after=row.get("index_after") if visible else None,
        index_change=row.get("index_change") if visible else None,
        share_change_interval={
            k: (row[f"share_{k}_change_low"], row[f"share_{k}_change_high"])
            for k in STAGE_KEYS
            if visible and row.get(f"share_{k}_change_low") is not None
        },
        index_change_interval=(row["index_change_low"], row["index_change_high"])
        if visible and row.get("index_change_low") is not None
        else None,
        index_verdict=row.get("index_verdict") if visible else None,
    )


def _transition(rows: tuple[Record, ...]) -> TransitionGroup | None:
    if not rows:
        return None
    cells = [
        Cell(
            from_stage=r["from_stage"], to_stage=r["to_stage"], count=r["count"], probability=r["probability"]
        )
        for r in rows
        if r["visible"] and r.get("from_stage") is not None
    ]
    hidden = [
        HiddenRow(from_stage=int(r["row_stage"]), message=str(r["row_message"]))
        for r in rows
        if r["visible"] and r.get("row_shown") is False
    ]
    return TransitionGroup(**_decision(rows[0]), cells=cells, hidden_rows=hidden)


def _answer(
    request: HttpRequest,
    slug: str,
    build: Callable[[DashboardQuery], Any],
    *,
    language: bool = False,
    **options: Any,
) -> Status[Any]:
    params: QueryDict = request.GET.copy()
    if language:  # the summary's language is no dashboard filter
        params.pop("lang", None)
    # a bad or refused parameter raises DashboardInputError, answered by the API's RequestProblem handler
    return Status(200, build(resolve(request.user, slug, params, **options)))


# --------------------------------------------------------------------------- endpoints

BASE = "/orgs/{slug}/dashboard"


@router.get(f"{BASE}/overview", response={200: OverviewOut, **ERRORS}, summary="Overview of a wave")
def get_overview(request: HttpRequest, slug: str, params: Query[OverviewParams]) -> Status[Any]:
    """Stage mix with 95% intervals, response rate, the non-response band, policy awareness claimed
    versus verified, participation, and the summary that opens the dashboard's pages with the
    research's three questions answered as it answers them (``lang``: en, fr or ar)."""

    def build(query: DashboardQuery) -> OverviewOut:
        result = service.overview(request, query, view="api.dashboard.overview")
        out = OverviewOut(selection=_selection(query), total=_mix(result.total), summary=None, set_aside=None)
        if result.refused or result.band is None or result.rate is None or result.awareness is None:
            return out
        band = result.band
        out.set_aside = result.set_aside or None
        out.response_rate = Rate(**dataclasses.asdict(result.rate))
        shown = bool(band["visible"]) and band.get("respondent_apathy") is not None
        figures = {
            key: StageFigures(
                share=band[f"respondent_{key}"],
                low=band[f"low_{key}"],
                high=band[f"high_{key}"],
                expected=None,
            )
            for key in STAGE_KEYS
        }
        out.nonresponse_band = Band(
            visible=shown, stages=figures if shown else {}, message=band.get("message")
        )
        out.awareness = Awareness(**_decision(result.awareness), **_pick(result.awareness, Awareness))
        told = service.summary(request, query, params.lang, view="api.dashboard.overview")
        means = service.heatmap_view(request, query, view="api.dashboard.overview").overall or {}
        out.summary = _summary(told)
        out.diagnostics = _diagnostics(told, means, result.total)
        return out

    return _answer(request, slug, build, language=True)


def _summary(told: Summary) -> SummaryOut:
    return SummaryOut(
        language=told.language,
        direction=told.direction,
        heading=told.heading,
        headings=dict(told.headings),
        hidden=told.hidden or None,
        where=list(told.where),
        moved=list(told.moved),
        factors=list(told.factors),
        actions=list(told.actions),
    )


def _diagnostics(told: Summary, means: Record, total: Record) -> list[Diagnostic]:
    """The summary's answers to the three questions, each with the published means it rests on
    (rounded once to one decimal, as the summary reads them)."""
    constructs = {q.key: (*q.enablers, *q.barriers) for q in QUESTIONS}
    out = []
    for answer in told.answers:
        figures = {
            key: float(f"{value:.1f}")
            for key in constructs[answer.question]
            if (value := means.get(key)) is not None
        }
        out.append(
            Diagnostic(
                **_decision(total),
                question=answer.question,
                text=answer.text,
                verdict=answer.verdict,
                label=answer.label,
                answer=answer.sentence,
                figures=figures,
            )
        )
    return out


def _pick(row: Record, schema: type[Schema]) -> dict[str, Any]:
    own = set(schema.model_fields) - set(Decision.model_fields)
    return {k: row.get(k) for k in own if k in row}


@router.get(f"{BASE}/groups", response={200: GroupsOut, **ERRORS}, summary="Group explorer")
def get_groups(request: HttpRequest, slug: str, params: Query[Breakdown1]) -> Status[Any]:
    """Per group of the breakdown within the filters: size, stage mix with intervals, response rate
    and policy awareness. Hidden groups carry the gate's reason and no figure."""

    def build(query: DashboardQuery) -> GroupsOut:
        result = service.groups_view(request, query, view="api.dashboard.groups")
        rows = [
            GroupRow(
                **_mix(r).model_dump(),
                invited=int(r["rate_invited"]) if r.get("rate_invited") is not None else None,
                response_rate=r.get("rate_response_rate"),
                claimed_share=r.get("claimed_share"),
                verified_share=r.get("verified_share"),
                participation_share=r.get("participation_share"),
            )
            for r in result.rows
        ]
        return GroupsOut(selection=_selection(query), total=_mix(result.total), groups=rows)

    return _answer(request, slug, build, by_default="unit")


@router.get(
    f"{BASE}/heatmap", response={200: HeatmapOut, **ERRORS}, summary="Barrier, norm and enabler heatmap"
)
def get_heatmap(request: HttpRequest, slug: str, params: Query[Breakdown1]) -> Status[Any]:
    """Mean score (1-5) of every barrier, norm and enabler, overall and per group."""

    def build(query: DashboardQuery) -> HeatmapOut:
        result = service.heatmap_view(request, query, view="api.dashboard.heatmap")

        def heat(row: Record) -> HeatRow:
            scores = {k: row.get(k) for k in FACTOR_LABELS} if row["visible"] else {}
            margin = row.get("margin") if row["visible"] else None
            return HeatRow(**_decision(row), scores=scores, margin=margin)

        factors = [FactorOut(key=k, kind=v["kind"], label=v["label"]) for k, v in result.factors.items()]
        overall = heat(result.overall) if result.overall is not None else None
        return HeatmapOut(
            selection=_selection(query),
            total=_mix(result.total),
            factors=factors,
            overall=overall,
            groups=[heat(r) for r in result.rows],
        )

    return _answer(request, slug, build, by_default="unit")


@router.get(f"{BASE}/trends", response={200: TrendsOut, **ERRORS}, summary="Change between two waves")
def get_trends(request: HttpRequest, slug: str, params: Query[TwoWaves]) -> Status[Any]:
    """Change in stage shares and developmental index, shown only where a group passes on both waves."""

    def build(query: DashboardQuery) -> TrendsOut:
        result = service.trends_view(request, query, view="api.dashboard.trends")
        return TrendsOut(
            selection=_selection(query),
            total=_mix(result.total),
            overall=_trend(result.change) if result.change else None,
            groups=[_trend(r) for r in result.rows],
            message=result.message,
        )

    return _answer(request, slug, build, two_waves=True)


@router.get(
    f"{BASE}/transitions", response={200: TransitionsOut, **ERRORS}, summary="Stage transitions (panel)"
)
def get_transitions(request: HttpRequest, slug: str, params: Query[TwoWaves]) -> Status[Any]:
    """Stage-to-stage transitions of panel members who answered both waves (pseudonymous-panel waves)."""

    def build(query: DashboardQuery) -> TransitionsOut:
        result = service.transitions_view(request, query, view="api.dashboard.transitions")
        return TransitionsOut(
            selection=_selection(query),
            total=_mix(result.total),
            overall=_transition(result.overall),
            groups=[g for rows in result.groups if (g := _transition(rows)) is not None],
            message=result.message,
            note=result.note,
        )

    return _answer(request, slug, build, two_waves=True)


@router.get(f"{BASE}/plan", response={200: PlanOut, **ERRORS}, summary="Action plan")
def get_plan(request: HttpRequest, slug: str, params: Query[Breakdown1]) -> Status[Any]:
    """Prioritised interventions per group with their reasons, and the plan HR adopted with the change
    of each adopted group on the next wave."""

    def build(query: DashboardQuery) -> PlanOut:
        result = service.plan_view(request, query, view="api.dashboard.plan")
        if result.refused:
            return PlanOut(
                selection=_selection(query), total=_mix(result.total), groups=[], proposals=[], adopted=[]
            )
        proposals = [
            Proposal.model_validate(
                {
                    **{k: v for k, v in item.to_dict().items() if k in Proposal.model_fields},
                    "label": INTERVENTION_LABELS.get(item.intervention, item.intervention),
                }
            )
            for item in result.items
        ]
        adopted = [
            Adopted(
                id=a.pk,
                group=a.group,
                intervention=a.intervention,
                label=INTERVENTION_LABELS.get(a.intervention, a.intervention),
                owner=a.owner,
                due=a.due,
                status=a.status,
                # today's reason and figures, never those stored when it was adopted
                reason=result.reason_of(a),
                evidence=result.evidence_of(a),
                progress=_trend(p) if (p := result.progress_of(a)) else None,
                library_items=list(a.library_items or []),
                through_circles=a.circle_plan_id is not None,
            )
            for a in result.adopted
        ]
        groups = [Decision(**_decision({**r, "value": r.get(query.by_column or "")})) for r in result.rows]
        return PlanOut(
            selection=_selection(query),
            total=_mix(result.total),
            groups=groups,
            proposals=proposals,
            adopted=adopted,
        )

    return _answer(request, slug, build, by_default="unit")


@router.get(f"{BASE}/comments", response={200: CommentsOut, **ERRORS}, summary="Open-text comments")
def get_comments(request: HttpRequest, slug: str, params: Query[CommentParams]) -> Status[Any]:
    """Comments of groups of at least k_text respondents, shuffled on every request, without dates."""

    def build(query: DashboardQuery) -> CommentsOut:
        result = service.comment_view(request, query, view="api.dashboard.comments")
        groups = [
            CommentGroup(**_decision(dataclasses.asdict(r)), comments=list(r.comments)) for r in result.rows
        ]
        return CommentsOut(selection=_selection(query), total=_mix(result.total), groups=groups)

    return _answer(request, slug, build)
