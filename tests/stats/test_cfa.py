"""CFA/SEM: lavaan 0.6.14's numbers on Holzinger-Swineford and Political Democracy, lavaan's conventions,
and clear errors on bad input."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from allypath.errors import DataError, ModelSyntaxError, StatsError
from allypath.stats import fit_indices
from allypath.stats.cfa import SEMResult, cfa, sem
from allypath.stats.lavaan_syntax import build_parameter_table, parse_model
from allypath.stats.sem import GroupSample, _RamModel, _start_values, fit_ml

HS_MODEL = """
  visual  =~ x1 + x2 + x3
  textual =~ x4 + x5 + x6
  speed   =~ x7 + x8 + x9
"""
PD_MODEL = """
  ind60 =~ x1 + x2 + x3
  dem60 =~ y1 + y2 + y3 + y4
  dem65 =~ y5 + y6 + y7 + y8
  dem60 ~ ind60
  dem65 ~ ind60 + dem60
  y1 ~~ y5
  y2 ~~ y4 + y6
  y3 ~~ y7
  y4 ~~ y8
  y6 ~~ y8
"""
# reference README tolerances
CHISQ_REL = 1e-5
INDEX_ABS = 1e-4
LOADING_ABS = 5e-4


@pytest.fixture(scope="module")
def hs(reference_dir: Path) -> pd.DataFrame:
    return pd.read_csv(reference_dir / "data" / "HolzingerSwineford1939.csv")


@pytest.fixture(scope="module")
def political(reference_dir: Path) -> pd.DataFrame:
    return pd.read_csv(reference_dir / "data" / "PoliticalDemocracy.csv")


@pytest.fixture(scope="module")
def hs_fit(hs: pd.DataFrame) -> SEMResult:
    return cfa(hs, HS_MODEL)


@pytest.fixture(scope="module")
def pd_fit(political: pd.DataFrame) -> SEMResult:
    return sem(political, PD_MODEL)


def read_fit(path: Path) -> dict[str, float]:
    frame = pd.read_csv(path)
    return {
        m.replace(".", "_").replace("logl", "loglik"): v
        for m, v in zip(frame.measure, frame.value, strict=True)
    }


def merged_params(result: SEMResult, path: Path) -> pd.DataFrame:
    ref = pd.read_csv(path).fillna({"rhs": ""})
    ours = result.estimates.fillna({"rhs": ""})
    merged = ref.merge(ours, on=["lhs", "op", "rhs"], suffixes=("_ref", ""))
    assert len(merged) == len(ref) == len(ours)
    return merged


# ---------------------------------------------------------------- lavaan reference values


@pytest.mark.reference
def test_hs_cfa_fit_measures_match_lavaan(hs_fit: SEMResult, reference_dir: Path):
    ref = read_fit(reference_dir / "expected" / "ref_lavaan_HS_cfa_fit.csv")
    fit = hs_fit.fit
    assert fit["npar"] == ref["npar"] == 21
    assert fit["df"] == ref["df"] == 24
    assert fit["chisq"] == pytest.approx(85.305522, rel=CHISQ_REL)
    assert fit["chisq"] == pytest.approx(ref["chisq"], rel=CHISQ_REL)
    assert fit["baseline_chisq"] == pytest.approx(ref["baseline_chisq"], rel=CHISQ_REL)
    assert fit["baseline_df"] == ref["baseline_df"]
    for key in ("cfi", "tli", "rmsea", "rmsea_ci_lower", "rmsea_ci_upper", "srmr", "gfi", "agfi", "nfi"):
        assert fit[key] == pytest.approx(ref[key], abs=INDEX_ABS), key
    assert fit["pvalue"] == pytest.approx(ref["pvalue"], rel=1e-4)
    for key in ("loglik", "unrestricted_loglik", "aic", "bic", "bic2"):
        assert fit[key] == pytest.approx(ref[key], abs=1e-3), key
    assert fit["ntotal"] == 301
    assert hs_fit.converged
    assert hs_fit.warnings == []


@pytest.mark.reference
def test_hs_cfa_headline_values_from_the_readme(hs_fit: SEMResult):
    fit = hs_fit.fit
    expected = {"cfi": 0.9305597, "tli": 0.8958395, "rmsea": 0.0921215, "srmr": 0.0652051, "gfi": 0.9433321}
    for key, value in expected.items():
        assert fit[key] == pytest.approx(value, abs=INDEX_ABS), key
    assert (round(fit["rmsea_ci_lower"], 5), round(fit["rmsea_ci_upper"], 5)) == (0.07142, 0.11368)
    assert fit["loglik"] == pytest.approx(-3737.7449, abs=1e-3)
    assert fit["aic"] == pytest.approx(7517.490, abs=1e-3)
    assert fit["bic"] == pytest.approx(7595.339, abs=1e-3)


@pytest.mark.reference
def test_hs_cfa_parameters_and_standard_errors_match_lavaan(hs_fit: SEMResult, reference_dir: Path):
    m = merged_params(hs_fit, reference_dir / "expected" / "ref_lavaan_HS_cfa_params.csv")
    np.testing.assert_allclose(m["est"], m["est_ref"], atol=LOADING_ABS)
    np.testing.assert_allclose(m["se"], m["se_ref"], atol=1e-4)
    np.testing.assert_allclose(m["std_all"], m["std.all"], atol=INDEX_ABS)
    np.testing.assert_allclose(m["std_lv"], m["std.lv"], atol=INDEX_ABS)
    free = m["se_ref"] > 0
    np.testing.assert_allclose(m.loc[free, "z"], m.loc[free, "z_ref"], rtol=1e-3)
    np.testing.assert_allclose(m.loc[free, "ci_lower"], m.loc[free, "ci.lower"], atol=1e-3)
    # fixed markers: se 0 and no test, as in lavaan
    assert (m.loc[~free, "se"] == 0).all()
    assert m.loc[~free, "z"].isna().all()


@pytest.mark.reference
def test_political_democracy_sem_matches_lavaan(pd_fit: SEMResult, reference_dir: Path):
    ref = read_fit(reference_dir / "expected" / "ref_lavaan_PD_sem_fit.csv")
    fit = pd_fit.fit
    assert (fit["npar"], fit["df"]) == (31, 35)
    assert fit["chisq"] == pytest.approx(38.125218, rel=CHISQ_REL)
    assert fit["cfi"] == pytest.approx(0.9953745, abs=INDEX_ABS)
    for key in ("pvalue", "cfi", "tli", "rmsea", "srmr"):
        assert fit[key] == pytest.approx(ref[key], abs=INDEX_ABS), key
    for key in ("loglik", "aic", "bic"):
        assert fit[key] == pytest.approx(ref[key], abs=1e-3), key
    m = merged_params(pd_fit, reference_dir / "expected" / "ref_lavaan_PD_sem_params.csv")
    np.testing.assert_allclose(m["est"], m["est_ref"], atol=LOADING_ABS)
    np.testing.assert_allclose(m["se"], m["se_ref"], rtol=1e-3, atol=1e-5)
    np.testing.assert_allclose(m["std_all"], m["std.all"], atol=INDEX_ABS)
    np.testing.assert_allclose(m["std_lv"], m["std.lv"], atol=INDEX_ABS)
    # lavaan's parameter order: user rows as written, then the defaults
    assert list(zip(pd_fit.estimates.lhs, pd_fit.estimates.op, pd_fit.estimates.rhs, strict=True)) == list(
        zip(
            *(
                pd.read_csv(reference_dir / "expected" / "ref_lavaan_PD_sem_params.csv")[c]
                for c in ("lhs", "op", "rhs")
            ),
            strict=True,
        )
    )


# ---------------------------------------------------------------- conventions and options


def test_std_lv_gives_the_same_fit_and_standardized_solution(hs: pd.DataFrame, hs_fit: SEMResult):
    scaled = cfa(hs, HS_MODEL, std_lv=True)
    assert scaled.fit["chisq"] == pytest.approx(hs_fit.fit["chisq"], rel=1e-8)
    np.testing.assert_allclose(scaled.estimates["std_all"], hs_fit.estimates["std_all"], atol=1e-6)
    loadings = scaled.estimates[scaled.estimates.op == "=~"]
    np.testing.assert_allclose(loadings["est"], hs_fit.estimates.loc[loadings.index, "std_lv"], atol=1e-6)


def test_equal_labels_share_one_estimate(hs: pd.DataFrame, hs_fit: SEMResult):
    constrained = cfa(hs, "visual =~ x1 + a*x2 + a*x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9")
    est = constrained.estimates.set_index(["lhs", "op", "rhs"])
    assert est.loc[("visual", "=~", "x2"), "est"] == est.loc[("visual", "=~", "x3"), "est"]
    assert est.loc[("visual", "=~", "x2"), "label"] == "a"
    assert constrained.fit["npar"] == 20
    assert constrained.fit["df"] == 25
    assert constrained.fit["chisq"] > hs_fit.fit["chisq"]


def test_fixed_covariance_adds_a_degree_of_freedom(hs: pd.DataFrame, hs_fit: SEMResult):
    orthogonal = cfa(hs, HS_MODEL + "\nvisual ~~ 0*textual")
    assert orthogonal.fit["df"] == hs_fit.fit["df"] + 1
    row = orthogonal.estimates.query("lhs == 'visual' and rhs == 'textual'").iloc[0]
    assert row["est"] == 0.0
    assert row["se"] == 0.0


def test_just_identified_model_fits_perfectly(hs: pd.DataFrame):
    result = cfa(hs, "f =~ x1 + x2 + x3")
    assert result.fit["df"] == 0
    assert result.fit["chisq"] == pytest.approx(0.0, abs=1e-8)
    assert (result.fit["cfi"], result.fit["tli"], result.fit["rmsea"]) == (1.0, 1.0, 0.0)
    assert math.isnan(result.fit["pvalue"])


def test_rows_with_missing_values_are_dropped_listwise(hs: pd.DataFrame):
    holes = hs.copy()
    holes.loc[holes.index[:7], "x2"] = np.nan
    holes.loc[holes.index[20], "x9"] = np.nan
    result = cfa(holes, HS_MODEL)
    complete = cfa(holes.dropna(subset=[f"x{i}" for i in range(1, 10)]), HS_MODEL)
    assert result.fit["ntotal"] == 293
    assert result.fit["chisq"] == pytest.approx(complete.fit["chisq"], rel=1e-10)


def test_exogenous_covariates_are_fixed_at_their_sample_moments(hs: pd.DataFrame):
    result = sem(hs, "visual =~ x1 + x2 + x3\nvisual ~ ageyr + sex")
    # 2 loadings, 2 slopes, 3 residual variances, 1 latent residual variance
    assert result.fit["npar"] == 8
    assert result.fit["df"] == 4
    assert result.fit["baseline_df"] == 9  # 10 covariances minus the one between covariates
    covariate = result.estimates.query("lhs == 'ageyr' and rhs == 'sex'").iloc[0]
    sample = hs[["ageyr", "sex"]].cov(ddof=0).loc["ageyr", "sex"]
    assert covariate["est"] == pytest.approx(sample, rel=1e-10)
    assert covariate["se"] == 0.0
    assert covariate["std_all"] == pytest.approx(hs["ageyr"].corr(hs["sex"]), rel=1e-8)


def test_observed_information_gives_close_but_different_standard_errors(hs: pd.DataFrame, hs_fit: SEMResult):
    observed = cfa(hs, HS_MODEL, information="observed")
    free = hs_fit.estimates["se"] > 0
    ratio = observed.estimates.loc[free, "se"] / hs_fit.estimates.loc[free, "se"]
    assert ratio.between(0.7, 1.4).all()
    assert not np.allclose(ratio, 1.0, atol=1e-4)  # the model misfits, so the two differ
    np.testing.assert_allclose(observed.estimates["est"], hs_fit.estimates["est"], atol=1e-7)


def test_observed_and_expected_information_agree_when_the_model_fits_exactly():
    loadings, resid = np.array([1.0, 0.8, 0.6, 0.7]), np.array([0.5, 0.4, 0.3, 0.6])
    cov = 0.9 * np.outer(loadings, loadings) + np.diag(resid)
    sample = [GroupSample("all", 200, np.zeros(4), cov)]
    expected = fit_ml(build_parameter_table(parse_model("f =~ a1 + a2 + a3 + a4")), sample)
    observed = fit_ml(
        build_parameter_table(parse_model("f =~ a1 + a2 + a3 + a4")), sample, information="observed"
    )
    np.testing.assert_allclose(observed.se, expected.se, rtol=1e-5)
    assert expected.se[1] > 0


def test_mean_structure_adds_saturated_intercepts_without_changing_the_fit(
    hs: pd.DataFrame, hs_fit: SEMResult
):
    with_means = cfa(hs, HS_MODEL, meanstructure=True)
    assert with_means.fit["chisq"] == pytest.approx(hs_fit.fit["chisq"], rel=1e-9)
    assert (with_means.fit["npar"], with_means.fit["df"]) == (30, 24)
    intercept = with_means.estimates.query("lhs == 'x1' and op == '~1'").iloc[0]
    assert intercept["est"] == pytest.approx(hs["x1"].mean(), rel=1e-9)
    assert intercept["se"] == pytest.approx(hs["x1"].std(ddof=0) / np.sqrt(len(hs)), rel=1e-6)


def test_path_model_reproduces_least_squares_with_ml_standard_errors(hs: pd.DataFrame):
    result = sem(hs, "x3 ~ x1 + x2")
    x = hs[["x1", "x2"]].to_numpy() - hs[["x1", "x2"]].to_numpy().mean(axis=0)
    y = hs["x3"].to_numpy() - hs["x3"].mean()
    slopes = np.linalg.lstsq(x, y, rcond=None)[0]
    residual_variance = np.sum((y - x @ slopes) ** 2) / len(y)  # ML: divisor N
    se = np.sqrt(np.diag(residual_variance * np.linalg.inv(x.T @ x)))
    assert result.fit["df"] == 0
    np.testing.assert_allclose(result.estimates["est"][:2], slopes, rtol=1e-7)
    np.testing.assert_allclose(result.estimates["se"][:2], se, rtol=1e-6)
    assert result.estimates["est"][2] == pytest.approx(residual_variance, rel=1e-7)


def test_second_order_factor_over_three_factors_is_equivalent(hs: pd.DataFrame, hs_fit: SEMResult):
    second = cfa(hs, HS_MODEL + "\ng =~ visual + textual + speed")
    assert second.fit["df"] == hs_fit.fit["df"]
    assert second.fit["chisq"] == pytest.approx(hs_fit.fit["chisq"], rel=1e-7)


def test_second_order_start_values_give_a_nonsingular_information(hs: pd.DataFrame):
    # With a higher-order loading starting at 0, the information was singular at the start: whether
    # the fit then converged depended on how the machine's BLAS rounded a singular solve.
    from allypath.stats.cfa import _group_sample, _model_frame
    from allypath.stats.lavaan_syntax import build_parameter_table, parse_model
    from allypath.stats.sem import _RamModel, _start_values

    parsed = parse_model(HS_MODEL + "\ng =~ visual + textual + speed")
    frame, labels = _model_frame(hs, parsed, None)
    samples = [_group_sample(frame, labels, None, parsed.observed)]
    model = _RamModel(build_parameter_table(parsed, ngroups=1), samples)
    information = model.information(_start_values(model))
    assert np.linalg.matrix_rank(information) == model.nfree


def test_group_labels_follow_first_appearance_and_print_whole_numbers(hs: pd.DataFrame):
    by_grade = cfa(hs, "visual =~ x1 + x2 + x3", group="grade")  # grade has a gap, so it reads as float
    assert by_grade.groups == ["7", "8"]
    assert by_grade.nobs == [157, 143]
    assert cfa(hs, "visual =~ x1 + x2 + x3", group="school").groups == ["Pasteur", "Grant-White"]


def test_negative_variance_is_reported_as_a_warning():
    rng = np.random.default_rng(1)
    values = rng.normal(size=(60, 4))
    values[:, 1] += 3 * values[:, 0]
    values[:, 2] += 0.1 * values[:, 0]
    result = cfa(pd.DataFrame(values, columns=list("abcd")), "f =~ a + b + c + d")
    assert any("negative variance estimate for a" in w for w in result.warnings)


def test_vector_modifiers_set_group_specific_labels(hs: pd.DataFrame):
    free = cfa(hs, "visual =~ x1 + c(a, b)*x2 + x3", group="school")
    equal = cfa(hs, "visual =~ x1 + c(a, a)*x2 + x3", group="school")
    assert equal.fit["df"] == free.fit["df"] + 1
    g = equal.estimates.query("op == '=~' and rhs == 'x2'")
    assert g["est"].nunique() == 1
    assert list(g["group"]) == [1, 2]


def test_to_dict_is_json_ready_with_lavaan_names(hs_fit: SEMResult):
    payload = hs_fit.to_dict()
    text = json.dumps(payload, allow_nan=False)
    assert "NaN" not in text
    assert {
        "npar",
        "chisq",
        "df",
        "pvalue",
        "cfi",
        "tli",
        "rmsea",
        "srmr",
        "gfi",
        "loglik",
        "aic",
        "bic",
        "ntotal",
    } <= set(payload["fit"])
    assert payload["groups"] == [{"group": 1, "label": "all", "nobs": 301}]
    first = payload["estimates"][0]
    assert (first["lhs"], first["op"], first["rhs"], first["est"], first["z"]) == (
        "visual",
        "=~",
        "x1",
        1.0,
        None,
    )


def test_sem_and_cfa_are_the_same_engine(hs: pd.DataFrame, hs_fit: SEMResult):
    assert sem(hs, HS_MODEL).fit == hs_fit.fit


# ---------------------------------------------------------------- the engine itself


def _multigroup_model(hs: pd.DataFrame) -> tuple[_RamModel, np.ndarray]:
    table = build_parameter_table(
        parse_model(HS_MODEL + "\nspeed ~ visual"), ngroups=2, group_equal=("loadings", "intercepts")
    )
    samples = []
    for school, rows in hs.groupby("school", sort=False):
        values = rows[table.observed].to_numpy()
        samples.append(GroupSample(str(school), len(values), values.mean(0), np.cov(values.T, bias=True)))
    model = _RamModel(table, samples)
    return model, _start_values(model)


def test_analytic_gradient_matches_finite_differences(hs: pd.DataFrame):
    model, x = _multigroup_model(hs)
    x = x + 0.05  # away from the start values' zeros
    numeric = np.array(
        [(model.objective(x + h) - model.objective(x - h)) / 2e-6 for h in np.eye(x.size) * 1e-6]
    )
    np.testing.assert_allclose(model.gradient(x), numeric, rtol=1e-5, atol=1e-8)


def test_expected_information_equals_jacobian_form(hs: pd.DataFrame):
    model, x = _multigroup_model(hs)
    # Delta' W Delta with W = 1/2 D'(V x V)D (vech) and V for means, per group, n-weighted
    info = np.zeros((x.size, x.size))
    jac = model.jacobian(x)
    p = model.p
    low = np.tril_indices(p)
    rows_per_group = jac.shape[0] // len(model.groups)
    for g, gm in enumerate(model.groups):
        _, c, _ = model.moments(gm, x)
        v = np.linalg.inv(c[:p, :p])
        block = jac[g * rows_per_group : (g + 1) * rows_per_group]
        d_sigma, d_mu = block[: len(low[0])], block[len(low[0]) :]
        full = np.zeros((p, p, x.size))
        full[low] = d_sigma
        full = (
            full
            + np.transpose(full, (1, 0, 2))
            - np.einsum("iik->ik", full)[:, None, :] * np.eye(p)[:, :, None]
        )
        vs = np.einsum("ij,jkq->ikq", v, full)
        info += gm.weight * (0.5 * np.einsum("ijq,jir->qr", vs, vs) + d_mu.T @ v @ d_mu)
    np.testing.assert_allclose(model.information(x), info, rtol=1e-9, atol=1e-12)


def test_fit_ml_on_a_perfectly_fitting_covariance_recovers_the_parameters():
    loadings, resid = np.array([1.0, 0.8, 0.6]), np.array([0.5, 0.4, 0.3])
    cov = 0.9 * np.outer(loadings, loadings) + np.diag(resid)
    table = build_parameter_table(parse_model("f =~ a1 + a2 + a3"))
    solution = fit_ml(table, [GroupSample("all", 200, np.zeros(3), cov)])
    assert solution.fmin == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(solution.values[:3], loadings, atol=1e-8)


# ---------------------------------------------------------------- fit index formulas


def test_fit_index_formulas_reproduce_the_headline_values():
    assert fit_indices.cfi(85.305522, 24, 918.851589, 36) == pytest.approx(0.9305597, abs=1e-7)
    assert fit_indices.tli(85.305522, 24, 918.851589, 36) == pytest.approx(0.8958395, abs=1e-7)
    assert fit_indices.rmsea(85.305522, 24, 301) == pytest.approx(0.0921215, abs=1e-7)
    lower, upper = fit_indices.rmsea_ci(85.305522, 24, 301)
    assert (lower, upper) == (pytest.approx(0.0714185, abs=1e-6), pytest.approx(0.1136780, abs=1e-6))
    # multigroup: sqrt(G) correction (lavaan), here the configural HS model
    assert fit_indices.rmsea(115.851344, 48, 301, ngroups=2) == pytest.approx(0.0969149, abs=1e-6)


def test_fit_indices_are_bounded_when_the_model_fits_better_than_its_df():
    assert fit_indices.cfi(10.0, 20, 500.0, 36) == 1.0
    assert fit_indices.rmsea(10.0, 20, 300) == 0.0
    assert fit_indices.rmsea_ci(10.0, 20, 300) == (0.0, 0.0)
    assert fit_indices.tli(10.0, 20, 500.0, 36) > 1.0  # TLI is not truncated, as in lavaan


# ---------------------------------------------------------------- bad input


def test_syntax_error_surfaces_with_line_and_token(hs: pd.DataFrame):
    with pytest.raises(ModelSyntaxError, match=r"line 2: .*'\*'"):
        cfa(hs, "visual =~ x1 + x2 + x3\ntextual =~ x4 + * x5")


def test_unknown_variables_are_named(hs: pd.DataFrame):
    with pytest.raises(StatsError, match="not in the data: q7, zz"):
        cfa(hs, "f =~ x1 + x2 + q7 + zz")


def test_duplicated_column_makes_a_singular_covariance_and_names_the_columns(hs: pd.DataFrame):
    data = hs.assign(x1_copy=hs["x1"])
    with pytest.raises(StatsError, match=r"not positive definite: columns x1, x1_copy"):
        cfa(data, "f =~ x1 + x2 + x3 + x1_copy")


def test_too_few_rows_are_refused(hs: pd.DataFrame):
    with pytest.raises(StatsError, match="too few rows: 3 complete row"):
        cfa(hs.head(3), HS_MODEL)


def test_constant_column_is_named(hs: pd.DataFrame):
    with pytest.raises(StatsError, match=r"constant column\(s\) \(zero variance\): flat"):
        cfa(hs.assign(flat=2.0), "f =~ x1 + x2 + flat")


def test_small_group_is_named(hs: pd.DataFrame):
    data = hs.copy()
    data.loc[data.index[:5], "school"] = "Tiny"
    with pytest.raises(StatsError, match="too few rows in group 'Tiny': 5"):
        cfa(data, HS_MODEL, group="school")


def test_model_with_more_parameters_than_moments_is_not_identified(hs: pd.DataFrame):
    with pytest.raises(StatsError, match=r"not identified: it has 4 free parameters .* only 3"):
        cfa(hs, "f =~ x1 + x2")


def test_model_without_a_scale_is_not_identified_and_names_the_parameters(hs: pd.DataFrame):
    with pytest.raises(StatsError, match=r"not identified: .*f ~~ f") as info:
        cfa(hs, "f =~ NA*x1 + x2 + x3 + x4")
    assert "f =~ x1" in str(info.value)


def test_non_numeric_model_column_is_a_data_error(hs: pd.DataFrame):
    data = hs.astype({"x2": object})
    data.loc[3, "x2"] = "abc"
    with pytest.raises(DataError, match="column 'x2'") as info:
        cfa(data, HS_MODEL)
    assert info.value.row == 4


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"estimator": "WLSMV"}, "estimator 'WLSMV' is not supported"),
        ({"missing": "ml"}, "missing='ml' is not supported"),
        ({"group": "nope"}, "group column 'nope'"),
        ({"information": "sandwich"}, "information must be"),
    ],
)
def test_unsupported_options_are_refused(hs: pd.DataFrame, kwargs: dict[str, str], message: str):
    with pytest.raises(StatsError, match=message):
        cfa(hs, HS_MODEL, **kwargs)  # type: ignore[arg-type]


def test_data_must_be_a_data_frame(hs: pd.DataFrame):
    with pytest.raises(StatsError, match="pandas DataFrame"):
        cfa(hs.to_numpy(), HS_MODEL)  # type: ignore[arg-type]
