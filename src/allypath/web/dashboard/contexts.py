"""The "Contexts and turning points" view: where groups stand in each work situation, what men say
turned them, and whether they know the policies the organisation declares.

Every figure comes from the organisation's release through the analytics, like every other view
(:func:`allypath.web.dashboard.service.run_on_release`): a group the release hides shows its reason
only, and a turning point's share is withheld where it would tell how every member answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.http import HttpRequest

from allypath.analytics import context_profiles, policy_awareness
from allypath.analytics.factors import turning_points
from allypath.analytics.plans import CONTEXT_GAP, situated, stands_apart
from allypath.instrument import Instrument
from allypath.model import STAGES, TURNING_POINTS
from allypath.privacy import Release
from allypath.reports.board import records
from allypath.web.dashboard.query import DashboardQuery
from allypath.web.dashboard.results import Record, Result
from allypath.web.dashboard.service import refuse_if_hidden, run_on_release, total_row, with_value
from allypath.web.orgs.instruments import available_instrument

__all__ = ["APART", "Contexts", "context_labels", "contexts_view"]

#: A context mean this far (in stages) from the group's average in its other contexts is called out,
#: and never by less than the row's margin (:func:`allypath.analytics.plans.stands_apart`, the
#: action plan's rule for "a context where the group stands further back").
APART = CONTEXT_GAP


@dataclass(frozen=True)
class Contexts(Result):
    """Per group: the mean stage in each work context, and the contexts where it stands apart."""

    contexts: tuple[tuple[str, str], ...] = ()  # (key, label)
    overall: Record | None = None
    rows: tuple[Record, ...] = ()
    turning: tuple[Record, ...] = ()  # (label, share) of those who answered, the whole selection
    awareness: Record | None = None
    policies_declared: bool = False
    wave_open: bool = False  # the wave still collects answers: the release publishes counts only


def context_labels(instrument: Instrument | None = None) -> tuple[tuple[str, str], ...]:
    """(key, English label) of each work context the instrument measures."""
    instrument = instrument or available_instrument()
    return tuple(
        (str(c.context), c.label["en"]) for c in instrument.constructs if c.kind == "context" and c.context
    )


#: A group's row while its wave is open: no context's average is published yet.
OPEN = "Figures appear when the wave closes: while it is open, only response counts are published."


def _stage_word(shown: float | None) -> str:
    """The stage nearest ``shown``, the average as the page prints it (one decimal), so the same
    printed number always gets the same words; halfway (2.5) is between two stages."""
    if shown is None:
        return ""
    tenths = round(shown * 10)
    if tenths % 10 == 5:
        low = min(max(tenths // 10, 1), 3)
        names = (STAGES[low - 1].short_label["en"], STAGES[low].short_label["en"])
        return f"between {names[0]} and {names[1]}"
    return STAGES[min(max(round(tenths / 10), 1), 4) - 1].short_label["en"]


def _profile(row: dict[str, Any], keys: list[str], *, wave_open: bool = False) -> dict[str, Any]:
    """The row with, per context, the nearest stage's name and whether it stands apart, in words."""
    means = [row.get(k) for k in keys]
    margin = row.get("margin")
    # the plan's and the deck's rule: a quarter of a stage from the others, and beyond the margin
    apart_of = stands_apart(
        dict(zip(keys, means, strict=True)), margin if isinstance(margin, float) else None
    )
    cells = []
    for key, mean in zip(keys, means, strict=True):
        apart = apart_of[key]
        # rounded once here: the table and the chart print this same value (never two roundings)
        shown = None if mean is None else round(float(mean), 1)
        cells.append({"key": key, "mean": shown, "stage": _stage_word(shown), "apart": apart})
    row["cells"] = cells
    row["sentence"] = OPEN if wave_open else _sentence(cells)
    return row


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _sentence(cells: list[dict[str, Any]]) -> str:
    """The row in words, from the shown averages only: a withheld one is never called "the same"."""
    known = [c for c in cells if c["mean"] is not None]
    if not known:
        return (
            "No context's average is shown for this group: each would tell a member how the others"
            " answered, or nobody answered these questions."
        )
    if len(known) == 1:
        return "Only one context's average is shown for this group, so its contexts cannot be compared."
    withheld = " Contexts shown with a dash are withheld and not compared." if len(known) < len(cells) else ""
    labels = dict(context_labels())

    def where(keys: list[str]) -> str:
        return _join([situated(labels.get(k, k.replace("_", " "))) for k in keys])

    back = [c["key"] for c in known if c["apart"] == "further back"]
    along = [c["key"] for c in known if c["apart"] == "further along"]
    parts = []
    if along:
        parts.append("further along " + where(along))
    if back:
        parts.append("further back " + where(back))
    if not parts:
        every = "every context" if not withheld else "every context shown"
        return (
            f"About the same stage in {every} (no context differs by a quarter of a stage or more, and"
            " by more than chance could make)." + withheld
        )
    return "Stands " + "; ".join(parts) + " than in its other contexts." + withheld


def _most_named_first(point: dict[str, Any]) -> tuple[bool, bool, float]:
    """The turning points as people read a ranking: the most named first, "Something else" and
    the shares not shown last."""
    share = point["share"]
    missing = share is None or bool(pd.isna(share))
    return (point["key"] == "other", missing, 0.0 if missing else -float(share))


def contexts_view(request: HttpRequest, query: DashboardQuery, view: str = "dashboard.contexts") -> Contexts:
    """Context profiles for the filtered total and per group, the turning points and policy awareness."""
    labels = context_labels()
    keys = [k for k, _ in labels]

    def work(release: Release, frame: pd.DataFrame) -> Contexts:
        total = total_row(frame, query, release)
        if not total.get("visible", False):
            return Contexts(query, total)
        filters = query.wave_filters
        (overall,) = records(context_profiles(frame, [], release=release, filters=filters))
        rows: list[dict[str, Any]] = []
        if query.by_column:
            rows = records(context_profiles(frame, query.by_column, release=release, filters=filters))
        (points,) = records(turning_points(frame, [], release=release, filters=filters))
        turning = tuple(
            sorted(
                (
                    # ``answered``: the count its answerers' release shows, for the share's range
                    # (None: hidden)
                    {
                        "key": t.key,
                        "label": t.label["en"],
                        "share": points.get(t.key),
                        "answered": points.get("answered"),
                    }
                    for t in TURNING_POINTS
                    if t.key in points
                ),
                key=_most_named_first,
            )
        )
        (awareness,) = records(policy_awareness(frame, [], release=release, filters=filters))
        opened = release.is_open(query.labels[query.wave.pk])
        return Contexts(
            query,
            total,
            contexts=labels,
            overall=_profile(overall, keys, wave_open=opened),
            rows=with_value(
                [_profile(r, keys, wave_open=opened) if r.get("visible") else r for r in rows],
                query.by_column,
            ),
            turning=turning,
            awareness=awareness,
            policies_declared=bool(query.org.policies),
            wave_open=opened,
        )

    return refuse_if_hidden(run_on_release(request, query, view, work))
