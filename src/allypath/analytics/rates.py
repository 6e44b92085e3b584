"""Response rates per unit of the organisation's hierarchy, as the release publishes them.

Each unit's row counts the usable responses of its whole subtree (the release's cell of that unit
on the wave) over the people invited there. Where a unit has sub-units and people attached to it
directly, a "(directly in this unit)" row follows: its count is the unit's minus its sub-units', so
it is shown only where all of those are (the release's line rule then makes it 0 or at least k).
Every other count is the release's own decision, safe together with everything else it shows (a
unit below a hidden one may be shown: the release already made sure no sum gives a small group
away). Invited counts are HR's own and always shown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

from allypath.privacy import Release

__all__ = ["DIRECT", "RateRow", "RateTable", "UnitNode", "unit_rates"]

DIRECT = "(directly in this unit)"


@dataclass(frozen=True)
class UnitNode:
    """One unit: its path (``Sales/EMEA``), name, depth (0 at the top) and the people invited to it."""

    path: str
    name: str
    depth: int
    invited: int

    @property
    def parent(self) -> str | None:
        return self.path.rsplit("/", 1)[0] if "/" in self.path else None


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


def unit_rates(
    release: Release,
    wave: Hashable,
    units: Sequence[UnitNode],
    unit_columns: Sequence[str],
    *,
    scope: Sequence[str] = (),
) -> RateTable:
    """The per-unit response-rate table of ``wave`` from ``release``.

    ``unit_columns`` names the release's column of each depth (``unit``, ``unit2``, ...); ``scope``
    (unit paths) keeps an analyst's own units and those below them, and makes the totals theirs.
    """
    by_path = {u.path: u for u in units}
    invited: dict[str, int] = defaultdict(int)
    for unit in units:
        parts = unit.path.split("/")
        for depth in range(1, len(parts) + 1):
            invited["/".join(parts[:depth])] += unit.invited
    children: dict[str | None, list[str]] = defaultdict(list)
    for unit in units:
        if invited[unit.path]:
            children[unit.parent].append(unit.path)

    def count(path: str | None) -> tuple[int | None, str]:
        filters: Mapping[str, Hashable] = {} if path is None else {unit_columns[by_path[path].depth]: path}
        cell = release.cell({**filters}, wave=wave)
        return cell.n, release.message(cell.reason, wave)

    total, total_note = count(None)
    rows: list[RateRow] = []

    def visit(parent: str | None, parent_n: int | None) -> None:
        kids = sorted(children.get(parent, []))
        counts = {kid: count(kid) for kid in kids}
        if parent is not None and kids and by_path[parent].invited:
            known = all(n is not None for n, _ in counts.values()) and parent_n is not None
            direct = (
                parent_n - sum(n or 0 for n, _ in counts.values()) if known and parent_n is not None else None
            )
            note = "" if direct is not None else "hidden so that a smaller group cannot be worked out"
            depth = by_path[parent].depth + 1
            rows.append(RateRow(f"{parent}/{DIRECT}", DIRECT, depth, by_path[parent].invited, direct, note))
        for kid in kids:
            n, note = counts[kid]
            unit = by_path[kid]
            rows.append(RateRow(kid, unit.name, unit.depth, invited[kid], n, "" if n is not None else note))
            visit(kid, n)

    visit(None, total)
    invited_total = sum(u.invited for u in units)
    if scope:
        rows = [r for r in rows if any(r.path == s or r.path.startswith(s + "/") for s in scope)]
        # his totals are his units' (each a published count), not the organisation's he may not see
        roots = [p for p in set(scope) if p in by_path and not any(p.startswith(o + "/") for o in scope)]
        counts = [count(p) for p in sorted(roots)]
        invited_total = sum(invited[p] for p in roots)
        hidden = [note for n, note in counts if n is None]
        total, total_note = (None, hidden[0]) if hidden else (sum(n or 0 for n, _ in counts), "")
    return RateTable(
        k=release.policy_of(wave).k,
        invited=invited_total,
        responded=total,
        rows=tuple(rows),
        note=total_note if total is None else "",
    )
