"""Measurement invariance across Holzinger-Swineford schools: lavaan's four levels, the change tests
and a plain-language verdict."""

from __future__ import annotations

import json
from pathlib import Path

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
    assert list(table["supported_chen"]) == [True, True, False, True]
    assert list(table["supported_chisq"]) == [True, True, False, False]


def test_verdict_says_metric_holds_scalar_does_not_and_which_criterion(invariance: InvarianceResult):
    assert invariance.supported_level == "metric"
    verdict = invariance.verdict
    assert verdict.startswith("Metric invariance")
    assert "scalar invariance does not" in verdict
    assert "Chen (2007)" in verdict
    assert "chi-square difference" in verdict
    assert "fits only moderately" in verdict  # configural CFI .923 is below .95


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
