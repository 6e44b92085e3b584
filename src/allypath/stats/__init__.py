"""Psychometrics for the instrument: reliability (internal consistency and test-retest), factor
analysis, CFA/SEM, invariance, latent classes and profiles, and calibration of the stage scoring model.

Every function is checked against the R package psychometricians use (psych, GPArotation, lavaan,
semTools, poLCA, mclust; see ``tests/stats``) and every result has ``to_dict()`` with the R
package's key names. Nothing here imports the web or the CLI.

>>> from allypath import stats
>>> sorted(stats.__all__)[:3]
['AlphaResult', 'BartlettResult', 'CalibrationResult']
"""

from __future__ import annotations

from allypath.stats.calibration import CalibrationResult, calibrate
from allypath.stats.cfa import SEMResult, cfa, sem
from allypath.stats.classification import (
    ClassificationResult,
    SplitHalfResult,
    classification_by_group,
    classification_reliability,
    split_half_check,
)
from allypath.stats.dif import DIFResult, ItemDIF, item_dif
from allypath.stats.efa import FactorAnalysis, FitStatistics, extract_factors, max_identifiable_factors
from allypath.stats.factorability import (
    BartlettResult,
    KMOResult,
    ParallelResult,
    bartlett_sphericity,
    kmo,
    parallel_analysis,
)
from allypath.stats.icc import ICCResult, intraclass_correlations
from allypath.stats.invariance import LEVEL_CONSTRAINTS, InvarianceResult, measurement_invariance
from allypath.stats.latent import (
    LatentClassResult,
    LatentProfileResult,
    StageStructureResult,
    compare_latent,
    information_criteria,
    latent_class,
    latent_profile,
    relative_entropy,
    stages_vs_continuum,
)
from allypath.stats.lavaan_syntax import ParsedModel, parse_model
from allypath.stats.reliability import AlphaResult, OmegaResult, cronbach_alpha, omega, omega_total_one_factor
from allypath.stats.retest import MeasureRetest, RetestResult, StageRetest, retest_pair, retest_reliability
from allypath.stats.rotation import ROTATIONS, RotationResult, geomin, oblimin, promax, rotate, varimax
from allypath.stats.scales import construct_keys, omega_h_factors, scale_omega_h
from allypath.stats.structure import StructureResult, stage_structure, structure_items

__all__ = [
    "LEVEL_CONSTRAINTS",
    "ROTATIONS",
    "AlphaResult",
    "BartlettResult",
    "CalibrationResult",
    "ClassificationResult",
    "DIFResult",
    "FactorAnalysis",
    "FitStatistics",
    "ICCResult",
    "InvarianceResult",
    "ItemDIF",
    "KMOResult",
    "LatentClassResult",
    "LatentProfileResult",
    "MeasureRetest",
    "OmegaResult",
    "ParallelResult",
    "ParsedModel",
    "RetestResult",
    "RotationResult",
    "SEMResult",
    "SplitHalfResult",
    "StageRetest",
    "StageStructureResult",
    "StructureResult",
    "bartlett_sphericity",
    "calibrate",
    "cfa",
    "classification_by_group",
    "classification_reliability",
    "compare_latent",
    "construct_keys",
    "cronbach_alpha",
    "extract_factors",
    "geomin",
    "information_criteria",
    "intraclass_correlations",
    "item_dif",
    "kmo",
    "latent_class",
    "latent_profile",
    "max_identifiable_factors",
    "measurement_invariance",
    "oblimin",
    "omega",
    "omega_h_factors",
    "omega_total_one_factor",
    "parallel_analysis",
    "parse_model",
    "promax",
    "relative_entropy",
    "retest_pair",
    "retest_reliability",
    "rotate",
    "scale_omega_h",
    "sem",
    "split_half_check",
    "stage_structure",
    "stages_vs_continuum",
    "structure_items",
    "varimax",
]
