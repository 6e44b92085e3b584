"""Cronbach's alpha and McDonald's omega: identical to psych, agreeing with pingouin, refusing bad input."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pingouin
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from allypath.errors import StatsError
from allypath.stats.reliability import cronbach_alpha, omega, omega_total_one_factor

ALPHA_TOL = 1e-6  # reference README: alpha, KMO, Bartlett
OMEGA_TOL = 1e-4  # reference README: omega with the same algorithm as psych


@pytest.fixture(scope="module")
def bfi_items(reference_dir: Path) -> pd.DataFrame:
    return pd.read_csv(reference_dir / "data" / "bfi.csv", index_col=0).iloc[:, :25]


@pytest.fixture(scope="module")
def alpha_reference(reference_dir: Path) -> pd.DataFrame:
    return pd.read_csv(reference_dir / "expected" / "ref_psych_bfi_alpha_omega.csv").set_index("scale")


@pytest.fixture(scope="module")
def omega_reference(reference_dir: Path) -> dict[str, dict[str, float]]:
    """ref_psych_omega.csv by dataset prefix. Its HS row has an unquoted comma in the dataset
    name, so fields are read from the end of each row."""
    with (reference_dir / "expected" / "ref_psych_omega.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    numbers = {}
    for row in rows:
        alpha, omega_h, omega_total, omega_lim = row[-5:-1]
        numbers[row[0].split()[0]] = {
            "alpha": float(alpha),
            "omega_h": float(omega_h),
            "omega_total": float(omega_total),
            "omega_lim": float(omega_lim) if omega_lim else float("nan"),
        }
    return numbers


SCALES = ["A", "C", "E", "N", "O"]


# --- psych::alpha on the bfi scales --------------------------------------------------------------


@pytest.mark.reference
@pytest.mark.parametrize("scale", SCALES)
def test_alpha_matches_psych_with_pairwise_covariances(
    scale: str, bfi_items: pd.DataFrame, alpha_reference: pd.DataFrame
) -> None:
    expected = alpha_reference.loc[scale]
    result = cronbach_alpha(bfi_items, expected["items"].split())
    assert result.alpha == pytest.approx(expected["raw_alpha_pairwise"], abs=ALPHA_TOL)
    assert result.std_alpha == pytest.approx(expected["std_alpha_pairwise"], abs=ALPHA_TOL)
    assert result.n == len(bfi_items)


@pytest.mark.reference
@pytest.mark.parametrize("scale", SCALES)
def test_alpha_matches_psych_on_complete_cases(
    scale: str, bfi_items: pd.DataFrame, alpha_reference: pd.DataFrame
) -> None:
    expected = alpha_reference.loc[scale]
    complete = bfi_items.dropna()
    result = cronbach_alpha(complete, expected["items"].split())
    assert result.alpha == pytest.approx(expected["raw_alpha_complete"], abs=ALPHA_TOL)
    assert result.std_alpha == pytest.approx(expected["std_alpha_complete"], abs=ALPHA_TOL)
    assert result.g6 == pytest.approx(expected["G6_complete"], abs=ALPHA_TOL)
    assert result.average_r == pytest.approx(expected["average_r_complete"], abs=ALPHA_TOL)
    assert result.omega_total == pytest.approx(expected["omega_total_psych_1f"], abs=OMEGA_TOL)


@pytest.mark.reference
@pytest.mark.parametrize("scale", SCALES)
def test_omega_total_one_factor_matches_psych(
    scale: str, bfi_items: pd.DataFrame, alpha_reference: pd.DataFrame
) -> None:
    expected = alpha_reference.loc[scale]
    keys = expected["items"].split()
    value = omega_total_one_factor(bfi_items.dropna(), keys)
    assert value == pytest.approx(expected["omega_total_psych_1f"], abs=OMEGA_TOL)


def test_reverse_keying_uses_the_scale_min_plus_max_as_psych(bfi_items: pd.DataFrame) -> None:
    complete = bfi_items.dropna()
    result = cronbach_alpha(complete, ["-A1", "A2", "A3", "A4", "A5"])
    assert result.reversed_items == ("A1",)
    # bfi answers run 1..6, so psych reverses A1 as 7 - A1.
    assert result.item_stats.loc["A1", "mean"] == pytest.approx(7 - complete["A1"].mean())


def test_listwise_drops_rows_with_any_missing_item(bfi_items: pd.DataFrame) -> None:
    keys = ["-A1", "A2", "A3", "A4", "A5"]
    listwise = cronbach_alpha(bfi_items, keys, missing="listwise")
    by_hand = cronbach_alpha(bfi_items[["A1", "A2", "A3", "A4", "A5"]].dropna(), keys)
    assert listwise.n == by_hand.n < len(bfi_items)
    assert listwise.alpha == pytest.approx(by_hand.alpha, abs=1e-12)


# --- item statistics: consistent with their definitions ------------------------------------------


def test_alpha_if_deleted_is_alpha_without_that_item(bfi_items: pd.DataFrame) -> None:
    data = bfi_items[["C1", "C2", "C3", "C4", "C5"]].dropna()
    keys = ["C1", "C2", "C3", "-C4", "-C5"]
    result = cronbach_alpha(data, keys)
    for key in keys:
        item = key.lstrip("-")
        rest = [k for k in keys if k != key]
        assert result.alpha_if_deleted[item] == pytest.approx(cronbach_alpha(data, rest).alpha, abs=1e-12)


def test_item_rest_correlation_is_correlation_with_sum_of_other_items(bfi_items: pd.DataFrame) -> None:
    data = bfi_items[["N1", "N2", "N3", "N4", "N5"]].dropna()
    result = cronbach_alpha(data)
    for item in data.columns:
        rest = data.drop(columns=item).sum(axis=1)
        assert result.item_rest_r[item] == pytest.approx(np.corrcoef(data[item], rest)[0, 1], abs=1e-12)


def test_confidence_intervals_bracket_alpha_and_widen_with_confidence(bfi_items: pd.DataFrame) -> None:
    data = bfi_items[["E1", "E2", "E3", "E4", "E5"]]
    keys = ["-E1", "-E2", "E3", "E4", "E5"]
    narrow = cronbach_alpha(data, keys, confidence=0.90)
    wide = cronbach_alpha(data, keys, confidence=0.99)
    assert wide.ci[0] < narrow.ci[0] < narrow.alpha < narrow.ci[1] < wide.ci[1]
    assert narrow.ci_duhachek[0] < narrow.alpha < narrow.ci_duhachek[1]


def test_to_dict_is_plain_and_names_the_headline_keys(bfi_items: pd.DataFrame) -> None:
    summary = cronbach_alpha(bfi_items, ["O1", "-O2", "O3", "O4", "-O5"]).to_dict()
    assert {"alpha", "omega_total", "ci_low", "ci_high", "n", "k", "item_stats"} <= set(summary)
    assert summary["k"] == 5
    assert summary["reversed_items"] == ["O2", "O5"]
    assert isinstance(summary["item_stats"]["O1"]["r_drop"], float)


# --- pingouin as an oracle on its bundled datasets ------------------------------------------------


def test_alpha_agrees_with_pingouin_on_wide_data_with_missing_values() -> None:
    # pingouin (GPL-3) ships its datasets: loaded from the installed package, not copied.
    data = pingouin.read_dataset("cronbach_wide_missing")
    expected_alpha, expected_ci = pingouin.cronbach_alpha(data=data)
    result = cronbach_alpha(data)
    assert result.alpha == pytest.approx(expected_alpha, abs=1e-10)
    assert result.ci == pytest.approx(tuple(expected_ci), abs=1e-3)  # pingouin rounds to 3 places
    listwise_alpha, _ = pingouin.cronbach_alpha(data=data, nan_policy="listwise")
    assert cronbach_alpha(data, missing="listwise").alpha == pytest.approx(listwise_alpha, abs=1e-10)


def test_alpha_agrees_with_pingouin_on_long_format_likert_data() -> None:
    long = pingouin.read_dataset("cronbach_alpha")
    expected_alpha, expected_ci = pingouin.cronbach_alpha(
        data=long, items="Items", scores="Scores", subject="Subj"
    )
    wide = long.pivot(index="Subj", columns="Items", values="Scores")
    result = cronbach_alpha(wide)
    assert result.alpha == pytest.approx(expected_alpha, abs=1e-10)
    assert result.ci == pytest.approx(tuple(expected_ci), abs=1e-3)


# --- properties -----------------------------------------------------------------------------------

likert = arrays(
    np.int64,
    st.tuples(st.integers(6, 25), st.integers(3, 6)),
    elements=st.integers(1, 5),
)


def _varied(matrix: np.ndarray) -> bool:
    return bool(np.all(matrix.std(axis=0) > 0))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(matrix=likert, seed=st.integers(0, 2**16))
def test_alpha_does_not_depend_on_row_order(matrix: np.ndarray, seed: int) -> None:
    assume(_varied(matrix))
    shuffled = np.random.default_rng(seed).permutation(matrix, axis=0)
    assert cronbach_alpha(shuffled).alpha == pytest.approx(cronbach_alpha(matrix).alpha, abs=1e-10)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(matrix=likert, column=st.integers(0, 2))
def test_reversing_through_keys_equals_pre_reversed_data(matrix: np.ndarray, column: int) -> None:
    assume(_varied(matrix))
    frame = pd.DataFrame(matrix.astype(float), columns=[f"q{i}" for i in range(matrix.shape[1])])
    keys = [f"-{c}" if i == column else c for i, c in enumerate(frame.columns)]
    pre_reversed = frame.copy()
    pre_reversed.iloc[:, column] = 6 - pre_reversed.iloc[:, column]
    through_keys = cronbach_alpha(frame, keys)
    assert through_keys.alpha == pytest.approx(cronbach_alpha(pre_reversed).alpha, abs=1e-10)
    assert through_keys.std_alpha == pytest.approx(cronbach_alpha(pre_reversed).std_alpha, abs=1e-10)


# --- psych::omega ---------------------------------------------------------------------------------


@pytest.mark.reference
def test_omega_matches_psych_on_thurstone(
    reference_dir: Path, omega_reference: dict[str, dict[str, float]]
) -> None:
    thurstone = pd.read_csv(reference_dir / "data" / "Thurstone_cor.csv", index_col=0)
    result = omega(thurstone, n_factors=3, n_obs=213)
    expected = omega_reference["Thurstone"]
    assert expected["omega_h"] == 0.736070  # the headline value of the reference README
    assert result.alpha == pytest.approx(expected["alpha"], abs=OMEGA_TOL)
    assert result.omega_h == pytest.approx(expected["omega_h"], abs=OMEGA_TOL)
    assert result.omega_total == pytest.approx(expected["omega_total"], abs=OMEGA_TOL)
    assert result.omega_limit == pytest.approx(expected["omega_lim"], abs=OMEGA_TOL)
    assert result.n_obs == 213
    summary = result.to_dict()
    assert {"alpha", "omega_h", "omega_total"} <= set(summary)
    assert set(summary["schmid_leiman"]["Sentences"]) == {"g", "F1*", "F2*", "F3*", "h2", "u2", "p2"}


@pytest.mark.reference
def test_omega_matches_psych_on_raw_holzinger_swineford(
    reference_dir: Path, omega_reference: dict[str, dict[str, float]]
) -> None:
    data = pd.read_csv(reference_dir / "data" / "HolzingerSwineford1939.csv")
    result = omega(data[[f"x{i}" for i in range(1, 10)]], n_factors=3)
    expected = omega_reference["HolzingerSwineford1939"]
    assert result.alpha == pytest.approx(expected["alpha"], abs=OMEGA_TOL)
    assert result.omega_h == pytest.approx(expected["omega_h"], abs=OMEGA_TOL)
    assert result.omega_total == pytest.approx(expected["omega_total"], abs=OMEGA_TOL)
    assert result.n_obs == 301


@pytest.mark.reference
def test_omega_matches_psych_on_bfi_five_factors_with_auto_flipped_items(
    bfi_items: pd.DataFrame, omega_reference: dict[str, dict[str, float]]
) -> None:
    result = omega(bfi_items.dropna(), n_factors=5)
    expected = omega_reference["bfi"]
    assert result.alpha == pytest.approx(expected["alpha"], abs=OMEGA_TOL)
    assert result.omega_h == pytest.approx(expected["omega_h"], abs=OMEGA_TOL)
    assert result.omega_total == pytest.approx(expected["omega_total"], abs=OMEGA_TOL)
    assert len(result.flipped_items) > 0  # reverse-keyed items load negatively on g


@pytest.mark.reference
def test_omega_matches_psych_on_the_reliabilipy_docstring_matrix(
    omega_reference: dict[str, dict[str, float]],
) -> None:
    values = [
        1.0, 0.483, 0.34, 0.18, 0.277, 0.257, -0.074, 0.212, 0.226,
        0.483, 1.0, 0.624, 0.26, 0.433, 0.301, -0.028, 0.362, 0.236,
        0.34, 0.624, 1.0, 0.24, 0.376, 0.244, 0.233, 0.577, 0.352,
        0.18, 0.26, 0.24, 1.0, 0.534, 0.654, 0.165, 0.411, 0.306,
        0.277, 0.433, 0.376, 0.534, 1.0, 0.609, 0.041, 0.3, 0.239,
        0.257, 0.301, 0.244, 0.654, 0.609, 1.0, 0.133, 0.399, 0.32,
        -0.074, -0.028, 0.233, 0.165, 0.041, 0.133, 1.0, 0.346, 0.206,
        0.212, 0.362, 0.577, 0.411, 0.3, 0.399, 0.346, 1.0, 0.457,
        0.226, 0.236, 0.352, 0.306, 0.239, 0.32, 0.206, 0.457, 1.0,
    ]  # fmt: skip
    result = omega(np.array(values).reshape(9, 9), n_factors=3)
    expected = omega_reference["reliabilipy"]
    assert result.omega_h == pytest.approx(expected["omega_h"], abs=OMEGA_TOL)
    assert result.omega_total == pytest.approx(expected["omega_total"], abs=OMEGA_TOL)
    assert result.omega_limit == pytest.approx(expected["omega_lim"], abs=OMEGA_TOL)


def test_omega_h_is_below_omega_total_and_promax_runs(reference_dir: Path) -> None:
    thurstone = pd.read_csv(reference_dir / "data" / "Thurstone_cor.csv", index_col=0)
    result = omega(thurstone, n_factors=3, rotation="promax")
    assert 0 < result.omega_h < result.omega_total < 1
    assert np.allclose(np.diag(result.phi), 1.0)


def test_omega_with_two_group_factors_splits_their_correlation_equally(reference_dir: Path) -> None:
    thurstone = pd.read_csv(reference_dir / "data" / "Thurstone_cor.csv", index_col=0)
    result = omega(thurstone, n_factors=2)
    r = float(result.phi.to_numpy()[0, 1])
    assert result.g_loadings.to_numpy() == pytest.approx([np.sqrt(abs(r)), np.sign(r) * np.sqrt(abs(r))])


# --- bad input ------------------------------------------------------------------------------------


def _good_frame() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    return pd.DataFrame(rng.integers(1, 6, size=(30, 4)).astype(float), columns=list("abcd"))


def test_non_numeric_column_is_named() -> None:
    frame = _good_frame()
    frame["b"] = frame["b"].map(lambda v: f"{v:.0f} points")
    with pytest.raises(StatsError, match="column 'b' is not numeric"):
        cronbach_alpha(frame)


def test_constant_item_is_named() -> None:
    frame = _good_frame()
    frame["c"] = 3.0
    with pytest.raises(StatsError, match="column 'c' has zero variance"):
        cronbach_alpha(frame)


def test_too_few_rows_is_refused() -> None:
    with pytest.raises(StatsError, match="at least 3 rows"):
        cronbach_alpha(_good_frame().head(2))


def test_single_item_is_refused() -> None:
    with pytest.raises(StatsError, match="at least 2 items"):
        cronbach_alpha(_good_frame()[["a"]])


def test_unknown_and_repeated_keys_are_named() -> None:
    with pytest.raises(StatsError, match="key '-z' names no column"):
        cronbach_alpha(_good_frame(), ["a", "-z"])
    with pytest.raises(StatsError, match="'a' appears more than once"):
        cronbach_alpha(_good_frame(), ["a", "-a", "b"])


def test_bad_options_are_refused() -> None:
    with pytest.raises(StatsError, match="confidence"):
        cronbach_alpha(_good_frame(), confidence=1.5)
    with pytest.raises(StatsError, match="missing"):
        cronbach_alpha(_good_frame(), missing="mean")  # type: ignore[arg-type]


def test_omega_refuses_one_factor_and_unidentified_models(reference_dir: Path) -> None:
    thurstone = pd.read_csv(reference_dir / "data" / "Thurstone_cor.csv", index_col=0)
    with pytest.raises(StatsError, match="omega_total_one_factor"):
        omega(thurstone, n_factors=1)
    with pytest.raises(StatsError, match="more than 9 items can identify"):
        omega(thurstone, n_factors=6)


def test_omega_refuses_a_non_positive_definite_matrix() -> None:
    singular = np.array([[1.0, 1.0, 0.5], [1.0, 1.0, 0.5], [0.5, 0.5, 1.0]])
    with pytest.raises(StatsError, match=r"is not \(smallest eigenvalue"):
        omega_total_one_factor(singular)
