"""Careless responding: which placed rows are set aside as ``suspect``, and why, in plain words.

The kernel measures four things per respondent (:class:`~allypath.scoring.kernel.KernelResult`):

* ``person_fit``: the best standardised log-likelihood of his stage-informative answers over the four
  stages (lz); random answers fit no stage;
* ``longest_run``: the most answers in a row that are the same (straight-lining);
* ``answer_sd``: the spread of his answers (within-person variability, IRV): near zero when every
  answer is the same, beyond what any consistent view gives when answers are random;
* ``reverse_conflicts``: reverse-keyed items answered on the same side as the rest of their scale
  ("I tend to wait for others to take the lead" agreed with, and the other Energised items too).

:class:`CarelessRules` holds the thresholds (part of the versioned scoring model, ``careless:`` in its
YAML); :func:`flag_careless` applies them. The default thresholds were set by simulation; the
measured error rates are in docs/methods.md and ``scripts/careless_rates.py`` measures them again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

__all__ = ["LOOSE_FIT", "CarelessRules", "fits_loosely", "flag_careless"]

#: Below this person fit, a man's answers fit the four stages less well than 9 in 10 people whose
#: answers follow the stage model (lz is about standard normal there: its 10th percentile). Not
#: enough to set the answers aside, but enough not to call the stage "fairly sure": on the short
#: form's 27 questions, uniformly random answers pass the careless checks three times in four, and
#: 29% were told "we are fairly sure" of a stage (a review's simulation of 4,000).
LOOSE_FIT = -1.28


def fits_loosely(person_fit: object) -> bool:
    """Whether a placement's person fit is below :data:`LOOSE_FIT` (False when it is unknown)."""
    if isinstance(person_fit, bool) or not isinstance(person_fit, int | float | np.floating):
        return False
    return bool(person_fit < LOOSE_FIT)


@dataclass(frozen=True)
class CarelessRules:
    """Thresholds of the careless-responding checks; ``None`` switches a check off.

    A placed respondent is ``suspect`` when any check fails:

    * ``person_fit < min_person_fit``;
    * ``longest_run > max_longest_run``;
    * ``answer_sd < min_answer_sd`` or ``answer_sd > max_answer_sd``;
    * ``reverse_conflicts > max_reverse_conflicts``.
    """

    min_person_fit: float | None = -2.2
    max_longest_run: int | None = 15
    min_answer_sd: float | None = 0.4
    max_answer_sd: float | None = None
    max_reverse_conflicts: int | None = 3

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any] | None) -> CarelessRules:
        """Rules from a model file's ``careless:`` mapping (missing keys keep their default)."""
        if raw is None:
            return cls()
        unknown = set(raw) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"unknown careless check(s): {', '.join(sorted(unknown))}")
        values: dict[str, Any] = {}
        for name, value in raw.items():
            integral = name in ("max_longest_run", "max_reverse_conflicts")
            values[name] = None if value is None else int(value) if integral else float(value)
        return cls(**values)

    @classmethod
    def off(cls) -> CarelessRules:
        """Every check switched off."""
        return cls(None, None, None, None, None)


def flag_careless(
    rules: CarelessRules,
    person_fit: np.ndarray,
    longest_run: np.ndarray,
    answer_sd: np.ndarray,
    reverse_conflicts: np.ndarray,
    candidates: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Which of the ``candidates`` (placed rows) fail a check, and each failed check in words.

    Returns a boolean mask and an object array of reasons ("" where none), the failed checks joined
    by "; " in a fixed order, e.g. "same answer to 24 questions in a row; answers unlike any stage".
    Missing statistics (NaN) fail no check. Texts are built for the flagged rows only.
    """
    # (failed, text, the number the text shows in place of {} or None)
    checks: list[tuple[np.ndarray, str, np.ndarray | None]] = []
    with np.errstate(invalid="ignore"):
        if rules.max_longest_run is not None:
            checks.append(
                (longest_run > rules.max_longest_run, "same answer to {} questions in a row", longest_run)
            )
        if rules.min_answer_sd is not None:
            flat = answer_sd < rules.min_answer_sd
            if rules.max_longest_run is not None:
                flat &= longest_run <= rules.max_longest_run  # otherwise the run already says it
            checks.append((flat, "almost the same answer to every question", None))
        if rules.min_person_fit is not None:
            checks.append((person_fit < rules.min_person_fit, "answers unlike any stage", None))
        if rules.max_answer_sd is not None:
            checks.append(
                (
                    answer_sd > rules.max_answer_sd,
                    "answers more scattered than any consistent view gives",
                    None,
                )
            )
        if rules.max_reverse_conflicts is not None:
            checks.append(
                (
                    reverse_conflicts > rules.max_reverse_conflicts,
                    "{} statements answered like their opposites",
                    reverse_conflicts,
                )
            )
    suspect = candidates.copy()
    if checks:
        suspect &= np.logical_or.reduce([failed for failed, _, _ in checks])
    else:
        suspect[:] = False
    reasons = np.full(len(candidates), "", dtype=object)
    rows = np.flatnonzero(suspect)
    if len(rows):
        # Flagged rows share few distinct reasons (which checks failed, and the numbers shown): each
        # distinct one is worded once, not once per row (a few percent of a million rows are flagged).
        keys = np.zeros((len(rows), 2 * len(checks)), dtype=np.int64)
        for j, (failed, _, shown) in enumerate(checks):
            keys[:, 2 * j] = failed[rows]
            if shown is not None:
                keys[:, 2 * j + 1] = np.where(failed[rows], shown[rows], 0)
        distinct, inverse = np.unique(keys, axis=0, return_inverse=True)
        words = np.empty(len(distinct), dtype=object)
        for slot, key in enumerate(distinct.tolist()):
            words[slot] = "; ".join(
                text.format(key[2 * j + 1]) if shown is not None else text
                for j, (_, text, shown) in enumerate(checks)
                if key[2 * j]
            )
        reasons[rows] = words[inverse.ravel()]
    return suspect, reasons
