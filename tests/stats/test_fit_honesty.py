"""Improper CFA solutions are reported as improper, never as a good fit (issue 15, point 4).

The data are built to be improper: items that correlate more across two blocks than within them
(so the two factors correlate beyond 1), and a one-factor model whose implied loading exceeds 1
(a negative residual variance). The same models on well-behaved data are proper and "fit well".
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from allypath.cli import app
from allypath.errors import StatsError
from allypath.reports._cfa_section import _one_cfa
from allypath.stats import cfa

TWO_FACTORS = "A =~ a1 + a2 + a3; B =~ b1 + b2 + b3"
ONE_FACTOR = "F =~ x1 + x2 + x3 + x4"


def _sample(cov: np.ndarray, names: list[str], seed: int = 1, n: int = 600) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(rng.multivariate_normal(np.zeros(len(names)), cov, size=n), columns=names)


def _blocks(within: float, across: float) -> pd.DataFrame:
    cov = np.full((6, 6), across)
    cov[:3, :3] = cov[3:, 3:] = within
    np.fill_diagonal(cov, 1.0)
    return _sample(cov, ["a1", "a2", "a3", "b1", "b2", "b3"])


@pytest.fixture(scope="module")
def merged() -> pd.DataFrame:
    """Factor correlation .4 / .3 = 1.33 in the population: inadmissible."""
    return _blocks(within=0.3, across=0.4)


@pytest.fixture(scope="module")
def distinct() -> pd.DataFrame:
    """Factor correlation .2 / .5 = .4: proper."""
    return _blocks(within=0.5, across=0.2)


@pytest.fixture(scope="module")
def heywood() -> pd.DataFrame:
    """x1's loading would be sqrt(.8 * .8 / .4) = 1.26 > 1: a negative residual variance."""
    cov = np.eye(4)
    cov[:3, :3] = [[1, 0.8, 0.8], [0.8, 1, 0.4], [0.8, 0.4, 1]]
    cov[3, :3] = cov[:3, 3] = 0.3
    return _sample(cov, ["x1", "x2", "x3", "x4"])


def test_a_factor_correlation_beyond_one_is_improper_although_cfi_is_high(merged: pd.DataFrame) -> None:
    result = cfa(merged, TWO_FACTORS)
    assert result.fit["cfi"] > 0.95  # the indices alone would say "fits well"
    assert not result.proper
    assert any("correlation of latent factors A and B" in reason for reason in result.improper)
    assert result.to_dict()["proper"] is False


def test_distinct_factors_are_proper(distinct: pd.DataFrame) -> None:
    result = cfa(distinct, TWO_FACTORS)
    assert result.proper and result.improper == []


def test_a_negative_residual_variance_is_improper(heywood: pd.DataFrame) -> None:
    result = cfa(heywood, ONE_FACTOR)
    assert not result.proper
    assert any("negative variance" in reason and "x1" in reason for reason in result.improper)
    assert any("standardised loading of x1" in reason for reason in result.improper)


def test_the_report_calls_an_improper_model_improper_not_a_fit(merged: pd.DataFrame) -> None:
    numbers, sentence, status, _ = _one_cfa("barriers_norms_enablers", TWO_FACTORS, merged, [])
    assert numbers["rating"] == "improper" and status == "problem"
    assert "improper solution" in sentence and "fits" not in sentence.replace("do not show that it fits", "")


def test_the_report_says_fits_well_for_a_proper_well_fitting_model(distinct: pd.DataFrame) -> None:
    numbers, sentence, status, _ = _one_cfa("barriers_norms_enablers", TWO_FACTORS, distinct, [])
    assert numbers["rating"] == "good" and status == "good"
    assert "fits well" in sentence and "improper" not in sentence


runner = CliRunner()


def test_the_cli_says_improper_on_stderr_and_in_json(merged: pd.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "merged.csv"
    merged.to_csv(path, index=False)
    shown = runner.invoke(app, ["stats", "cfa", str(path), "--model", TWO_FACTORS])
    assert shown.exit_code == 0, shown.output
    assert "improper solution" in shown.stderr and "do not show that it fits" in shown.stderr
    as_json = runner.invoke(app, ["stats", "cfa", str(path), "--model", TWO_FACTORS, "--json"])
    payload = json.loads(as_json.stdout)
    assert payload["proper"] is False and payload["improper"]


def test_the_cli_says_nothing_of_the_kind_for_a_proper_model(distinct: pd.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "distinct.csv"
    distinct.to_csv(path, index=False)
    shown = runner.invoke(app, ["stats", "cfa", str(path), "--model", TWO_FACTORS])
    assert shown.exit_code == 0 and "improper" not in shown.stderr


def test_the_cli_invariance_table_never_says_a_level_holds_after_a_failure(reference_dir: Path) -> None:
    # Holzinger-Swineford by school: scalar fails (delta CFI -.039); strict alone would "hold"
    data = reference_dir / "data" / "HolzingerSwineford1939.csv"
    model = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9"
    shown = runner.invoke(app, ["stats", "invariance", str(data), "--model", model, "--group", "school"])
    assert shown.exit_code == 0, shown.output
    rows = [line for line in shown.stdout.splitlines() if "│" in line]
    strict = next(line for line in rows if "strict" in line)
    assert "not" in strict and "holds" not in strict  # "not tested" (the cell may wrap)
    assert [line.split("│")[1].strip()[:6] for line in rows if "holds" in line] == ["config", "metric"]
    assert "Not tested, because scalar invariance does not hold: strict." in " ".join(shown.stdout.split())


def test_a_model_that_does_not_converge_is_reported_as_not_fitted(
    monkeypatch: pytest.MonkeyPatch, distinct: pd.DataFrame
) -> None:
    def no_convergence(*args: object, **kwargs: object) -> None:
        raise StatsError("the model did not converge; check the model (is it identified?) and the data")

    monkeypatch.setattr("allypath.reports._cfa_section.cfa", no_convergence)
    numbers, sentence, status, _ = _one_cfa("stages", TWO_FACTORS, distinct, [])
    assert "did not converge" in numbers["skipped"] and status != "good"
    assert "could not be fitted" in sentence and "fits" not in sentence


def _crossed(cross: float, items: int, noise: float, seed: int, n: int) -> tuple[str, pd.DataFrame]:
    """Two factors of ``items`` items each; the last item of A and the first of B also load ``cross``
    on the other factor, which the two-factor model leaves out."""
    names = [f"a{i}" for i in range(1, items + 1)] + [f"b{i}" for i in range(1, items + 1)]
    load = np.zeros((2 * items, 2))
    load[:items, 0] = load[items:, 1] = 0.7
    load[items - 1, 1] = load[items, 0] = cross
    rng = np.random.default_rng(seed)
    values = rng.normal(size=(n, 2)) @ load.T + rng.normal(size=(n, 2 * items)) * noise
    model = f"A =~ {' + '.join(names[:items])}; B =~ {' + '.join(names[items:])}"
    return model, pd.DataFrame(values, columns=names)


@pytest.mark.parametrize(
    ("cross", "items", "noise", "seed", "rating", "words"),
    [
        (0.0, 3, 0.6, 1, "good", "fits well"),
        (0.15, 4, 0.7, 2, "acceptable", "fits acceptably"),
        (0.3, 3, 0.6, 1, "poor", "fits poorly"),
    ],
)
def test_each_fit_verdict_comes_out_on_data_built_for_it(cross, items, noise, seed, rating, words) -> None:
    """The report's three ratings of a proper model, on data whose left-out cross-loadings grow:
    'fits poorly' and 'fits acceptably' had no test (a review)."""
    model, data = _crossed(cross, items, noise, seed, n=800 if items == 4 else 600)
    numbers, sentence, status, _ = _one_cfa("barriers_norms_enablers", model, data, [])
    assert numbers["rating"] == rating and words in sentence
    assert status == ("good" if rating == "good" else "caution")


@pytest.mark.parametrize(
    ("across", "words", "not_words"),
    [
        (0.485, "measure the same thing here", "two ends"),
        (-0.485, "one dimension seen from its two ends", "measure the same thing"),
        (0.2, None, "correlate at"),
    ],
)
def test_factors_correlating_near_one_either_way_are_said_to_be_one_scale_with_their_sign(
    across: float, words: str | None, not_words: str
) -> None:
    """Factor correlations of about .97, -.97 and .4 (within .5): the first two cannot be told apart,
    a positive one as the same thing, a negative one as two ends of one dimension, its sign shown."""
    cov = np.full((6, 6), across)
    cov[:3, :3] = cov[3:, 3:] = 0.5
    np.fill_diagonal(cov, 1.0)
    data = _sample(cov, ["a1", "a2", "a3", "b1", "b2", "b3"], seed=3, n=5000)
    numbers, sentence, status, _ = _one_cfa("barriers_norms_enablers", TWO_FACTORS, data, [])
    (r,) = numbers["factor_correlations"].values()
    assert numbers["rating"] != "improper" and abs(r) < 1
    assert not_words not in sentence
    if words is None:
        assert abs(r) < 0.95 and status == "good"
    else:
        assert words in sentence and f"r = {r:.2f}" in sentence and status == "caution"
