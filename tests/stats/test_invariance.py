"""Measurement invariance across Holzinger-Swineford schools: lavaan's four levels, the change tests
and a plain-language verdict."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from allypath.errors import StatsError
from allypath.stats.invariance import InvarianceResult, measurement_invariance

HS_MODEL = """
  visual  =~ x1 + x2 + x3
  textual =~ x4 + x5 + x6
  speed   =~ x7 + x8 + x9
"""
LEVELS = ("configural", "metric", "scalar", "strict")


@pytest.fixture(scope="module")
def hs(reference_dir: Path) -> pd.DataFrame:
    return pd.read_csv(reference_dir / "data" / "HolzingerSwineford1939.csv")


@pytest.fixture(scope="module")
def reference(reference_dir: Path) -> pd.DataFrame:
    return pd.read_csv(reference_dir / "expected" / "ref_lavaan_HS_invariance_school.csv", index_col=0)


@pytest.fixture(scope="module")
def invariance(hs: pd.DataFrame) -> InvarianceResult:
    return measurement_invariance(hs, HS_MODEL, group="school")


@pytest.mark.reference
@pytest.mark.parametrize("level", LEVELS)
def test_each_level_matches_lavaan(invariance: InvarianceResult, reference: pd.DataFrame, level: str):
    ours = invariance.levels.set_index("level").loc[level]
    ref = reference.loc[level]
    assert (ours["npar"], ours["df"]) == (ref["npar"], ref["df"])
    assert ours["chisq"] == pytest.approx(ref["chisq"], abs=1e-3)
    for key in ("cfi", "tli", "rmsea", "srmr"):
        assert ours[key] == pytest.approx(ref[key], abs=1e-4), key
    assert ours["pvalue"] == pytest.approx(ref["pvalue"], rel=1e-3)
    for key in ("aic", "bic"):
        assert ours[key] == pytest.approx(ref[key], abs=1e-3), key


@pytest.mark.reference
def test_headline_chi_squares_from_the_readme(invariance: InvarianceResult):
    table = invariance.levels.set_index("level")
    expected = {
        "configural": (115.851, 48),
        "metric": (124.044, 54),
        "scalar": (164.103, 60),
        "strict": (181.511, 69),
    }
    for level, (chisq, df) in expected.items():
        assert round(table.loc[level, "chisq"], 3) == chisq
        assert table.loc[level, "df"] == df


@pytest.mark.reference
def test_equal_latent_means_level_matches_lavaan(hs: pd.DataFrame, reference: pd.DataFrame):
    result = measurement_invariance(hs, HS_MODEL, group="school", levels=("scalar", "means"))
    means = result.levels.set_index("level").loc["means"]
    ref = reference.loc["scalar_means"]
    assert (means["npar"], means["df"]) == (ref["npar"], ref["df"])
    assert means["chisq"] == pytest.approx(ref["chisq"], abs=1e-3)
    assert means["cfi"] == pytest.approx(ref["cfi"], abs=1e-4)
    assert means["delta_df"] == 3


def test_changes_are_relative_to_the_previous_level(invariance: InvarianceResult):
    table = invariance.levels.set_index("level")
    assert pd.isna(table.loc["configural", "delta_chisq"])
    metric = table.loc["metric"]
    assert metric["delta_chisq"] == pytest.approx(124.043544 - 115.851344, abs=1e-3)
    assert metric["delta_df"] == 6
    assert metric["delta_pvalue"] == pytest.approx(0.2243, abs=1e-3)  # lavTestLRT(cfg, met)
    assert metric["delta_cfi"] == pytest.approx(0.920923 - 0.923398, abs=1e-5)
    scalar = table.loc["scalar"]
    assert scalar["delta_pvalue"] < 0.001
    assert scalar["delta_cfi"] < -0.01
    # strict is fitted (lavaan's chi-square is checked above) but not tested: scalar failed
    assert list(table["supported_chen"]) == [True, True, False, None]
    assert list(table["supported_chisq"]) == [True, True, False, None]
    assert list(table["status"]) == ["holds", "holds", "fails", "not tested"]
    assert table["proper"].all()


def test_verdict_says_metric_holds_scalar_does_not_and_which_criterion(invariance: InvarianceResult):
    assert invariance.supported_level == "metric"
    verdict = invariance.verdict
    assert verdict.startswith("Metric invariance")
    assert "scalar invariance does not" in verdict
    assert "Chen (2007)" in verdict
    assert "chi-square difference" in verdict
    assert "fits only moderately" in verdict  # configural CFI .923 is below .95
    # strict fits no worse than scalar, but cannot hold once scalar does not
    assert "Not tested, because scalar invariance does not hold: strict." in verdict
    assert "strict: delta CFI" not in verdict


def test_stricter_cutoffs_change_the_verdict(hs: pd.DataFrame):
    strict = measurement_invariance(hs, HS_MODEL, group="school", levels=LEVELS[:2], delta_cfi=0.001)
    assert strict.supported_level == "configural"
    assert "metric invariance does not" in strict.verdict


def test_to_dict_lists_levels_in_order_and_is_json_ready(invariance: InvarianceResult):
    payload = invariance.to_dict()
    json.dumps(payload, allow_nan=False)
    assert [row["level"] for row in payload["levels"]] == list(LEVELS)
    first, second = payload["levels"][0], payload["levels"][1]
    assert first["delta_chisq"] is None
    assert isinstance(second["delta_df"], float)
    expected_keys = {"level", "chisq", "df", "pvalue", "cfi", "tli", "rmsea", "srmr", "aic", "bic"}
    expected_keys |= {"delta_chisq", "delta_df", "delta_pvalue", "delta_cfi", "delta_rmsea"}
    assert expected_keys <= set(first)
    assert payload["verdict"] == invariance.verdict
    assert payload["supported_level"] == "metric"


def test_partial_invariance_frees_the_named_intercepts(hs: pd.DataFrame, invariance: InvarianceResult):
    partial = measurement_invariance(
        hs, HS_MODEL, group="school", levels=("configural", "scalar"), group_partial=("x3 ~ 1", "x7 ~ 1")
    )
    scalar = partial.levels.set_index("level").loc["scalar"]
    full = invariance.levels.set_index("level").loc["scalar"]
    assert scalar["df"] == full["df"] - 2
    assert scalar["chisq"] < full["chisq"]


def test_unknown_level_is_refused(hs: pd.DataFrame):
    with pytest.raises(StatsError, match="unknown invariance level"):
        measurement_invariance(hs, HS_MODEL, group="school", levels=("configural", "weak"))


def test_single_group_is_refused(hs: pd.DataFrame):
    with pytest.raises(StatsError, match="at least two groups"):
        measurement_invariance(hs[hs.school == "Pasteur"], HS_MODEL, group="school")


def test_missing_group_column_is_refused(hs: pd.DataFrame):
    with pytest.raises(StatsError, match="group column 'site'"):
        measurement_invariance(hs, HS_MODEL, group="site")


# --- data built to hold, to fail scalar, and to be improper ---------------------------------------

ONE_FACTOR = "f =~ x1 + x2 + x3 + x4"


def _two_groups(seed: int, *, shift_x1: float = 0.0, cov: np.ndarray | None = None) -> pd.DataFrame:
    """Two groups of 500 from the same one-factor model; group b's x1 intercept moved by ``shift_x1``."""
    rng = np.random.default_rng(seed)
    if cov is None:
        cov = np.full((4, 4), 0.49) + np.diag(np.full(4, 0.51))  # loadings .7, residuals .51
    frames = []
    for label, shift in (("a", 0.0), ("b", shift_x1)):
        values = rng.multivariate_normal(np.zeros(len(cov)), cov, size=500)
        values[:, 0] += shift
        frame = pd.DataFrame(values, columns=[f"x{i + 1}" for i in range(len(cov))])
        frames.append(frame.assign(g=label))
    return pd.concat(frames, ignore_index=True)


def test_on_invariant_data_every_level_is_tested_and_holds() -> None:
    result = measurement_invariance(_two_groups(3), ONE_FACTOR, "g", LEVELS)
    assert list(result.levels["status"]) == ["holds"] * 4
    assert result.supported_level == "strict" and "Not tested" not in result.verdict


def test_a_shifted_intercept_fails_scalar_and_strict_is_not_tested() -> None:
    result = measurement_invariance(_two_groups(3, shift_x1=1.0), ONE_FACTOR, "g", LEVELS)
    assert list(result.levels["status"]) == ["holds", "holds", "fails", "not tested"]
    assert result.supported_level == "metric"
    strict = result.levels.set_index("level").loc["strict"]
    assert strict["supported_chen"] is None and math.isfinite(strict["chisq"])
    assert "Not tested, because scalar invariance does not hold: strict." in result.verdict


def test_an_improper_configural_model_supports_no_level() -> None:
    # items correlate .3 within each block of three and .4 across: the factors correlate ~1.3
    cov = np.full((6, 6), 0.4)
    cov[:3, :3] = cov[3:, 3:] = 0.3
    np.fill_diagonal(cov, 1.0)
    data = _two_groups(5, cov=cov)
    model = "A =~ x1 + x2 + x3; B =~ x4 + x5 + x6"
    result = measurement_invariance(data, model, "g", LEVELS)
    assert not result.levels["proper"].iloc[0]
    assert list(result.levels["status"]) == ["improper", "not tested", "not tested", "not tested"]
    assert result.supported_level is None
    assert "improper solution" in result.verdict and "No level of invariance is supported." in result.verdict
    assert "because configural invariance could not be estimated properly: metric" in result.verdict
    assert "does not hold" not in result.verdict


def test_a_group_that_answered_no_complete_row_is_refused_not_dropped(hs: pd.DataFrame):
    """One school never answered x1: listwise deletion dropped the whole group and invariance
    "held" across the one group left, df 0 (a review found it); blank everywhere crashed."""
    schools = hs["school"].dropna().unique()
    one_blank = hs.assign(x1=np.where(hs["school"] == schools[1], np.nan, hs["x1"]))
    with pytest.raises(
        StatsError, match=rf"group '{schools[1]}' has no row that answers every model variable \(x1 blank"
    ):
        measurement_invariance(one_blank, HS_MODEL, group="school")
    with pytest.raises(StatsError, match=r"no row answers every model variable \(x1 blank in every row\)"):
        measurement_invariance(hs.assign(x1=np.nan), HS_MODEL, group="school")
