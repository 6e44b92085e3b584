"""The declared breakdowns of a publication: which tables an organisation publishes (docs/privacy.md).

A breakdown is a set of attribute columns (``unit``, ``level``, ``unit × level``); every breakdown is
published per wave, and the wave total is always published. The release is solved jointly over all
of them, so the declared set, not the questions people happen to ask, decides what is shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from allypath.errors import DataError

__all__ = ["Breakdown", "default_breakdowns", "parse_breakdowns"]

SEPARATORS = ("*", "×", " x ")


@dataclass(frozen=True, slots=True, order=True)
class Breakdown:
    """One declared table: the columns it crosses (``()`` is the total)."""

    columns: tuple[str, ...]

    @classmethod
    def of(cls, *columns: str) -> Breakdown:
        return cls(tuple(columns))

    def __str__(self) -> str:
        return " × ".join(self.columns) if self.columns else "everyone"

    @property
    def key(self) -> str:
        """Machine form used in files and settings: ``unit*level``."""
        return "*".join(self.columns)


def parse_breakdowns(text: str | Sequence[str], *, field: str = "breakdowns") -> list[Breakdown]:
    """``"unit,level,unit*level"`` (or a list of such parts) as breakdowns, checked.

    Examples
    --------
    >>> [str(b) for b in parse_breakdowns("unit, level, unit*level")]
    ['unit', 'level', 'unit × level']
    """
    parts = text.split(",") if isinstance(text, str) else list(text)
    out: list[Breakdown] = []
    for raw in parts:
        item = raw.strip()
        if not item:
            continue
        for separator in SEPARATORS[1:]:
            item = item.replace(separator, "*")
        columns = tuple(c.strip() for c in item.split("*"))
        if any(not c for c in columns):
            raise DataError(f"breakdown {raw.strip()!r} has an empty column name", column=field)
        if len(set(columns)) != len(columns):
            raise DataError(f"breakdown {raw.strip()!r} names a column twice", column=field)
        breakdown = Breakdown(columns)
        if breakdown not in out:
            out.append(breakdown)
    if not out:
        raise DataError("declare at least one breakdown, e.g. unit,level,unit*level", column=field)
    return out


def default_breakdowns(
    attributes: Iterable[str], hierarchy: Sequence[str] = (), *, crossings: bool = True
) -> list[Breakdown]:
    """Every attribute, every level of the unit hierarchy and (``crossings``) every pair of them.

    ``hierarchy`` lists the unit columns from the top (``unit``, ``unit2``, ...); two levels of the
    same hierarchy are never crossed (one is inside the other).
    """
    levels = list(hierarchy)
    flat = [a for a in attributes if a not in levels]
    singles = [Breakdown.of(c) for c in (*levels, *flat)]
    if not crossings:
        return singles
    pairs = [Breakdown.of(a, b) for a, b in combinations(flat, 2)]
    pairs += [Breakdown.of(level, a) for level in levels for a in flat]
    return [*singles, *pairs]


def check_columns(breakdowns: Sequence[Breakdown], available: Mapping[str, object] | Iterable[str]) -> None:
    """Raise :class:`DataError` naming the first declared column the data does not have."""
    have = set(available)
    for breakdown in breakdowns:
        for column in breakdown.columns:
            if column not in have:
                raise DataError(
                    f"breakdown {breakdown} needs the column {column!r}, which the data does not have",
                    column=column,
                )
