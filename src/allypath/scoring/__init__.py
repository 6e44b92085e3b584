"""Responses -> construct scores -> stage probabilities, index and flags (vectorised numpy)."""

from allypath.scoring.careless import CarelessRules, flag_careless
from allypath.scoring.engine import (
    CAREFUL_COLUMNS,
    PROBABILITY_COLUMNS,
    STATUSES,
    choose_form,
    context_columns,
    score,
    score_arrow,
    score_record,
)
from allypath.scoring.kernel import ScoringPlan, run_kernel
from allypath.scoring.plan import build_plan
from allypath.scoring.stage_model import DEFAULT_MODEL, StageModel, load_stage_model

__all__ = [
    "CAREFUL_COLUMNS",
    "DEFAULT_MODEL",
    "PROBABILITY_COLUMNS",
    "STATUSES",
    "CarelessRules",
    "ScoringPlan",
    "StageModel",
    "build_plan",
    "choose_form",
    "context_columns",
    "flag_careless",
    "load_stage_model",
    "run_kernel",
    "score",
    "score_arrow",
    "score_record",
]
