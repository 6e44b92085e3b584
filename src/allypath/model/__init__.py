"""The Gender Equity Mindset Model as typed, immutable, translatable data (docs/architecture.md).

This package is the single source of truth for the model in code: stages, barriers, masculine
norms, enablers, interventions, HR's diagnostic questions and turning points. Every user-visible
string is a :class:`Text` with English, French and Arabic.
"""

from allypath.model.factors import (
    BARRIERS,
    DIAGNOSTIC_QUESTIONS,
    ENABLERS,
    FACTOR_KINDS,
    FACTORS,
    INTERVENTIONS,
    NORMS,
    RESEARCH_ENABLERS,
    TURNING_POINTS,
    DiagnosticQuestion,
    Factor,
    Intervention,
    TurningPoint,
    factor,
    factor_for_construct,
    intervention,
)
from allypath.model.stages import STAGE_KEYS, STAGES, Stage, stage
from allypath.model.text import Text, is_rtl

__all__ = [
    "BARRIERS",
    "DIAGNOSTIC_QUESTIONS",
    "ENABLERS",
    "FACTORS",
    "FACTOR_KINDS",
    "INTERVENTIONS",
    "NORMS",
    "RESEARCH_ENABLERS",
    "STAGES",
    "STAGE_KEYS",
    "TURNING_POINTS",
    "DiagnosticQuestion",
    "Factor",
    "Intervention",
    "Stage",
    "Text",
    "TurningPoint",
    "factor",
    "factor_for_construct",
    "intervention",
    "is_rtl",
    "stage",
]
