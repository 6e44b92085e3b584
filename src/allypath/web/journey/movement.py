"""His placements over time and how to say, with their uncertainty, whether he moved.

Pure functions of stored scored rows (the survey's result and the re-checks' placements).

- How sure one placement is: the probability of the placed stage, in words (80 in 100 or more:
  fairly sure; 60 or more: likely; below: uncertain).
- Whether he moved between two placements: the change of the developmental index (0-100) against
  the margin of error of a difference, ``1.96 * sqrt(se_before² + se_after²)``. Inside the margin
  the page says that we cannot say he moved; outside it, that he likely moved forward or back.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from allypath.scoring import PROBABILITY_COLUMNS
from allypath.scoring.careless import fits_loosely

__all__ = ["Movement", "Z", "certainty", "index_margin", "is_placed", "movement"]

Z = 1.96  # a 95 % margin
SURE = 0.80
LIKELY = 0.60


def is_placed(result: Mapping[str, Any]) -> bool:
    return result.get("status") == "scored" and result.get("stage") is not None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return None if math.isnan(value) else float(value)


def certainty(result: Mapping[str, Any]) -> tuple[str, int]:
    """``("sure_high" | "sure_mid" | "sure_low" | "sure_loose", probability in 100)`` of the placed
    stage (at most 99). Answers that fit the stages loosely (:func:`~allypath.scoring.careless.fits_loosely`)
    are never called sure or likely, whatever the model's probability: random answers get one too."""
    probabilities = [p for c in PROBABILITY_COLUMNS if (p := _number(result.get(c))) is not None]
    top = max(probabilities, default=0.0)
    key = "sure_high" if top >= SURE else "sure_mid" if top >= LIKELY else "sure_low"
    if key != "sure_low" and fits_loosely(result.get("person_fit")):
        key = "sure_loose"
    return key, min(99, round(100 * top))  # an estimate is never "100 in 100"


def index_margin(result: Mapping[str, Any]) -> int:
    """The 95 % margin of one placement's index, at least 1."""
    se = _number(result.get("index_se")) or 0.0
    return max(1, round(Z * se))


@dataclass(frozen=True)
class Movement:
    """``key`` is ``moved_forward``, ``moved_back``, ``moved_unclear`` or ``moved_cannot``."""

    key: str
    before: int | None = None
    after: int | None = None
    margin: int | None = None


def movement(before: Mapping[str, Any], after: Mapping[str, Any]) -> Movement:
    """How his index changed from ``before`` to ``after``, against the margin of a difference."""
    a = _number(before.get("index"))
    b = _number(after.get("index"))
    if not (is_placed(before) and is_placed(after)) or a is None or b is None:
        return Movement("moved_cannot")
    se_a = _number(before.get("index_se")) or 0.0
    se_b = _number(after.get("index_se")) or 0.0
    margin = Z * math.hypot(se_a, se_b)
    change = b - a
    key = "moved_unclear" if abs(change) <= margin else "moved_forward" if change > 0 else "moved_back"
    return Movement(key, round(a), round(b), max(1, round(margin)))
