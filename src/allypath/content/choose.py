"""Choosing from the library: the next few items for one man, and dilemmas for a workshop.

Pure and deterministic: the same profile and library give the same choice, in the same order, every
time (ties go to the item written first in the library file, so the file's order is the curation).

The person's side is a :class:`Profile`: his stage, his strongest barrier (or norm), his weakest
work context and his turning point if he gave one. :func:`profile_from_scored` builds it from one
row of the scored output (docs/architecture.md, "Contracts"); nothing in it is stored or shown to
anyone but him.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from allypath.content.definition import FORMAT_FOR_STAGE, Dilemma, DilemmaSet, Library, LibraryItem
from allypath.model import BARRIERS, NORMS, TURNING_POINTS

__all__ = [
    "SCALE_MIDPOINT",
    "WEIGHTS",
    "Profile",
    "Suggestion",
    "choose_dilemmas",
    "next_items",
    "profile_from_scored",
]

# How much each match counts when ranking library items for a man (see next_items).
WEIGHTS = {
    "home_stage": 6,  # written for his stage first of all
    "stage": 4,  # suits his stage too
    "stretch": 2,  # written for the next stage: one step ahead
    "barrier": 4,
    "context": 3,
    "turning_point": 3,
    "format": 1,  # the kind of content the research names for his stage
    "repeat_format": -1,  # per item of the same format already chosen: keep the mix varied
}
# A barrier counts as his strongest only above the middle of the 1-5 agreement scale.
SCALE_MIDPOINT = 3.0
_SCALE_MAX = 5


@dataclass(frozen=True, slots=True)
class Profile:
    """What the choice of items is based on; every field but ``stage`` is optional."""

    stage: int
    barrier: str | None = None
    context: str | None = None
    turning_point: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.stage, bool) or self.stage not in (1, 2, 3, 4):
            raise ValueError(f"stage must be 1-4, got {self.stage!r}")


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A chosen item and why: ``reasons`` are keys such as ``stage``, ``barrier:fear``, ``context:...``."""

    item: LibraryItem
    score: int
    reasons: tuple[str, ...]


def _base(item: LibraryItem, profile: Profile) -> tuple[int, list[str]] | None:
    stage = profile.stage
    reasons: list[str] = []
    if item.home_stage == stage:
        score, reasons = WEIGHTS["home_stage"], ["stage"]
    elif stage in item.stages:
        score, reasons = WEIGHTS["stage"], ["stage"]
    elif stage + 1 in item.stages:
        score, reasons = WEIGHTS["stretch"], ["next_stage"]
    else:
        return None
    if profile.barrier is not None and profile.barrier in item.barriers:
        score += WEIGHTS["barrier"]
        reasons.append(f"barrier:{profile.barrier}")
    if profile.context is not None and profile.context in item.contexts:
        score += WEIGHTS["context"]
        reasons.append(f"context:{profile.context}")
    if profile.turning_point is not None and profile.turning_point in item.turning_points:
        score += WEIGHTS["turning_point"]
        reasons.append(f"turning_point:{profile.turning_point}")
    if item.format in FORMAT_FOR_STAGE[stage]:
        score += WEIGHTS["format"]
    return score, reasons


def next_items(
    profile: Profile, library: Library | None = None, *, n: int = 3, exclude: Iterable[str] = ()
) -> tuple[Suggestion, ...]:
    """The next ``n`` library items for a man, best first.

    An item is eligible when it is written for his stage or for the next one (one step ahead),
    and he has not read it (``exclude``). Each eligible item scores by :data:`WEIGHTS`: its stage
    fit, then a match on his strongest barrier, weakest context and turning point, plus a point
    when its format is the one the research names for his stage. Items are then taken greedily,
    each later pick losing a point per already chosen item of the same format, so that he gets a
    mix (a story and a short piece rather than two stories). Ties go to the earlier item in the file.

    Examples
    --------
    >>> picks = next_items(Profile(stage=1, turning_point="father"))
    >>> picks[0].item.id, picks[0].reasons
    ('short_becoming_a_father', ('stage', 'turning_point:father'))
    """
    from allypath.content.loader import load_library

    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    library = library if library is not None else load_library()
    skip = set(exclude)
    candidates: list[tuple[int, int, LibraryItem, list[str]]] = []
    for order, item in enumerate(library.items):
        if item.id in skip:
            continue
        base = _base(item, profile)
        if base is not None:
            candidates.append((base[0], order, item, base[1]))
    chosen: list[Suggestion] = []
    while candidates and len(chosen) < n:
        formats = [s.item.format for s in chosen]

        def adjusted(entry: tuple[int, int, LibraryItem, list[str]], formats: list[str] = formats) -> int:
            return entry[0] + WEIGHTS["repeat_format"] * formats.count(entry[2].format)

        best = min(candidates, key=lambda e: (-adjusted(e), e[1]))
        candidates.remove(best)
        chosen.append(Suggestion(best[2], adjusted(best), tuple(best[3])))
    return tuple(chosen)


def choose_dilemmas(
    stage: int, context: str, dilemmas: DilemmaSet | None = None, *, n: int = 3
) -> tuple[Dilemma, ...]:
    """``n`` dilemmas for a group whose most common stage is ``stage`` and weakest context ``context``.

    Dilemmas set in that context come first, those written for the stage before the others (then
    by how far the stage is from theirs, then in file order); when the context has fewer than
    ``n``, dilemmas from other contexts that suit the stage fill the rest.

    Examples
    --------
    >>> [d.id for d in choose_dilemmas(4, "hiring_promotion")]
    ['hiring_culture_fit', 'promotion_part_time', 'hiring_three_names']
    """
    from allypath.content.loader import load_dilemmas

    if isinstance(stage, bool) or stage not in (1, 2, 3, 4):
        raise ValueError(f"stage must be 1-4, got {stage!r}")
    dilemmas = dilemmas if dilemmas is not None else load_dilemmas()
    contexts = {d.context for d in dilemmas}
    if context not in contexts:
        raise ValueError(
            f"no dilemma is set in the context {context!r}; known: {', '.join(sorted(contexts))}"
        )

    def distance(d: Dilemma) -> int:
        return min(abs(stage - s) for s in d.stages)

    ranked = sorted(
        enumerate(dilemmas.dilemmas), key=lambda e: (e[1].context != context, distance(e[1]), e[0])
    )
    picked = [d for _, d in ranked if d.context == context or distance(d) == 0]
    return tuple(picked[:n])


# --------------------------------------------------------------------------- from a scored row


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def profile_from_scored(row: Mapping[str, Any], contexts: Iterable[str] | None = None) -> Profile:
    """His :class:`Profile` from one row of the scored output (a mapping of column to value).

    - ``stage``: the placed stage (a row with ``status`` insufficient has none: ValueError);
    - ``barrier``: the barrier or norm he agreed with most (``score_<construct>``; low policy
      awareness reads as 6 minus ``score_knowledge_claimed``), if above the scale's midpoint;
    - ``context``: the context whose ``context_<name>_stage`` is lowest, if contexts differ;
    - ``turning_point``: the first turning point he ticked (``tp_<key>`` = 1), in the model's order.
    """
    stage = _number(row.get("stage"))
    if stage is None or row.get("status", "scored") != "scored":
        raise ValueError("this row has no placed stage (status is not 'scored')")
    strongest: tuple[float, str] | None = None
    for factor in BARRIERS + NORMS:
        value = _number(row.get(f"score_{factor.construct}"))
        if value is None:
            continue
        if factor.key == "low_policy_awareness":
            value = _SCALE_MAX + 1 - value
        if value > SCALE_MIDPOINT and (strongest is None or value > strongest[0]):
            strongest = (value, factor.key)
    if contexts is None:
        from allypath.instrument import load_instrument

        contexts = load_instrument().contexts
    placed = [(v, name) for name in contexts if (v := _number(row.get(f"context_{name}_stage"))) is not None]
    weakest = None
    if placed and len({v for v, _ in placed}) > 1:
        weakest = min(placed, key=lambda p: p[0])[1]
    turning = next(
        (tp.key for tp in TURNING_POINTS if tp.key != "other" and _number(row.get(f"tp_{tp.key}")) == 1),
        None,
    )
    return Profile(
        stage=int(stage),
        barrier=None if strongest is None else strongest[1],
        context=weakest,
        turning_point=turning,
    )
