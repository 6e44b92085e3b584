"""Calibration of the simulated populations to the Hult study (docs/architecture.md).

The study: 576 responses from men in two multinationals; response rates under 10% and 3.6%; about a
third of those who answered the policy questions were aware of their company's policies (36% in one
firm, where 42% skipped them); fewer had taken part in initiatives; 42% of respondents in one firm had
daughters; the apathetic mostly did not answer. The numbers below reproduce those facts; every one can
be overridden through :func:`allypath.simulate`'s keyword arguments.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["DEFAULT_ORGS", "STAGE_RESPONSE_PROPENSITY", "OrgCalibration"]

# Relative propensity to answer by stage (Apathy .. Energised): non-response is itself a signal.
STAGE_RESPONSE_PROPENSITY: tuple[float, float, float, float] = (0.30, 1.0, 1.45, 1.9)


@dataclass(frozen=True)
class OrgCalibration:
    """One simulated organisation.

    Attributes
    ----------
    name : organisation name in the ``org`` column.
    invited : men invited to the survey.
    response_rate : share of the invited who answer.
    stage_mix : stage shares in the whole invited population (before non-response).
    policy_skip : share of respondents who skip the policy-knowledge questions.
    policy_awareness_shift : latent shift of claimed policy awareness (calibrates ~1/3 aware).
    daughter_share : share of respondents with a daughter.
    always_available_norm : latent strength of the always-available norm in this culture.
    enabler_climate : latent shift of the enablers (safety, support, leadership, recognition).
    units : unit names; unit climates vary around the organisation's.
    """

    name: str
    invited: int
    response_rate: float
    stage_mix: tuple[float, float, float, float]
    policy_skip: float
    policy_awareness_shift: float
    daughter_share: float
    always_available_norm: float
    enabler_climate: float
    units: tuple[str, ...] = field(default=("Finance", "Operations", "Sales", "Engineering", "People"))
    regions: tuple[str, ...] = field(default=("EMEA", "Americas", "APAC"))


DEFAULT_ORGS: tuple[OrgCalibration, ...] = (
    OrgCalibration(
        name="Meridian Energy",
        invited=2_800,
        response_rate=0.096,
        stage_mix=(0.36, 0.33, 0.21, 0.10),
        policy_skip=0.18,
        policy_awareness_shift=0.15,
        daughter_share=0.42,
        always_available_norm=0.9,
        enabler_climate=-0.1,
        units=("Exploration", "Operations", "Trading", "Engineering", "Corporate"),
    ),
    OrgCalibration(
        name="Castellan Finance",
        invited=8_300,
        response_rate=0.036,
        stage_mix=(0.38, 0.32, 0.20, 0.10),
        policy_skip=0.42,
        policy_awareness_shift=0.15,
        daughter_share=0.35,
        always_available_norm=1.2,
        enabler_climate=-0.3,
        units=("Retail Banking", "Markets", "Risk", "Technology", "Operations", "People"),
    ),
)
