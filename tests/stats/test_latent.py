"""Latent class and latent profile models: poLCA / mclust reference values, properties, bad input."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps
from sklearn.datasets import load_iris
from sklearn.decomposition import FactorAnalysis

from allypath.errors import StatsError
from allypath.stats.latent import (
    compare_latent,
    information_criteria,
    latent_class,
    latent_profile,
    relative_entropy,
    stages_vs_continuum,
)

ELECTION_ITEMS = [
    f"{trait}{who}" for who in ("G", "B") for trait in ("MORAL", "CARES", "KNOW", "LEAD", "DISHON", "INTEL")
]
# The items of each poLCA example model (the R script's formulas); other columns are covariates.
POLCA_ITEMS = {
    "carcinoma": list("ABCDEFG"),
    "values": list("ABCD"),
    "gss82": ["PURPOSE", "ACCURACY", "UNDERSTA", "COOPERAT"],
    "cheating": ["LIEEXAM", "LIEPAPER", "FRAUD", "COPYEXAM"],
    "election": ELECTION_ITEMS,
}
POLCA_CASES = [
    ("carcinoma", 2),
    ("carcinoma", 3),
    ("carcinoma", 4),
    ("values", 1),
    ("values", 2),
    ("values", 3),
    ("gss82", 2),
    ("gss82", 3),
    ("gss82", 4),
    ("cheating", 2),
    ("election", 1),
    ("election", 2),
    ("election", 3),
    ("election", 4),
]
# values/3 is not identified: poLCA's shares and entropy there depend on the start.
NOT_IDENTIFIED = {("values", 3)}


def polca_data(reference_dir: Path, dataset: str) -> pd.DataFrame:
    frame = pd.read_csv(reference_dir / "data" / f"poLCA_{dataset}.csv")
    return frame[POLCA_ITEMS[dataset]]


@pytest.fixture(scope="module")
def polca_fits(reference_dir: Path) -> pd.DataFrame:
    return pd.read_csv(reference_dir / "expected" / "ref_poLCA_fits.csv").set_index(["dataset", "nclass"])


# ---------------------------------------------------------------------------------------------
# poLCA reference


@pytest.mark.reference
@pytest.mark.parametrize(("dataset", "n_classes"), POLCA_CASES)
def test_latent_class_reproduces_polca(
    reference_dir: Path, polca_fits: pd.DataFrame, dataset: str, n_classes: int
) -> None:
    expected = polca_fits.loc[(dataset, n_classes)]
    fit = latent_class(polca_data(reference_dir, dataset), n_classes)

    assert fit.n == expected["N"]
    assert fit.npar == expected["npar"]
    assert fit.loglik == pytest.approx(expected["llik"], abs=1e-3)
    assert fit.bic == pytest.approx(expected["BIC"], abs=1e-2)
    assert fit.aic == pytest.approx(expected["AIC"], abs=1e-2)
    if (dataset, n_classes) not in NOT_IDENTIFIED:
        shares = [float(s) for s in expected["class_shares_sorted"].split()]
        # The CSV rounds shares to 4 decimals.
        np.testing.assert_allclose(fit.shares, shares, atol=1e-3)
        if n_classes > 1:
            assert fit.relative_entropy == pytest.approx(expected["relative_entropy"], abs=1e-4)
    if n_classes == 1:
        assert math.isnan(fit.relative_entropy)


@pytest.mark.reference
def test_latent_class_reproduces_polca_item_probabilities_for_carcinoma(reference_dir: Path) -> None:
    expected = pd.read_csv(reference_dir / "expected" / "ref_poLCA_carcinoma3_probs_yes.csv", index_col=0)
    fit = latent_class(polca_data(reference_dir, "carcinoma"), 3)

    yes = fit.item_probabilities.query("category == 2").pivot(
        index="item", columns="class", values="probability"
    )
    np.testing.assert_allclose(yes.loc[expected.index].to_numpy(), expected.to_numpy(), atol=1e-3)
    # The reference's column names carry poLCA's class shares, largest first.
    shares = [float(c.split("_P")[1]) for c in expected.columns]
    np.testing.assert_allclose(fit.shares, shares, atol=1e-3)


@pytest.mark.reference
def test_latent_class_reads_labels_like_codes(reference_dir: Path) -> None:
    # gss82 ships as labels and as factor codes; recoding labels must give the same model.
    labels = pd.read_csv(reference_dir / "data" / "poLCA_gss82.csv")
    codes = pd.read_csv(reference_dir / "data" / "poLCA_gss82_codes.csv")
    from_labels = latent_class(labels, 2, n_init=5)
    from_codes = latent_class(codes, 2, n_init=5)
    assert from_labels.loglik == pytest.approx(from_codes.loglik, abs=1e-6)
    assert from_labels.categories["PURPOSE"] == ("Depends", "Good", "Waste of time")
    assert from_codes.categories["PURPOSE"] == (1, 2, 3)


# ---------------------------------------------------------------------------------------------
# mclust reference


@pytest.fixture(scope="module")
def iris() -> np.ndarray:
    return np.asarray(load_iris().data)


@pytest.mark.reference
@pytest.mark.parametrize("model", ["EEI", "VVI", "EEE", "VVV"])
def test_latent_profile_matches_or_beats_mclust_on_iris(
    reference_dir: Path, iris: np.ndarray, model: str
) -> None:
    expected = pd.read_csv(reference_dir / "expected" / "ref_mclust_iris.csv").query("model == @model")
    for _, row in expected.iterrows():
        fit = latent_profile(iris, int(row["G"]), covariance=model)
        assert fit.npar == row["npar"]
        # mclust starts once from a hierarchical clustering; several k-means starts find as good
        # or better maxima (README of the shared reference).
        assert fit.loglik >= row["loglik"] - 1e-3
        if row["G"] == 2:
            assert fit.loglik == pytest.approx(row["loglik"], abs=1e-3)
            assert fit.bic == pytest.approx(row["BIC_conventional"], abs=1e-2)
            shares = [float(s) for s in row["shares"].split()]
            np.testing.assert_allclose(fit.shares, shares, atol=1e-3)


# ---------------------------------------------------------------------------------------------
# latent_class properties


def two_class_items(n: int = 400, n_items: int = 5, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    group = rng.integers(0, 2, n)
    return pd.DataFrame(
        {f"q{j}": np.where(rng.random(n) < 0.15, 1 - group, group) + 1 for j in range(n_items)}
    )


def test_one_class_model_is_the_independence_model() -> None:
    items = two_class_items()
    expected = sum(
        float((counts * np.log(counts / counts.sum())).sum())
        for counts in (items[c].value_counts().to_numpy() for c in items)
    )
    fit = latent_class(items, 1)
    assert fit.loglik == pytest.approx(expected, abs=1e-9)
    assert fit.npar == 5
    np.testing.assert_allclose(fit.posterior.to_numpy(), 1.0)


def test_latent_class_parameters_are_probabilities_and_classes_are_ordered_by_size() -> None:
    fit = latent_class(two_class_items(n=500, seed=3).iloc[:420], 3, n_init=10)
    probs = fit.item_probabilities
    sums = probs.groupby(["item", "class"])["probability"].sum()
    np.testing.assert_allclose(sums.to_numpy(), 1.0, atol=1e-12)
    assert probs["probability"].between(0, 1).all()
    assert fit.shares.sum() == pytest.approx(1.0)
    assert list(fit.shares) == sorted(fit.shares, reverse=True)
    np.testing.assert_allclose(fit.posterior.sum(axis=1), 1.0)
    # Each class's share is the mean of its posterior probabilities at the ML solution.
    np.testing.assert_allclose(fit.posterior.mean().to_numpy(), fit.shares, atol=1e-6)
    assert set(fit.modal_class.unique()) <= {1, 2, 3}


def test_latent_class_recovers_two_planted_groups() -> None:
    rng = np.random.default_rng(7)
    group = np.repeat([0, 1], [300, 100])
    items = pd.DataFrame({f"q{j}": np.where(rng.random(400) < 0.1, 1 - group, group) for j in range(6)})
    fit = latent_class(items, 2)
    np.testing.assert_allclose(fit.shares, [0.75, 0.25], atol=0.03)
    agreement = (fit.modal_class.to_numpy() - 1 == group).mean()
    assert agreement > 0.97
    assert fit.relative_entropy > 0.8
    assert fit.replicated >= 2


def test_latent_class_drops_incomplete_rows_like_polca() -> None:
    items = two_class_items(n=300).astype(float)
    items.iloc[[3, 10, 11], [0, 2, 4]] = np.nan
    fit = latent_class(items, 2, n_init=5)
    reference = latent_class(items.dropna(), 2, n_init=5)
    assert (fit.n, fit.n_dropped) == (297, 3)
    assert fit.loglik == pytest.approx(reference.loglik, abs=1e-8)
    assert list(fit.posterior.index) == list(items.dropna().index)


def test_latent_class_recodes_any_codes_and_keeps_the_mapping() -> None:
    items = two_class_items(n=300)
    shifted = items * 10 + 5  # codes 15 and 25
    labelled = items.replace({1: "no", 2: "yes"})
    categorical = items.astype("category")
    base = latent_class(items, 2, n_init=5)
    for variant in (shifted, labelled, categorical, items.to_numpy()):
        fit = latent_class(variant, 2, n_init=5)
        assert fit.loglik == pytest.approx(base.loglik, abs=1e-8)
    assert latent_class(shifted, 2, n_init=5).categories["q0"] == (15, 25)
    assert latent_class(labelled, 2, n_init=5).categories["q0"] == ("no", "yes")
    assert list(latent_class(items.to_numpy(), 2, n_init=5).categories) == [f"item_{j}" for j in range(1, 6)]


def test_latent_class_is_reproducible_for_a_seed() -> None:
    items = two_class_items(n=250)
    first = latent_class(items, 3, n_init=5, seed=11)
    second = latent_class(items, 3, n_init=5, seed=11)
    assert first.loglik == second.loglik
    np.testing.assert_array_equal(first.shares, second.shares)


def test_latent_class_warns_when_the_best_start_has_not_converged() -> None:
    with pytest.warns(RuntimeWarning, match="did not converge in 2 iterations"):
        fit = latent_class(two_class_items(), 2, n_init=3, max_iter=2)
    assert not fit.converged
    assert fit.n_iter == 2


def test_latent_class_accepts_boolean_and_nullable_integer_items() -> None:
    items = two_class_items(n=300)
    as_bool = items == 2
    nullable = items.astype("Int64")
    nullable.iloc[0, 0] = pd.NA
    base = latent_class(items, 2, n_init=5)
    assert latent_class(as_bool, 2, n_init=5).loglik == pytest.approx(base.loglik, abs=1e-8)
    assert latent_class(as_bool, 2, n_init=5).categories["q0"] == (False, True)
    assert latent_class(nullable, 2, n_init=5).n == 299


def test_latent_class_to_dict_is_json_ready() -> None:
    summary = latent_class(two_class_items(), 2, n_init=5).to_dict()
    assert {"loglik", "npar", "aic", "bic", "sabic", "entropy", "shares"} <= summary.keys()
    assert json.loads(json.dumps(summary)) == summary
    assert latent_class(two_class_items(), 1).to_dict()["entropy"] is None


def test_information_criteria_follow_their_formulas() -> None:
    ic = information_criteria(-100.0, 5, 50)
    assert ic["aic"] == pytest.approx(210.0)
    assert ic["bic"] == pytest.approx(200.0 + 5 * math.log(50))
    assert ic["sabic"] == pytest.approx(200.0 + 5 * math.log(52 / 24))


def test_relative_entropy_is_one_when_certain_and_zero_when_uniform() -> None:
    assert relative_entropy(np.eye(3)) == pytest.approx(1.0)
    assert relative_entropy(np.full((4, 2), 0.5)) == pytest.approx(0.0)
    weighted = relative_entropy(np.array([[1.0, 0.0], [0.5, 0.5]]), np.array([3.0, 1.0]))
    assert weighted == pytest.approx(0.75)


# ---------------------------------------------------------------------------------------------
# latent_class bad input


@pytest.mark.parametrize(
    ("data", "n_classes", "message"),
    [
        (pd.DataFrame({"a": [1, 2] * 3, "b": [1, 2, 2, 1, 1, 2]}), 3, "free parameters"),
        (pd.DataFrame({"a": [1, 2] * 20, "b": [3] * 40}), 2, r"'b' is constant \(only the value 3 is"),
        # the value as written, not np.float64(0.025641...)
        (
            pd.DataFrame({"a": [1, 2] * 20, "b": np.linspace(0, 1, 40)}),
            2,
            "'b' holds the non-integer value 0.0256",
        ),
        (pd.DataFrame({"a": [1, 2] * 20, "b": [np.nan] * 40}), 2, "'b' has no observed values"),
        (pd.DataFrame({"a": [1, 2] * 20, "b": [1.0, 2.0] * 19 + [1e300, 2.0]}), 2, "'b' holds the value 1e"),
        (pd.DataFrame({"a": [1, 2] * 20, "b": [1, 2] * 20}), 0, "n_classes"),
        (pd.DataFrame({"a": [1, np.nan, 2, np.nan] * 5, "b": [np.nan, 1, np.nan, 2] * 5}), 1, "listwise"),
        (np.zeros((0, 3)), 2, "empty"),
    ],
)
def test_latent_class_refuses_bad_input_naming_the_cause(
    data: pd.DataFrame, n_classes: int, message: str
) -> None:
    with pytest.raises(StatsError, match=message):
        latent_class(data, n_classes)


def test_latent_class_refuses_a_bad_number_of_starts() -> None:
    with pytest.raises(StatsError, match="n_init"):
        latent_class(two_class_items(), 2, n_init=0)


# ---------------------------------------------------------------------------------------------
# latent_profile properties and bad input


def test_one_full_profile_is_the_multivariate_normal_fit(iris: np.ndarray) -> None:
    centred = iris - iris.mean(axis=0)
    ml_covariance = centred.T @ centred / len(iris)
    expected = sps.multivariate_normal(iris.mean(axis=0), ml_covariance).logpdf(iris).sum()
    fit = latent_profile(iris, 1, covariance="full", n_init=1)
    assert fit.loglik == pytest.approx(expected, abs=1e-3)
    assert fit.npar == 4 + 10
    assert math.isnan(fit.relative_entropy)


@pytest.mark.parametrize(
    ("model", "shared", "diagonal"),
    [("EEI", True, True), ("EII", True, True), ("VVI", False, True), ("EEE", True, False)],
)
def test_latent_profile_covariances_have_the_named_structure(
    iris: np.ndarray, model: str, shared: bool, diagonal: bool
) -> None:
    fit = latent_profile(iris, 3, covariance=model, n_init=3)
    covariances = fit.covariances
    assert covariances.shape == (3, 4, 4)
    off_diagonal = covariances * (1 - np.eye(4))
    assert np.allclose(off_diagonal, 0) == diagonal
    assert np.allclose(covariances, covariances[0]) == shared
    if model == "EII":
        assert np.allclose(np.diag(covariances[0]), covariances[0, 0, 0])


def test_latent_profile_accepts_sklearn_and_mclust_names(iris: np.ndarray) -> None:
    assert latent_profile(iris, 2, covariance="tied").model == "EEE"
    assert latent_profile(iris, 2, covariance="vvv").model == "VVV"
    fit = latent_profile(pd.DataFrame(iris, columns=list("abcd")), 2)
    assert fit.model == "VVI"
    assert list(fit.means.columns) == list("abcd")
    assert list(fit.means.index) == ["profile_1", "profile_2"]
    summary = fit.to_dict()
    assert json.loads(json.dumps(summary)) == summary
    assert {"loglik", "npar", "aic", "bic", "sabic", "entropy", "shares"} <= summary.keys()


def test_latent_profile_drops_incomplete_rows(iris: np.ndarray) -> None:
    frame = pd.DataFrame(iris, columns=list("abcd"))
    frame.iloc[[0, 5], 1] = np.nan
    fit = latent_profile(frame, 2, n_init=2)
    assert (fit.n, fit.n_dropped) == (148, 2)
    assert 0 not in fit.posterior.index


@pytest.mark.parametrize(
    ("data", "options", "message"),
    [
        (pd.DataFrame({"a": np.arange(20.0), "b": ["x"] * 20}), {}, "'b' is not numeric"),
        (pd.DataFrame({"a": np.arange(20.0), "b": [1.0] * 20}), {}, "'b' is constant"),
        (pd.DataFrame({"a": np.arange(20.0), "b": [np.nan] * 20}), {}, "'b' has no observed"),
        (
            pd.DataFrame({"a": np.arange(10.0), "b": np.arange(10.0) ** 2}),
            {"n_profiles": 3},
            "free parameters",
        ),
        (
            pd.DataFrame({"a": np.arange(20.0), "b": np.arange(20.0) ** 2}),
            {"covariance": "VEV"},
            "not supported",
        ),
        (pd.DataFrame({"a": np.arange(20.0), "b": np.arange(20.0) ** 2}), {"n_profiles": 0}, "n_profiles"),
    ],
)
def test_latent_profile_refuses_bad_input_naming_the_cause(
    data: pd.DataFrame, options: dict[str, object], message: str
) -> None:
    arguments: dict[str, object] = {"n_profiles": 2, **options}
    with pytest.raises(StatsError, match=message):
        latent_profile(data, **arguments)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# compare_latent


def test_compare_latent_tabulates_each_k_and_marks_the_lowest_bic() -> None:
    table = compare_latent(two_class_items(n=400, seed=5), range(1, 4), kind="class", n_init=5)
    assert list(table.columns) == [
        "k",
        "n",
        "loglik",
        "npar",
        "aic",
        "bic",
        "sabic",
        "entropy",
        "smallest_share",
        "lowest_bic",
    ]
    assert list(table["k"]) == [1, 2, 3]
    assert list(table["npar"]) == [5, 11, 17]
    assert table["loglik"].is_monotonic_increasing
    assert int(table.loc[table["lowest_bic"], "k"].iloc[0]) == 2
    assert table.loc[0, "smallest_share"] == 1.0


def test_compare_latent_profiles_passes_options_through(iris: np.ndarray) -> None:
    table = compare_latent(iris, [2, 3], kind="profile", covariance="VVV", n_init=2)
    assert list(table["npar"]) == [29, 44]


def test_compare_latent_refuses_an_unknown_kind() -> None:
    with pytest.raises(StatsError, match="kind"):
        compare_latent(two_class_items(), kind="cluster")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# stages_vs_continuum

STAGE_COLUMNS = ["apathy", "ambivalence", "reflective", "energised"]


def test_distinct_stage_groups_are_recognised_as_stages() -> None:
    rng = np.random.default_rng(42)
    stage = rng.choice(4, size=600, p=[0.2, 0.3, 0.3, 0.2])
    # Each stage group scores high on its own stage scale and low elsewhere.
    centres = np.full((4, 4), 2.0) + 2.0 * np.eye(4)
    scores = pd.DataFrame(centres[stage] + rng.normal(0, 0.45, (600, 4)), columns=STAGE_COLUMNS)
    result = stages_vs_continuum(scores)
    assert result.verdict == "stages"
    assert result.delta_bic > 10
    assert result.stages.n_profiles == 4
    assert "4 distinct stages" in result.summary
    assert result.table.loc["continuum", "bic"] - result.table.loc["stages", "bic"] == pytest.approx(
        result.delta_bic
    )


def test_one_latent_trait_with_noise_is_recognised_as_a_continuum() -> None:
    rng = np.random.default_rng(43)
    trait = rng.normal(size=(600, 1))
    loadings = np.array([[-0.8, -0.4, 0.5, 0.9]])
    scores = pd.DataFrame(3 + trait @ loadings + rng.normal(0, 0.5, (600, 4)), columns=STAGE_COLUMNS)
    result = stages_vs_continuum(scores)
    assert result.verdict == "continuum"
    assert result.delta_bic < -10
    assert result.continuum_npar == 12
    # The loadings are recovered up to sign.
    sign = np.sign(result.loadings.iloc[-1])
    np.testing.assert_allclose(sign * result.loadings.to_numpy(), loadings[0], atol=0.1)
    assert "one continuum" in result.summary
    # scikit-learn's FactorAnalysis (a different algorithm) reaches the same maximum here.
    oracle = FactorAnalysis(n_components=1, tol=1e-10, max_iter=100_000).fit(scores)
    assert result.continuum_loglik == pytest.approx(oracle.score(scores) * 600, abs=1e-4)
    assert json.loads(json.dumps(result.to_dict()))["verdict"] == "continuum"


def test_one_factor_on_three_scores_is_the_saturated_normal_model() -> None:
    rng = np.random.default_rng(5)
    scores = rng.normal(size=(300, 1)) @ np.array([[0.9, 0.7, 0.5]]) + rng.normal(0, 0.6, (300, 3))
    centred = scores - scores.mean(axis=0)
    expected = sps.multivariate_normal(scores.mean(axis=0), centred.T @ centred / 300).logpdf(scores)
    result = stages_vs_continuum(scores, n_stages=2, n_init=2)
    assert result.continuum_loglik == pytest.approx(expected.sum(), abs=1e-4)
    assert result.continuum_npar == 3 + 6


def test_small_bic_differences_are_inconclusive() -> None:
    rng = np.random.default_rng(3)
    scores = rng.normal(size=(200, 4))
    result = stages_vs_continuum(scores, min_bic_difference=1e9)
    assert result.verdict == "inconclusive"
    assert "do not decide" in result.summary


@pytest.mark.parametrize(
    ("options", "message"),
    [({"n_stages": 1}, "at least 2"), ({"min_bic_difference": -1.0}, "min_bic_difference")],
)
def test_stages_vs_continuum_refuses_bad_settings(options: dict[str, object], message: str) -> None:
    scores = np.random.default_rng(0).normal(size=(50, 4))
    with pytest.raises(StatsError, match=message):
        stages_vs_continuum(scores, **options)  # type: ignore[arg-type]


def test_stages_vs_continuum_needs_two_scores() -> None:
    with pytest.raises(StatsError, match="at least 2 scale scores"):
        stages_vs_continuum(np.random.default_rng(0).normal(size=(50, 1)))
