"""Response rates per unit, shown only where the privacy gate allows (DESIGN §6).

Counts of responses are decided sibling by sibling with :func:`allypath.privacy.decide_siblings` (the
people attached directly to a parent unit form one more sibling, so "parent minus children" reveals
nothing); a unit with no responses yet is hidden too (it would say of each person that he did not
answer), and a unit below a hidden one is hidden as well (its count would give the hidden one away).
Invited counts come from HR's own file and are always shown.

TODO(analytics): move the counting into ``allypath.analytics`` when its response-rate function lands;
the decisions already come from the privacy gate.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count

from allypath.privacy import PrivacyPolicy, decide_siblings
from allypath.web.orgs.models import Invitation, Membership, Role, Unit, Wave

__all__ = ["RateRow", "RateTable", "response_rates"]

DIRECT = "(directly in this unit)"


@dataclass(frozen=True)
class RateRow:
    path: str
    label: str
    depth: int
    invited: int
    responded: int | None  # None when hidden
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
    responded: int | None
    rows: tuple[RateRow, ...]

    @property
    def rate(self) -> float | None:
        return None if self.responded is None or not self.invited else self.responded / self.invited


def _subtree(counts: Counter[str], paths: Iterable[str]) -> Counter[str]:
    total: Counter[str] = Counter()
    for path, n in counts.items():
        parts = path.split("/")
        for depth in range(1, len(parts) + 1):
            total["/".join(parts[:depth])] += n
    for path in paths:
        total.setdefault(path, 0)
    return total


def response_rates(wave: Wave, membership: Membership | None = None) -> RateTable:
    """The per-unit response-rate table of ``wave`` as ``membership`` may see it (analysts: their units)."""
    from allypath.web.survey.models import Response

    policy = PrivacyPolicy(k=wave.k, k_text=wave.k_text)
    units = {u.path: u for u in Unit.objects.filter(org=wave.org)}
    invited_direct = Counter(
        {
            row["unit__path"]: row["n"]
            for row in Invitation.objects.filter(wave=wave).values("unit__path").annotate(n=Count("id"))
        }
    )
    responded_direct = Counter(
        {
            row["unit__path"]: row["n"]
            for row in Response.objects.filter(wave=wave).values("unit__path").annotate(n=Count("id"))
        }
    )
    invited = _subtree(invited_direct, units)
    responded = _subtree(responded_direct, units)
    children: dict[str | None, list[str]] = defaultdict(list)
    for path, unit in units.items():
        if invited[path]:
            children[unit.parent.path if unit.parent_id else None].append(path)  # type: ignore[union-attr]

    rows: list[RateRow] = []

    def visit(parent: str | None, parent_visible: bool) -> None:
        kids = sorted(children.get(parent, []))
        sizes: dict[str, int] = {path: responded[path] for path in kids}
        if parent is not None and kids and invited_direct[parent]:
            sizes[DIRECT] = responded_direct[parent]
        decisions = decide_siblings(sizes, policy)
        for key in ([DIRECT] if DIRECT in sizes else []) + kids:
            decision = decisions[key]
            shown = parent_visible and decision.visible and decision.n >= policy.k
            if not parent_visible:
                note = "hidden: the unit above is hidden"
            elif decision.n == 0 or not decision.visible:
                note = decision.message or "hidden: fewer responses than the minimum group size"
            else:
                note = ""
            if key == DIRECT:
                assert parent is not None
                rows.append(
                    RateRow(
                        parent + "/" + DIRECT,
                        DIRECT,
                        units[parent].depth + 1,
                        invited_direct[parent],
                        decision.n if shown else None,
                        note,
                    )
                )
                continue
            unit = units[key]
            rows.append(
                RateRow(key, unit.name, unit.depth, invited[key], decision.n if shown else None, note)
            )
            visit(key, shown)

    visit(None, True)
    total_invited = sum(invited_direct.values())
    total_responded = sum(responded_direct.values())
    if membership is not None and membership.role == Role.ANALYST:
        scope = [u.path for u in membership.units.all()]
        if scope:
            rows = [r for r in rows if any(r.path == s or r.path.startswith(s + "/") for s in scope)]
    return RateTable(
        k=policy.k,
        invited=total_invited,
        responded=total_responded if total_responded >= policy.k else None,
        rows=tuple(rows),
    )
