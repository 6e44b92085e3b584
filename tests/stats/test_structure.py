"""The stages-or-continuum test can come out either way (issue 15, point 1).

Small but real cases: 1,000 respondents from the stage simulator must come out "stages", from one
continuous trait (normal or uniform, no stages at all) never "stages". The rates over 20 replications
with the bootstrap are measured by scripts/structure_study.py (docs/methods.md).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import approx_fprime

import allypath
from allypath.errors import StatsError
from allypath.scoring import load_stage_model
from allypath.stats import stage_structure, structure_items
from allypath.stats._structure_models import _Objective, _start, fit_structure, simulate_answers
from allypath.stats.structure import _verdict
from allypath.synth.continuum import simulate_continuum

N = 1000


@pytest.fixture(scope="module")
def stage_items():
    return structure_items(allypath.simulate(N, seed=21))


def test_stage_data_come_out_stages(stage_items) -> None:
    result = stage_structure(stage_items, bootstrap=0, seed=1)
    assert result.verdict == "stages", result.reason
    comparisons = result.evidence["comparisons"]
    assert comparisons["4 stages vs continuum"]["z"] >= 2
    assert comparisons["4 stages vs 3 stages"]["z"] >= 2
    assert comparisons["5 stages vs 4 stages"]["z"] < 2


def test_a_normal_continuum_comes_out_continuum() -> None:
    result = stage_structure(simulate_continuum(N, seed=22), bootstrap=0, seed=1)
    assert result.verdict == "continuum", result.reason
    assert result.evidence["comparisons"]["4 stages vs continuum"]["favours"] == "continuum"


def test_a_uniform_continuum_is_not_called_stages() -> None:
    result = stage_structure(simulate_continuum(N, seed=23, trait="uniform"), bootstrap=0, seed=1)
    assert result.verdict != "stages", result.reason


def test_the_bootstrap_rejects_the_continuum_on_stage_data(stage_items) -> None:
    small = stage_items.subset(np.arange(600))
    result = stage_structure(small, bootstrap=4, seed=2)
    boot = result.evidence["bootstrap"]
    assert boot["draws"] == 4 and boot["p_value"] == pytest.approx(1 / 5)  # no draw reaches it
    assert boot["observed"] > boot["null_max"]
    # 4 draws cannot reach p <= .05, so the verdict may not be "stages" on their evidence alone
    assert result.verdict == "undecided" and "bootstrap does not reject" in result.reason
    # and the p-value is said to be the floor of 4 draws, not a measure of the data
    assert (
        "(p = 0.200, the smallest 4 draws can give: no draw under the continuum went as far" in result.reason
    )


@pytest.mark.parametrize(("kind", "size"), [("stages", 4), ("stages", 3), ("continuum", 1)])
def test_the_gradient_is_the_derivative_of_the_log_likelihood(kind: str, size: int) -> None:
    items = structure_items(allypath.simulate(150, seed=5))
    model = load_stage_model()
    objective = _Objective(items, kind, size)
    start = _start(kind, size, items.x.shape[1], model.affinity, model.thresholds)
    point = start + np.random.default_rng(0).normal(0, 0.05, size=len(start))
    numeric = approx_fprime(point, lambda x: objective(x)[0], 1e-6)
    assert np.allclose(objective(point)[1], numeric, rtol=1e-4, atol=1e-2)


def test_simulated_answers_keep_the_missing_pattern_and_the_scale(stage_items) -> None:
    model = load_stage_model()
    fitted = fit_structure(stage_items, "continuum", 1, model.affinity, model.thresholds)
    fake = simulate_answers(stage_items, fitted, np.random.default_rng(0))
    assert np.array_equal(fake.x < 0, stage_items.x < 0)
    assert fake.x.max() == 4 and fake.x[fake.x >= 0].min() == 0


def test_too_few_respondents_are_refused() -> None:
    with pytest.raises(StatsError, match="at least 200 respondents"):
        stage_structure(allypath.simulate(150, seed=1), bootstrap=0)


def _comparison(z: float, first: str, second: str) -> dict[str, object]:
    favours = first if z >= 2 else second if z <= -2 else None
    return {"z": z, "favours": favours, "difference": z, "per_respondent": z}


@pytest.mark.parametrize(
    ("z_continuum", "z_three", "z_five", "p", "expected"),
    [
        (5.0, 5.0, 0.0, 0.05, "stages"),
        (5.0, 5.0, 3.0, 0.05, "undecided"),  # five stages beat four
        (5.0, 1.0, 0.0, 0.05, "undecided"),  # four stages do not beat three
        (5.0, 5.0, 0.0, 0.20, "undecided"),  # the bootstrap does not reject the continuum
        (1.0, 5.0, 0.0, 0.05, "undecided"),  # no better than the continuum out of sample
        (-5.0, 5.0, 0.0, 1.00, "continuum"),
    ],
)
def test_the_verdict_rules(
    z_continuum: float, z_three: float, z_five: float, p: float, expected: str
) -> None:
    comparisons = {
        "4 stages vs continuum": _comparison(z_continuum, "4 stages", "continuum"),
        "4 stages vs 3 stages": _comparison(z_three, "4 stages", "3 stages"),
        "5 stages vs 4 stages": _comparison(z_five, "5 stages", "4 stages"),
        "continuum vs 3 stages": _comparison(-z_continuum, "continuum", "3 stages"),
        "continuum vs 5 stages": _comparison(-z_continuum, "continuum", "5 stages"),
    }
    verdict, reason = _verdict(comparisons, {"p_value": p, "draws": 19}, 2.0, 0.05)
    assert verdict == expected, reason


def test_a_large_sample_is_subsampled_and_says_so(stage_items) -> None:
    result = stage_structure(stage_items, bootstrap=0, max_respondents=300)
    assert result.evidence["n"] == 300 and result.evidence["subsampled_from"] == N
