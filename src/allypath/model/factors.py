"""What moves men between stages (docs/architecture.md): barriers, masculine norms, enablers, and the
interventions HR can use, with HR's three diagnostic questions and the personal turning points.

Each factor names the instrument construct that measures it, so scoring and the action plan can go
from a group's scores to the interventions that tackle its weakest factors. The types are in
:mod:`.factor_types`, the data (in three languages) in :mod:`.barriers`, :mod:`.enablers` and
:mod:`.interventions`; this module gathers them and looks them up.
"""

from __future__ import annotations

from allypath.model.barriers import BARRIERS, NORMS
from allypath.model.enablers import ENABLERS
from allypath.model.factor_types import (
    FACTOR_KINDS,
    RESEARCH_ENABLERS,
    DiagnosticQuestion,
    Factor,
    Intervention,
    TurningPoint,
)
from allypath.model.interventions import DIAGNOSTIC_QUESTIONS, INTERVENTIONS, TURNING_POINTS

__all__ = [
    "BARRIERS",
    "DIAGNOSTIC_QUESTIONS",
    "ENABLERS",
    "FACTORS",
    "FACTOR_KINDS",
    "INTERVENTIONS",
    "NORMS",
    "RESEARCH_ENABLERS",
    "TURNING_POINTS",
    "DiagnosticQuestion",
    "Factor",
    "Intervention",
    "TurningPoint",
    "factor",
    "factor_for_construct",
    "intervention",
]

FACTORS: tuple[Factor, ...] = BARRIERS + NORMS + ENABLERS

_FACTORS_BY_KEY = {f.key: f for f in FACTORS}
_FACTORS_BY_CONSTRUCT = {f.construct: f for f in FACTORS}
_INTERVENTIONS_BY_KEY = {i.key: i for i in INTERVENTIONS}


def factor(key: str) -> Factor:
    """The barrier, norm or enabler with this key (``"fear"``, ``"always_available"``, ...)."""
    try:
        return _FACTORS_BY_KEY[key]
    except KeyError:
        raise ValueError(f"unknown factor {key!r}; known: {', '.join(_FACTORS_BY_KEY)}") from None


def factor_for_construct(construct: str) -> Factor:
    """The factor an instrument construct measures (``"barrier_fear"`` -> the ``fear`` barrier)."""
    try:
        return _FACTORS_BY_CONSTRUCT[construct]
    except KeyError:
        raise ValueError(
            f"no factor is measured by construct {construct!r}; known: {', '.join(_FACTORS_BY_CONSTRUCT)}"
        ) from None


def intervention(key: str) -> Intervention:
    """The intervention with this key (``"ally_circles"``, ``"safe_spaces"``, ...)."""
    try:
        return _INTERVENTIONS_BY_KEY[key]
    except KeyError:
        raise ValueError(f"unknown intervention {key!r}; known: {', '.join(_INTERVENTIONS_BY_KEY)}") from None
