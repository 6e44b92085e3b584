"""Synthetic populations calibrated to the study, with a known true stage per respondent."""

from allypath.synth.calibration import DEFAULT_ORGS, OrgCalibration
from allypath.synth.panel import simulate_panel
from allypath.synth.population import respondent_stage_mix, simulate, simulate_invited

__all__ = [
    "DEFAULT_ORGS",
    "OrgCalibration",
    "respondent_stage_mix",
    "simulate",
    "simulate_invited",
    "simulate_panel",
]
