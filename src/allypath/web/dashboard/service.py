"""The dashboard's figures for one checked request: the one door of the console pages, the API and
the exports.

Each function takes a checked :class:`~allypath.web.dashboard.query.DashboardQuery`, reads the
organisation's release (:func:`allypath.web.dashboard.release.org_release`: one publication per
organisation, the same for every viewer), asks :mod:`allypath.analytics` for the view's cells from it,
records the access in the audit log and answers with the view's frozen result
(:mod:`allypath.web.dashboard.results`). Nothing is computed here and no privacy rule is decided
here: hidden values come back as ``None``, with ``reason`` and ``message`` saying why in plain words.

The filtered total comes first in every view. If the release hides it, the view shows nothing else:
a filter it refuses gets its message, never a number (and a filter the user typed is refused
outright with :class:`FilterRefusedError`, which the API answers with a 422).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
import weakref
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import pandas as pd
from django.http import HttpRequest

from allypath.analytics import (
    PlanItem,
    action_plan,
    comments,
    context_profiles,
    diagnostic_answers,
    factor_heatmap,
    nonresponse_band,
    plan_progress,
    policy_awareness,
    response_rates,
    stage_mix,
    transitions,
    wave_change,
    wilson_interval,
)
from allypath.analytics.narrative import (
    QUESTIONS,
    Summary,
    released_figures,
    summarise,
)
from allypath.analytics.plans import no_plan_reason, stage_lead
from allypath.analytics.trend_intervals import with_change_intervals
from allypath.model import STAGE_KEYS
from allypath.privacy import Release, describe
from allypath.privacy.release import answerer_store
from allypath.reports.board import Board, build_board, records, refused_board
from allypath.reports.labels import board_subtitle, board_title
from allypath.web.audit import record_access
from allypath.web.dashboard.frames import invitation_frame, unit_column
from allypath.web.dashboard.query import DashboardInputError, DashboardQuery
from allypath.web.dashboard.release import OrgRelease, StoredAnswerers, org_release, still_open
from allypath.web.dashboard.results import (
    CommentGroup,
    Comments,
    Groups,
    Heatmap,
    Overview,
    Plan,
    Rate,
    Record,
    Result,
    Transitions,
    Trends,
)
from allypath.web.orgs.models import Membership, Wave, WaveStatus
from allypath.web.plans.models import AdoptedItem

__all__ = [
    "ONE_WAVE",
    "QUESTIONS",
    "FilterRefusedError",
    "Summary",
    "adopt",
    "adopted_items",
    "board",
    "comment_view",
    "groups_view",
    "heatmap_view",
    "later_wave",
    "overview",
    "plan_view",
    "previous_wave",
    "refuse_if_hidden",
    "run_on_release",
    "summary",
    "summary_waves",
    "total_row",
    "transitions_view",
    "trends_view",
    "with_value",
]

T = TypeVar("T")
R = TypeVar("R", bound=Result)

ONE_WAVE = "a comparison needs two launched waves; this organisation has one so far"


class FilterRefusedError(DashboardInputError):
    """The filters the user chose select a group the privacy gate will not show."""

    def __init__(self, total: Record) -> None:
        message = total.get("message") or "hidden by the privacy rules"
        super().__init__(422, "filter_refused", "filters", message, reason=total.get("reason") or "below_k")


def run_on_release(
    request: HttpRequest, query: DashboardQuery, view: str, work: Callable[[Release, pd.DataFrame], T]
) -> T:
    """``work`` on the organisation's release and rows, audited as ``view`` on the request's group."""
    published = _published(request, query)
    # answer-based figures read (or solve once and keep) the organisation's answerer releases
    token = answerer_store.set(StoredAnswerers(query.org))
    try:
        result = work(published.release, published.frame)
    finally:
        answerer_store.reset(token)
    record_access(request, org=query.org, wave=query.wave, group=query.description, view=view)
    return result


#: The release each request has read, by organisation: a page reads it for its figures and again for
#: its summary, and both must describe the same data even if an answer arrives in between.
_READ: weakref.WeakKeyDictionary[HttpRequest, dict[int, OrgRelease]] = weakref.WeakKeyDictionary()


def _published(request: HttpRequest, query: DashboardQuery) -> OrgRelease:
    read = _READ.setdefault(request, {})
    if query.org.pk not in read:
        read[query.org.pk] = org_release(query.org)
    published = read[query.org.pk]
    # each part of the page gets its own view of the rows (copy-on-write: its changes stay its own)
    return dataclasses.replace(published, frame=published.frame.copy(deep=False))


def total_row(frame: pd.DataFrame, query: DashboardQuery, release: Release) -> Record:
    """The whole wave's stage-mix row (the page's "everyone" line), through the release."""
    (row,) = records(stage_mix(frame, [], release=release, filters=query.wave_filters))
    return row


def refuse_if_hidden(result: R) -> R:
    """The result, or :class:`FilterRefusedError` when the group the user chose is hidden by the release."""
    if result.refused and result.query.chosen:
        raise FilterRefusedError(result.total)
    return result


def _by(query: DashboardQuery) -> str | list[str]:
    return query.by_column or []


def with_value(rows: list[dict[str, Any]], column: str | None) -> tuple[Record, ...]:
    """The rows, each with ``value``: its group's value of the breakdown column."""
    for row in rows:
        row["value"] = row.get(column or "")
    return tuple(rows)


# --------------------------------------------------------------------------- the summary


def previous_wave(wave: Wave) -> Wave | None:
    """The organisation's latest wave before ``wave`` that closed with answers (None: the first)."""
    earlier = (
        Wave.objects.filter(org_id=wave.org_id, opens_on__lt=wave.opens_on)
        .exclude(status=WaveStatus.DRAFT)
        .order_by("-opens_on", "-pk")
    )
    return next((w for w in earlier if not still_open(w) and w.responses.exists()), None)


def summary_waves(query: DashboardQuery) -> tuple[Wave, Wave | None]:
    """The wave a page's summary describes and the wave it compares with: on a page comparing two
    waves, the later one against the earlier; elsewhere the wave against the previous one."""
    if query.later is not None:
        return query.later, query.wave
    return query.wave, previous_wave(query.wave)


def summary(
    request: HttpRequest, query: DashboardQuery, language: str = "en", view: str = "dashboard.summary"
) -> Summary:
    """The summary that opens every dashboard page: the selection's released figures in words.

    It depends on the wave(s), the filters and the language only (never on the breakdown, the
    page, the viewer or what was asked before), so every page of one selection opens the same way.
    """
    current, previous = summary_waves(query)
    filters = {"wave": query.labels[current.pk], **query.filters}
    before = query.labels[previous.pk] if previous is not None else None

    def work(release: Release, frame: pd.DataFrame) -> Summary:
        return summarise(released_figures(frame, release=release, filters=filters, previous=before), language)

    return run_on_release(request, query, view, work)


# --------------------------------------------------------------------------- overview


def overview(request: HttpRequest, query: DashboardQuery, view: str = "dashboard.overview") -> Overview:
    """Stage mix with intervals, response rate with its non-response band, policy awareness,
    participation and the answers to HR's three diagnostic questions, for the filtered total."""
    invited = int(_invited(query)["invited"].sum())

    def work(release: Release, frame: pd.DataFrame) -> Overview:
        total = total_row(frame, query, release)
        if not total.get("visible", False):
            return Overview(query, total)
        set_aside = set_aside_sentence(
            frame, query.labels[query.wave.pk], query.wave.k, wave_open=still_open(query.wave)
        )
        filters = query.wave_filters
        if not query.wave.has_response_rates:
            band: dict[str, Any] = {
                "visible": False,
                "message": query.wave.no_rates_reason,
                "response_rate": None,
            }
            band.update({f"{p}_{k}": None for k in STAGE_KEYS for p in ("respondent", "low", "high")})
        else:
            (band,) = records(nonresponse_band(frame, invited, release=release, filters=filters))
        (awareness,) = records(policy_awareness(frame, [], release=release, filters=filters))
        return Overview(
            query,
            total,
            band=band,
            rate=_rate(band),
            awareness=awareness,
            diagnostics=tuple(records(diagnostic_answers(frame, [], release=release, filters=filters))),
            contexts=tuple(records(context_profiles(frame, [], release=release, filters=filters))),
            set_aside=set_aside,
            wave_open=release.is_open(query.labels[query.wave.pk]),
        )

    return refuse_if_hidden(run_on_release(request, query, view, work))


def set_aside_sentence(frame: pd.DataFrame, wave: str, k: int, *, wave_open: bool = False) -> str:
    """How many of the wave's answers were set aside as careless, in words ("" when none).

    Counted over the whole organisation whatever the filters, so no choice of filters, and no
    difference between two of them, narrows it to a group; below ``k`` only "fewer than k" is said.
    While the wave is still open the count is not said at all, only that it will be: a count that
    moves between two looks, while the placed total does not, would tell whoever knows who answered
    in between that his answers were set aside. The sentence is then the same whatever the data.
    """
    if wave_open:
        return (
            "Answers set aside as careless (the same answer to nearly every question, or answers that fit"
            " no stage) are left out of every figure; how many is said once the wave has closed."
        )
    if "status" not in frame.columns or frame.empty:
        return ""
    in_wave = frame["wave"] == wave
    count = int(((frame["status"] == "suspect") & in_wave).fillna(False).sum())
    if count == 0:
        return ""
    how_many = f"{count:,} answers were" if count >= k else f"Fewer than {k} answers were"
    return (
        f"{how_many} set aside in this wave, across the whole organisation, because they did not look"
        " like considered answers (the same answer to nearly every question, or answers that fit no"
        " stage). They are in no figure here; each of these people was told why in his private report."
    )


def _rate(band: Record) -> Rate:
    """The response rate of the band's group with its Wilson interval (shown with the group's count:
    the band itself may be hidden, e.g. while the wave is open, but the count and rate are published)."""
    if band.get("n") is None or band.get("response_rate") is None:
        return Rate(visible=False, message=band["message"] or "hidden by the privacy rules")
    low, high = wilson_interval(band["n"], band["invited"])
    return Rate(
        visible=True,
        n=band["n"],
        invited=band["invited"],
        rate=band["response_rate"],
        low=float(low),
        high=float(high),
    )


def _invited(query: DashboardQuery) -> pd.DataFrame:
    """HR's invited population of the wave within the filters (not responses: always shown), as
    counts by unit, level and region (``invited``)."""
    frame = invitation_frame(query.wave, query.depth)
    for column, value in query.filters.items():
        frame = frame[(frame[column] == value).fillna(False).to_numpy(dtype=bool)]
    return frame


# --------------------------------------------------------------------------- group explorer


def groups_view(request: HttpRequest, query: DashboardQuery, view: str = "dashboard.groups") -> Groups:
    """Per group of the breakdown: size, stage mix with intervals, response rate, policy awareness."""
    by = query.by_column
    assert by is not None
    invited = _invited(query).groupby(by, dropna=True)["invited"].sum().reset_index()

    def work(release: Release, frame: pd.DataFrame) -> Groups:
        total = total_row(frame, query, release)
        if not total.get("visible", False):
            return Groups(query, total)
        filters = query.wave_filters
        mix = stage_mix(frame, by, release=release, filters=filters, with_total=True).iloc[1:]
        if not query.wave.has_response_rates:  # nothing for _merge to copy
            rates = pd.DataFrame(index=pd.Index([], name="group"))
        else:
            rates = _by_group(response_rates(frame, invited, by, release=release, filters=filters))
        aware = _by_group(policy_awareness(frame, by, release=release, filters=filters))
        rows = []
        for row in records(mix):
            _merge(row, rates, ("invited", "response_rate", "low", "high"), prefix="rate_")
            # with the counts their answerers' releases show, for each share's range
            _merge(row, aware, AWARENESS_COLUMNS)
            rows.append(row)
        return Groups(query, total, rows=with_value(rows, by))

    return refuse_if_hidden(run_on_release(request, query, view, work))


AWARENESS_COLUMNS = (
    "claimed_share",
    "verified_share",
    "participation_share",
    "answered",
    "verified_answered",
    "participation_answered",
)


def _by_group(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` indexed by group name (empty when the breakdown has no group at all)."""
    if "group" not in table.columns:
        return pd.DataFrame(index=pd.Index([], name="group"))
    return table.set_index("group")


def _merge(row: dict[str, Any], other: pd.DataFrame, columns: Sequence[str], prefix: str = "") -> None:
    """Copy ``columns`` of the same group's row in ``other``; only what that view showed too."""
    found = other.loc[row["group"]] if row["group"] in other.index else None
    shown = found is not None and bool(found["visible"])
    for column in columns:
        value = found[column] if shown and found is not None else None
        row[prefix + column] = None if value is None or pd.isna(value) else float(value)


# --------------------------------------------------------------------------- heatmap


def heatmap_view(request: HttpRequest, query: DashboardQuery, view: str = "dashboard.heatmap") -> Heatmap:
    """Mean barrier, norm and enabler scores for the filtered total and per group."""

    def work(release: Release, frame: pd.DataFrame) -> Heatmap:
        total = total_row(frame, query, release)
        if not total.get("visible", False):
            return Heatmap(query, total)
        filters = query.wave_filters
        everyone = factor_heatmap(frame, [], release=release, filters=filters)
        rows: list[dict[str, Any]] = []
        if query.by_column:
            rows = records(factor_heatmap(frame, query.by_column, release=release, filters=filters))
        return Heatmap(
            query,
            total,
            factors=everyone.attrs.get("factors", {}),
            overall=records(everyone)[0],
            rows=with_value(rows, query.by_column),
        )

    return refuse_if_hidden(run_on_release(request, query, view, work))


# --------------------------------------------------------------------------- trends and transitions


def _pair(query: DashboardQuery) -> tuple[str, str]:
    assert query.later is not None
    return (query.labels[query.wave.pk], query.labels[query.later.pk])


def trends_view(request: HttpRequest, query: DashboardQuery, view: str = "dashboard.trends") -> Trends:
    """Change in stage mix and index between the two waves, for the total and per group."""
    if query.later is None:
        return _single_wave(request, query, view, Trends)
    waves = _pair(query)

    def work(release: Release, frame: pd.DataFrame) -> Trends:
        total = total_row(frame, query, release)
        if not total.get("visible", False):
            return Trends(query, total)
        change = [
            with_change_intervals(r)
            for r in records(wave_change(frame, [], waves, release=release, filters=query.filters))
        ]
        rows: list[dict[str, Any]] = []
        if query.by_column:
            table = wave_change(frame, query.by_column, waves, release=release, filters=query.filters)
            rows = [with_change_intervals(r) for r in records(table)]
        return Trends(
            query,
            total,
            waves=waves,
            change=change[0] if change else None,
            rows=with_value(rows, query.by_column),
        )

    return refuse_if_hidden(run_on_release(request, query, view, work))


#: Why transitions are never shown by group or for a filtered selection. Each group's matrix passes the
#: row rules on its own (analytics.change), but the release solves group sizes and stage splits, not
#: matrix rows: the whole panel's row minus one unit's (or a unit's minus its sub-unit's) would give the
#: moves of the few people left, which no rule has checked.
WHOLE_ORGANISATION_ONLY = (
    "transitions are shown for the whole organisation only, not by group or for a filtered selection:"
    " one group's table taken from another's could show where a few people moved"
)


def transitions_view(
    request: HttpRequest, query: DashboardQuery, view: str = "dashboard.transitions"
) -> Transitions:
    """Stage-to-stage transitions of the panel members who answered both waves (panel waves only)."""
    if query.later is None:
        return _single_wave(request, query, view, Transitions)
    if not query.panel:
        raise DashboardInputError(
            422, "not_panel", "to_wave", "transitions need two pseudonymous-panel waves (these are anonymous)"
        )
    narrowed = [name for name in ("unit", "level", "region") if getattr(query, name)]
    if narrowed:  # a filter, or a viewer who may see part of the organisation only
        raise DashboardInputError(422, "whole_organisation_only", narrowed[0], WHOLE_ORGANISATION_ONLY)
    waves = _pair(query)

    def work(release: Release, frame: pd.DataFrame) -> Transitions:
        total = total_row(frame, query, release)
        if not total.get("visible", False):
            return Transitions(query, total)
        overall = records(transitions(frame, [], waves, release=release))
        note = WHOLE_ORGANISATION_ONLY if query.by_column else None
        return Transitions(query, total, waves=waves, overall=tuple(overall), note=note)

    return refuse_if_hidden(run_on_release(request, query, view, work))


def _single_wave(request: HttpRequest, query: DashboardQuery, view: str, result: Callable[..., R]) -> R:
    """A comparison asked for before a second wave exists: the wave's total and a note, no change."""

    def work(release: Release, frame: pd.DataFrame) -> R:
        return result(query, total_row(frame, query, release), message=ONE_WAVE)

    return refuse_if_hidden(run_on_release(request, query, view, work))


# --------------------------------------------------------------------------- action plan


def later_wave(wave: Wave) -> Wave | None:
    """The next launched wave of the organisation after ``wave`` (where its plan is followed up)."""
    return (
        Wave.objects.filter(org_id=wave.org_id, opens_on__gt=wave.opens_on)
        .exclude(status=WaveStatus.DRAFT)
        .order_by("opens_on", "pk")
        .first()
    )


def adopted_items(query: DashboardQuery) -> list[AdoptedItem]:
    """The plan adopted on the request's wave, within the viewer's unit (if he is scoped to one)."""
    items = AdoptedItem.objects.filter(org=query.org, wave=query.wave)
    if query.unit is None or query.membership.role != "analyst":
        return list(items)
    column = unit_column(query.unit.depth)
    return [i for i in items if i.filters.get(column) == query.unit.path]


def in_scope(item: AdoptedItem, membership: Membership) -> bool:
    """Whether ``membership`` may see and change ``item``: an analyst limited to some units only
    where the item was adopted for one of them or a unit below (as the plan page lists them)."""
    if membership.role != "analyst":
        return True
    units = list(membership.units.all())
    return not units or any(item.filters.get(unit_column(u.depth)) == u.path for u in units)


def plan_view(request: HttpRequest, query: DashboardQuery, view: str = "dashboard.plan") -> Plan:
    """Proposed interventions per group (with reasons) and the adopted plan with its progress."""
    by = query.by_column
    assert by is not None
    later = later_wave(query.wave)
    adopted = tuple(adopted_items(query))

    def work(release: Release, frame: pd.DataFrame) -> Plan:
        total = total_row(frame, query, release)
        if not total.get("visible", False):
            return Plan(query, total, adopted=adopted, later=later)
        filters = query.wave_filters
        # the groups' decisions first (hidden ones say why), then the plan for the shown ones; each
        # shown group with the sentence that opens its plan, or why it has none
        opened = release.is_open(query.labels[query.wave.pk])
        rows = [
            {**row, "lead": stage_lead(row), "no_plan": no_plan_reason(row, wave_open=opened)}
            for row in records(stage_mix(frame, by, release=release, filters=filters))
        ]
        items = action_plan(frame, by, release=release, filters=filters)
        # Each adopted item says why with today's figures, never with the text stored when it was
        # adopted: the release may have changed since, and the old figure beside today's could tell
        # how a few people stood. The page's own proposals cover the groups of its breakdown; any
        # other adopted group (adopted under another breakdown or selection) is drawn on its own.
        covered = {row["group"] for row in rows}
        current = _proposals_for(frame, [a for a in adopted if a.group not in covered], release)
        progress: list[dict[str, Any]] = []
        if later is not None and adopted:
            pair = (query.labels[query.wave.pk], query.labels[later.pk])
            progress = [
                with_change_intervals(r)
                for r in records(
                    plan_progress(frame, [a.as_plan_item() for a in adopted], pair, release=release)
                )
            ]
        return Plan(
            query,
            total,
            rows=tuple(rows),
            items=tuple(items),
            adopted=adopted,
            later=later,
            progress=tuple(progress),
            wave_open=opened,
            current=tuple(current),
        )

    return refuse_if_hidden(run_on_release(request, query, view, work))


def _proposals_for(frame: pd.DataFrame, adopted: Sequence[AdoptedItem], release: Release) -> list[PlanItem]:
    """Today's proposals for the groups of ``adopted``, each group drawn on its own from ``release``
    (its filters name it whatever breakdown it was adopted under, so it gets the same cell, decision
    and reasons as on a page broken down that way)."""
    out: list[PlanItem] = []
    done: set[str] = set()
    for item in adopted:
        if item.group in done or not set(item.filters) <= set(frame.columns):
            continue  # drawn already, or a column the data no longer has (no proposal, no figure)
        done.add(item.group)
        out += action_plan(frame, [], release=release, filters=dict(item.filters))
    return out


# ``reason``, ``evidence`` and ``stage_action`` are kept as a record of what was proposed, and never
# shown: what HR sees is today's proposal (Plan.reason_of), see AdoptedItem.
_COPIED = ("filters", "priority", "reason", "reason_codes", "evidence", "enabler", "stage_action")


def adopt(
    request: HttpRequest,
    query: DashboardQuery,
    group: str,
    intervention: str,
    *,
    owner: str = "",
    due: dt.date | None = None,
) -> tuple[AdoptedItem, bool] | None:
    """Adopt ``intervention`` for ``group`` into the wave's plan, if the plan of ``query`` proposes it.

    The proposal is recomputed from the release (audited as ``dashboard.plan.adopt``), never taken
    from the request. Returns the item and whether it is new, or None when it is not proposed.
    """
    found = plan_view(request, query, view="dashboard.plan.adopt").proposed(group, intervention)
    if found is None:
        return None
    proposal = AdoptedItem.from_plan_item(found)
    return AdoptedItem.objects.get_or_create(
        wave=query.wave,
        group=found.group,
        intervention=found.intervention,
        defaults={
            **{f: getattr(proposal, f) for f in _COPIED},
            "org": query.org,
            "owner": owner,
            "due": due,
            "adopted_by": request.user if request.user.is_authenticated else None,
        },
    )


# --------------------------------------------------------------------------- comments


def comment_view(request: HttpRequest, query: DashboardQuery, view: str = "dashboard.comments") -> Comments:
    """Open-text comments per group (k_text), shuffled anew on every request, with no dates."""
    seed = secrets.randbits(32)

    def work(release: Release, frame: pd.DataFrame) -> Comments:
        total = total_row(frame, query, release)
        if not total.get("visible", False):
            return Comments(query, total)
        sets = comments(frame, _by(query), seed=seed, release=release, filters=query.wave_filters)
        rows = [
            CommentGroup(
                group=s.group,
                value=_text(s.values.get(query.by_column)) if query.by_column else None,
                visible=s.decision.visible,
                n=s.decision.n if s.decision.visible else None,
                reason=s.decision.reason or None,
                message=s.decision.message or None,
                band=s.band or None,
                comments=tuple(s.texts),
            )
            for s in sets
        ]
        return Comments(query, total, rows=tuple(rows))

    return refuse_if_hidden(run_on_release(request, query, view, work))


def _text(value: object) -> str | None:
    return None if value is None else str(value)


# --------------------------------------------------------------------------- the board report


def board(request: HttpRequest, query: DashboardQuery, view: str, language: str = "en") -> Board:
    """The board report of the request's wave by its breakdown, from the organisation's release;
    its summary (in ``language``) is the one the console's pages open with."""
    by = query.by_column
    assert by is not None
    invited = int(_invited(query)["invited"].sum())
    adopted = [
        {"group": a.group, "intervention": a.intervention, "owner": a.owner, "due": a.due, "status": a.status}
        for a in adopted_items(query)
    ]
    label = {"unit": "unit", "level": "level", "region": "region"}[query.by or "unit"]

    previous = previous_wave(query.wave)
    before = query.labels[previous.pk] if previous is not None else None
    # in the report's language from the first: the cover prints them as they are
    title = board_title(query.org.name, language)
    scope = describe(query.filters) if query.filters else None
    subtitle = board_subtitle(query.labels[query.wave.pk], scope, language)

    def work(release: Release, frame: pd.DataFrame) -> Board:
        total = total_row(frame, query, release)
        if not total["visible"]:  # the whole selection is hidden: a report that says why (records nothing)
            if query.chosen:
                raise FilterRefusedError(total)
            return refused_board(
                total,
                by=by,
                policy=release.policy,
                title=title,
                subtitle=subtitle,
                by_label=label,
                language=language,
            )
        built = build_board(
            frame,
            by,
            release=release,
            title=title,
            subtitle=subtitle,
            by_label=label,
            filters=query.wave_filters,
            adopted=adopted,
            previous=before,
            language=language,
        )
        if built.table.iloc[0]["suppressed"] == "" and query.wave.has_response_rates:
            (band,) = records(nonresponse_band(frame, invited, release=release, filters=query.wave_filters))
            built.band, built.rate = band, _rate_dict(band)
        return built

    return run_on_release(request, query, view, work)


def _rate_dict(band: Record) -> dict[str, Any]:
    """:func:`_rate` as the board report reads it (a dict, as its templates and exports do)."""
    rate = _rate(band)
    if not rate.visible:
        return {"visible": False, "message": rate.message}
    return {k: getattr(rate, k) for k in ("visible", "n", "invited", "rate", "low", "high")}
