"""`allypath stats lca --classes 1-5` (and `lpa --profiles 1-4`): how many classes, as a researcher asks.

The table is the library's `compare_latent` (poLCA's log-likelihoods on the carcinoma data); every
verdict it prints is shown coming out the other way on data built for it.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from allypath.cli import app
from allypath.cli.stats_compare import comparison_verdicts
from allypath.stats import compare_latent

runner = CliRunner()


def run(*args: object):
    return runner.invoke(app, ["stats", *(str(a) for a in args)])


def run_json(*args: object) -> dict:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _classes(path: Path, shares: list[float], rng: np.random.Generator, n: int = 500) -> Path:
    """``n`` people in latent classes of ``shares``, answering 6 yes/no items (1 = no, 2 = yes) with a
    probability of yes that differs by class: .9/.1 patterns, so the classes are clearly apart."""
    patterns = [[0.9] * 6, [0.1] * 6, [0.9, 0.9, 0.9, 0.1, 0.1, 0.1]][: len(shares)]
    group = rng.choice(len(shares), size=n, p=shares)
    yes = rng.random((n, 6)) < np.asarray(patterns)[group]
    pd.DataFrame(1 + yes.astype(int), columns=[f"i{j}" for j in range(1, 7)]).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def carcinoma(reference_dir: Path) -> Path:
    return reference_dir / "data" / "poLCA_carcinoma.csv"


@pytest.mark.reference
def test_the_table_is_compare_latent_with_polcas_log_likelihood(carcinoma: Path):
    out = run_json("lca", carcinoma, "--classes", "1-5", "--n-init", 10)
    frame = pd.read_csv(carcinoma)
    expected = compare_latent(frame, range(1, 6), kind="class", n_init=10, seed=0)
    assert [row["k"] for row in out["comparison"]] == [1, 2, 3, 4, 5]
    assert [row["bic"] for row in out["comparison"]] == pytest.approx(expected["bic"].tolist())
    three = out["comparison"][2]
    assert three["loglik"] == pytest.approx(-293.705, abs=1e-3)  # poLCA, 3 classes
    assert out["lowest_bic"] == 3 and three["lowest_bic"]
    assert out["verdicts"][0].endswith("is lowest with 3 classes.")


def test_two_true_classes_are_found_and_one_class_data_keeps_one(tmp_path: Path):
    rng = np.random.default_rng(11)
    two = run_json("lca", _classes(tmp_path / "two.csv", [0.6, 0.4], rng), "--classes", "1-4", "--n-init", 5)
    assert two["lowest_bic"] == 2
    assert not any("still falling" in said for said in two["verdicts"])
    one = run_json("lca", _classes(tmp_path / "one.csv", [1.0], rng), "--classes", "1-4", "--n-init", 5)
    assert one["lowest_bic"] == 1
    assert one["verdicts"] == [
        "BIC (lower is better: it weighs the fit against the number of parameters) is lowest with 1 class."
    ]


def test_a_range_that_stops_too_soon_says_to_try_more(tmp_path: Path):
    rng = np.random.default_rng(12)
    data = _classes(tmp_path / "three.csv", [0.4, 0.3, 0.3], rng, n=900)
    out = run_json("lca", data, "--classes", "1-2", "--n-init", 5)
    assert out["lowest_bic"] == 2
    assert "2 is the largest count tried and BIC is still falling: try more classes" in out["verdicts"][1]
    wider = run_json("lca", data, "--classes", "1-4", "--n-init", 5)
    assert wider["lowest_bic"] == 3 and not any("still falling" in said for said in wider["verdicts"])


def _row(k: int, bic: float, entropy: float, smallest: float) -> dict:
    return {"k": k, "bic": bic, "entropy": entropy, "smallest_share": smallest}


def test_entropy_and_small_group_warnings_come_both_ways():
    rows = [_row(1, 900.0, float("nan"), 1.0), _row(2, 800.0, 0.91, 0.30), _row(3, 850.0, 0.6, 0.02)]
    clear = comparison_verdicts(rows, "class")
    assert "people are classified with little doubt" in clear[1] and len(clear) == 2
    rows[1] = _row(2, 800.0, 0.62, 0.03)
    doubtful = comparison_verdicts(rows, "class")
    assert "many people sit between groups" in doubtful[1]
    assert doubtful[2].startswith("Its smallest class holds 3.0% of people")


def test_latent_profiles_compare_the_same_way(tmp_path: Path):
    rng = np.random.default_rng(4)
    x = np.vstack([rng.normal(0, 1, (200, 3)), rng.normal(3, 1, (200, 3))])
    path = tmp_path / "profiles.csv"
    pd.DataFrame(x, columns=["a", "b", "c"]).to_csv(path, index=False)
    out = run_json("lpa", path, "--profiles", "1-4", "--n-init", 3)
    assert out["lowest_bic"] == 2 and out["covariance"] == "diag"
    result = run("lpa", path, "--profiles", "1-3", "--n-init", 3)
    assert result.exit_code == 0 and "How many profiles?" in result.stdout


def test_the_chart_is_an_accessible_svg_naming_the_lowest(carcinoma: Path, tmp_path: Path):
    chart = tmp_path / "bic.svg"
    result = run("lca", carcinoma, "--classes", "1-4", "--n-init", 5, "--chart", chart)
    assert result.exit_code == 0, result.output
    svg = chart.read_text(encoding="utf-8")
    assert svg.startswith("<svg") and 'role="img"' in svg and "it is lowest at 3" in svg


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--classes", "three"), "--classes takes a number (3) or a range of numbers (1-6), not 'three'"),
        (("--classes", "5-2"), "the smaller first"),
        (("--classes", "0-3"), "at least 1"),
        (("--classes", "1-40"), "at most 12 counts"),
        (("--classes", "3", "--chart", "bic.svg"), "--chart compares counts: give --classes a range"),
        (("--classes", "1-3", "--chart", "bic.png"), "the chart is written as SVG"),
    ],
)
def test_bad_counts_and_charts_are_refused_before_any_fit(carcinoma: Path, tmp_path: Path, args, said):
    args = tuple(str(tmp_path / a) if a.startswith("bic.") else a for a in args)
    result = run("lca", carcinoma, *args)
    assert result.exit_code == 2, result.output
    assert said in " ".join(result.stderr.split()) and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_one_count_still_fits_one_model(carcinoma: Path):
    out = run_json("lca", carcinoma, "--classes", "3", "--n-init", 5)
    assert out["loglik"] == pytest.approx(-293.705, abs=1e-3) and "comparison" not in out


def test_the_table_fits_an_80_column_terminal_without_cutting_a_figure(tmp_path: Path, monkeypatch):
    """Five-digit log-likelihoods and BICs: none cut to "13690.…" at 80 columns."""
    from allypath.cli import _common

    monkeypatch.setattr(_common.console, "width", 80)
    rng = np.random.default_rng(5)
    scores = pd.DataFrame(rng.normal(size=(1500, 3)) * 4 + 10, columns=["a", "b", "c"])
    scores.to_csv(tmp_path / "scores.csv", index=False)
    result = run("lpa", tmp_path / "scores.csv", "--profiles", "1-3")
    assert result.exit_code == 0, result.output
    out = json.loads(run("lpa", tmp_path / "scores.csv", "--profiles", "1-3", "--json").stdout)
    table = result.stdout[: result.stdout.index("* lowest BIC")]
    assert "…" not in table and max(len(line) for line in table.splitlines()) <= 80
    for row in out["comparison"]:
        assert f"{row['bic']:.2f}" in table and f"{row['loglik']:.2f}" in table
