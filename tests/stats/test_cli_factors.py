"""`allypath stats factors`: KMO, Bartlett and parallel analysis as a researcher runs them before an EFA.

The JSON is the library's results (psych's numbers on bfi); each verdict it prints is shown coming out
the other way on data built for it: three real factors against pure noise.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from allypath.cli import app
from allypath.stats.factorability import adequacy_label, bartlett_sphericity, kmo, parallel_analysis

runner = CliRunner()


def run(*args: object):
    return runner.invoke(app, ["stats", "factors", *(str(a) for a in args)])


def run_json(*args: object) -> dict:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def three_factors(tmp_path_factory) -> Path:
    """600 people, 9 items in three clear groups of three (loadings .75), one noise item apart."""
    rng = np.random.default_rng(3)
    latent = rng.normal(size=(600, 3))
    items = {
        f"q{3 * f + i + 1}": 0.75 * latent[:, f] + np.sqrt(1 - 0.75**2) * rng.normal(size=600)
        for f in range(3)
        for i in range(3)
    }
    path = tmp_path_factory.mktemp("three") / "three.csv"
    pd.DataFrame({"respondent_id": [f"r{i}" for i in range(600)], **items}).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def noise(tmp_path_factory) -> Path:
    """300 people answering 8 unrelated items: nothing to factor. (On noise, parallel analysis keeps a
    factor by chance about one time in twenty, as psych's does; this seed's data is one of the others.)"""
    rng = np.random.default_rng(2)
    path = tmp_path_factory.mktemp("noise") / "noise.csv"
    pd.DataFrame(rng.normal(size=(300, 8)), columns=[f"q{i}" for i in range(1, 9)]).to_csv(path, index=False)
    return path


@pytest.mark.reference
def test_the_json_is_the_librarys_results_with_psychs_numbers_on_bfi(reference_dir: Path, tmp_path: Path):
    items = pd.read_csv(reference_dir / "data" / "bfi.csv", index_col=0).iloc[:, :25].dropna()
    path = tmp_path / "bfi_complete.csv"
    items.to_csv(path, index=False)
    out = run_json(path, "--iterations", 40, "--seed", 1)
    assert out["kmo"]["overall"] == pytest.approx(0.8486452, abs=1e-6)  # psych::KMO
    adequacy, parallel = kmo(items).to_dict(), parallel_analysis(items, n_iter=40, seed=1).to_dict()
    assert out["kmo"]["per_item"] == pytest.approx(adequacy["per_item"])
    assert out["bartlett"] == pytest.approx(bartlett_sphericity(items).to_dict())
    for key in ("observed", "simulated"):
        assert out["parallel"][key] == pytest.approx(parallel[key])
    assert out["parallel"]["n_factors"] == 5  # the big five
    assert "meritorious" in out["verdicts"][0]


def test_three_real_factors_are_found_worth_factoring_and_kept(three_factors: Path):
    result = run(three_factors, "--iterations", 50)
    assert result.exit_code == 0, result.output
    said = " ".join(result.stdout.split())
    assert "the items share enough variance for a factor analysis" in said
    assert "Bartlett's test tells these correlations apart from none (p < 0.001)" in said
    assert "Parallel analysis keeps 3 factors: the 3 largest eigenvalues are larger than 95%" in said
    assert f"allypath stats efa {three_factors} --factors 3" in said  # runs as printed


def test_noise_is_found_not_worth_factoring_and_no_factor_is_kept(noise: Path):
    """The same verdicts, the other way: built so that each must."""
    out = run_json(noise, "--iterations", 50)
    assert out["parallel"]["n_factors"] == 0
    assert out["kmo"]["overall"] < 0.6 and out["bartlett"]["pvalue"] >= 0.05
    kmo_said, bartlett_said, parallel_said = out["verdicts"]
    assert "share too little variance for a factor analysis to be trusted" in kmo_said
    assert "cannot tell these correlations apart from none" in bartlett_said
    assert parallel_said.startswith("Parallel analysis keeps no factor: not even the largest eigenvalue")
    assert "share little with the others" in kmo_said  # items whose own adequacy is below 0.5


def test_kaisers_words_change_at_their_bounds():
    assert [adequacy_label(v) for v in (0.95, 0.9, 0.89, 0.8, 0.7, 0.6, 0.5, 0.49)] == [
        "marvellous",
        "marvellous",
        "meritorious",
        "meritorious",
        "middling",
        "mediocre",
        "miserable",
        "unacceptable",
    ]


def test_the_scree_chart_is_an_accessible_svg_that_says_what_it_shows(three_factors: Path, tmp_path: Path):
    chart = tmp_path / "scree.svg"
    result = run(three_factors, "--iterations", 20, "--chart", chart)
    assert result.exit_code == 0, result.output
    svg = chart.read_text(encoding="utf-8")
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "parallel analysis keeps 3 factors" in svg
    assert [p.name for p in tmp_path.iterdir()] == ["scree.svg"]  # no temporary file left


@pytest.mark.parametrize(
    ("chart", "said"),
    [
        ("scree.png", "the scree chart is written as SVG"),
        ("no/such/folder/scree.svg", "does not exist"),
    ],
)
def test_a_chart_it_cannot_write_is_refused_before_any_work(three_factors: Path, tmp_path: Path, chart, said):
    result = run(three_factors, "--chart", tmp_path / chart)
    assert result.exit_code == 2
    assert said in result.stderr and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_text_items_and_unknown_columns_are_named(three_factors: Path):
    result = run(three_factors, "--items", "q1,q2,respondent_id")
    assert result.exit_code == 2 and "respondent_id" in result.stderr
    result = run(three_factors, "--items", "q1,q2,q99")
    assert result.exit_code == 2 and "q99" in result.stderr
