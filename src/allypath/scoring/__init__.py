"""Responses -> construct scores -> stage probabilities, index and flags (vectorised numpy)."""

from allypath.scoring.engine import PROBABILITY_COLUMNS, choose_form, score, score_arrow
from allypath.scoring.kernel import ScoringPlan, run_kernel
from allypath.scoring.plan import build_plan
from allypath.scoring.stage_model import DEFAULT_MODEL, StageModel, load_stage_model

__all__ = [
    "DEFAULT_MODEL",
    "PROBABILITY_COLUMNS",
    "ScoringPlan",
    "StageModel",
    "build_plan",
    "choose_form",
    "load_stage_model",
    "run_kernel",
    "score",
    "score_arrow",
]
