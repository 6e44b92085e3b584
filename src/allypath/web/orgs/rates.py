"""Response rates per unit, shown only where the privacy gate allows (DESIGN §6).

The rows counted are the wave's **usable responses** (``status == "scored"``: the placed responses
:func:`allypath.analytics.response_rates` and every other dashboard view count), never the
unusable ("insufficient") ones, so the wave page, the API and the dashboard never show one group
with two counts a few respondents apart.

Every unit's subtree is a group of response ids (the same member keys as the dashboard's groups),
decided by the privacy gate (:func:`allypath.privacy.evaluate_view`) as one tree-shaped view: the
organisation's total on top, each unit's sub-units as siblings under it, and the people attached
directly to a parent unit as one more sibling ("(directly in this unit)"), so "parent minus
children" reveals nothing. Given the viewer's persistent :class:`~allypath.privacy.DisclosureLedger`
(:func:`allypath.web.plans.ledger.with_ledger`), the differencing guard also weighs every group he
was already shown on the dashboard, in the API or on this page, and the groups shown here are
recorded in it (only the rows he is actually shown). A unit with no responses yet is hidden too
(it would say of each person that he did not answer), and a unit below a hidden one (or every unit,
when the organisation's total is hidden) is hidden as well (its count would give the hidden one
away). Invited counts come from HR's own file and are always shown.

The tree is built here rather than in :mod:`allypath.analytics`: its response rates break one
column down flatly, while this view nests every level of the hierarchy with the direct members.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pandas as pd
from django.db.models import Count

from allypath.privacy import DisclosureLedger, Group, PrivacyPolicy, describe, evaluate_view, response_keys
from allypath.web.console.dashboard_data import unit_column, wave_labels
from allypath.web.orgs.models import Invitation, Membership, Role, Unit, Wave

__all__ = ["COUNTED", "DIRECT", "RateRow", "RateTable", "response_rates"]

DIRECT = "(directly in this unit)"
#: The responses counted: the usable ones, as on the dashboard (``allypath.analytics`` "placed").
COUNTED = "scored"
HIDDEN_ABOVE = "hidden: the unit above is hidden"
FEW = "hidden: fewer responses than the minimum group size"


@dataclass(frozen=True)
class RateRow:
    path: str
    label: str
    depth: int
    invited: int
    responded: int | None  # usable responses; None when hidden
    note: str = ""

    @property
    def rate(self) -> float | None:
        if self.responded is None or not self.invited:
            return None
        return self.responded / self.invited


@dataclass(frozen=True)
class RateTable:
    k: int
    invited: int
    responded: int | None  # usable responses of the whole organisation; None when hidden
    rows: tuple[RateRow, ...]
    note: str = ""  # why the organisation's count is hidden

    @property
    def rate(self) -> float | None:
        return None if self.responded is None or not self.invited else self.responded / self.invited


def _wave_label(wave: Wave) -> str:
    """The wave as the dashboard's group labels name it (its name, with its id if two share it)."""
    return wave_labels(Wave.objects.filter(org_id=wave.org_id))[wave.pk]


def _unit_label(wave_label: str, unit: Unit) -> str:
    """The unit's subtree as the dashboard's filters name it (``unit2=Sales/EMEA & wave=...``)."""
    return describe({"wave": wave_label, unit_column(unit.depth): unit.path})


def response_rates(
    wave: Wave,
    membership: Membership | None = None,
    *,
    ledger: DisclosureLedger | None = None,
    view: str = "response rates",
) -> RateTable:
    """The per-unit response-rate table of ``wave`` as ``membership`` may see it (analysts: their units).

    With ``ledger`` (the viewer's, from :func:`~allypath.web.plans.ledger.with_ledger`) the
    differencing guard weighs what he was shown before and the rows shown here are recorded in it
    under ``view``; without one only the rules within this table apply (nothing is remembered).
    """
    from allypath.web.survey.models import Response

    if ledger is None:
        ledger = DisclosureLedger(PrivacyPolicy(k=wave.k, k_text=wave.k_text))
    policy = ledger.policy
    units = {u.path: u for u in Unit.objects.filter(org=wave.org)}
    invited_direct: dict[str, int] = defaultdict(int)
    for row in Invitation.objects.filter(wave=wave).values("unit__path").annotate(n=Count("id")):
        invited_direct[row["unit__path"]] = row["n"]
    members: dict[str, list[str]] = defaultdict(list)  # unit path -> ids of its direct responses
    for rid, path in Response.objects.filter(wave=wave, status=COUNTED).values_list("id", "unit__path"):
        members[path].append(str(rid))  # str(id): the dashboard's respondent_id, so the same keys

    invited: dict[str, int] = defaultdict(int)
    subtree: dict[str, list[str]] = defaultdict(list)
    for path in units:
        parts = path.split("/")
        for depth in range(1, len(parts) + 1):
            ancestor = "/".join(parts[:depth])
            invited[ancestor] += invited_direct[path]
            subtree[ancestor].extend(members[path])
    children: dict[str | None, list[str]] = defaultdict(list)
    for path, unit in units.items():
        if invited[path]:
            children[unit.parent.path if unit.parent_id else None].append(path)  # type: ignore[union-attr]

    def group(label: str, ids: list[str]) -> Group:
        return Group.from_keys(label, response_keys(pd.Series(ids, dtype="string")), distinct=True)

    wave_label = _wave_label(wave)
    total_label = describe({"wave": wave_label})
    everyone = [rid for ids in members.values() for rid in ids]
    groups: dict[str | None, Group] = {None: group(total_label, everyone)}
    parents: dict[str, str] = {}
    # (row key, parent row key): row keys are unit paths, "<parent>/(directly in this unit)" and None
    order: list[tuple[str, str | None]] = []

    def visit(parent: str | None) -> None:
        kids = sorted(children.get(parent, []))
        keys = []
        if parent is not None and kids and invited_direct[parent]:
            keys.append(f"{parent}/{DIRECT}")
            groups[keys[-1]] = group(f"{groups[parent].label} {DIRECT}", members[parent])
        for kid in kids:
            keys.append(kid)
            groups[kid] = group(_unit_label(wave_label, units[kid]), subtree[kid])
        for key in keys:
            parents[groups[key].label] = groups[parent].label
            order.append((key, parent))
            if key in units:
                visit(key)

    visit(None)
    decisions = evaluate_view(ledger, list(groups.values()), parents=parents)

    shown: dict[str | None, bool] = {}
    notes: dict[str | None, str] = {}
    for key, parent in [(None, None), *order]:
        decision = decisions[groups[key].label]
        above = key is None or shown[parent]
        shown[key] = above and decision.visible and decision.n >= policy.k
        if not above:
            notes[key] = HIDDEN_ABOVE
        elif not shown[key]:
            notes[key] = decision.message or FEW

    rows: list[RateRow] = []
    for key, parent in order:
        assert key is not None
        n = groups[key].n if shown[key] else None
        if key in units:
            unit = units[key]
            rows.append(RateRow(key, unit.name, unit.depth, invited[key], n, notes.get(key, "")))
        else:
            assert parent is not None
            depth = units[parent].depth + 1
            rows.append(RateRow(key, DIRECT, depth, invited_direct[parent], n, notes.get(key, "")))
    if membership is not None and membership.role == Role.ANALYST:
        scope = [u.path for u in membership.units.all()]
        if scope:
            rows = [r for r in rows if any(r.path == s or r.path.startswith(s + "/") for s in scope)]
    # Record what this viewer is actually shown (a subset of what the gate let through together).
    on_show = [groups[None]] if shown[None] else []
    on_show += [groups[r.path] for r in rows if r.responded is not None]
    ledger.record([g for g in on_show if g.n > 0], view)
    return RateTable(
        k=policy.k,
        invited=sum(invited_direct.values()),
        responded=groups[None].n if shown[None] else None,
        rows=tuple(rows),
        note=notes.get(None, ""),
    )
