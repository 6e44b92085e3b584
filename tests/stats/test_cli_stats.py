"""`allypath stats ...`, `allypath calibrate` and `allypath methods` as a user runs them: the JSON is
the library's result (and so R's numbers on the reference data), errors exit 2 with one line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
import yaml
from typer.testing import CliRunner

import allypath
from allypath.cli.methods import calibrate, methods
from allypath.cli.stats import stats_app
from allypath.stats import FactorAnalysis, cronbach_alpha, latent_class, latent_profile

# The stats group, calibrate and methods, as the main CLI registers them.
app = typer.Typer()
app.add_typer(stats_app, name="stats")
app.command()(calibrate), app.command()(methods)

runner = CliRunner()
HS_MODEL = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9"


def run(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def run_json(*args: object) -> dict:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def data(reference_dir: Path) -> Path:
    return reference_dir / "data"


@pytest.fixture(scope="module")
def bfi(data: Path) -> Path:
    # R's write.csv output: the first column holds row names under an empty header
    return data / "bfi.csv"


@pytest.fixture(scope="module")
def simulated(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sim") / "responses.parquet"
    allypath.simulate(900, seed=12).to_parquet(path)
    return path


def test_reliability_json_is_psych_alpha_with_reverse_keys(bfi: Path):
    out = run_json("stats", "reliability", bfi, "--items=-A1,A2,A3,A4,A5")
    assert out["alpha"] == pytest.approx(0.703018446057304, abs=1e-6)  # psych::alpha, pairwise
    assert out["std_alpha"] == pytest.approx(0.713028578671272, abs=1e-6)
    assert out["reversed_items"] == ["A1"] and out["k"] == 5
    direct = cronbach_alpha(pd.read_csv(bfi, index_col=0), ["-A1", "A2", "A3", "A4", "A5"])
    assert out["alpha"] == direct.alpha and out["omega_total"] == direct.omega_total
    assert 0 < out["omega_h"] < out["omega_total"] and out["omega_h_factors"] == 2


def test_r_write_csv_row_names_are_dropped_with_a_note_on_stderr(bfi: Path):
    result = run("stats", "reliability", bfi, "--json")  # every numeric column, so row names would show
    assert result.exit_code == 0, result.output
    assert "row names" in result.stderr and str(bfi) in result.stderr
    out = json.loads(result.stdout)
    # 25 items plus gender, education and age; the row names (61617, ...) are not an item
    assert out["k"] == 28 and "" not in out["item_stats"]


def test_reliability_of_an_instrument_construct_takes_its_reverse_keys(simulated: Path):
    out = run_json("stats", "reliability", simulated, "--construct", "stage_energised")
    frame = pd.read_parquet(simulated)[[f"en{i}" for i in range(1, 7)]]
    keys = ["en1", "en2", "en3", "en4", "en5", "-en6"]
    # en4 offers "does not apply to me" (0): missing, as every score counts it, not a rating below 1
    assert (frame["en4"] == 0).sum() > 0
    direct = cronbach_alpha(frame.replace({"en4": {0: float("nan")}}), keys)
    assert out["reversed_items"] == ["en6"] and out["construct"] == "stage_energised"
    assert out["alpha"] == pytest.approx(direct.alpha, abs=1e-12)
    assert out["alpha"] != pytest.approx(cronbach_alpha(frame, keys).alpha, abs=1e-6)


def test_reliability_prints_a_rich_table(bfi: Path):
    result = run("stats", "reliability", bfi, "--items=-A1,A2,A3,A4,A5")
    assert result.exit_code == 0, result.output
    assert "alpha (raw)" in result.stdout and "0.703" in result.stdout and "A1" in result.stdout


def test_efa_json_equals_the_library(bfi: Path):
    items = [f"{t}{i}" for t in "ACENO" for i in range(1, 6)]
    out = run_json("stats", "efa", bfi, "--factors", 5, "--rotation", "oblimin", "--items", ",".join(items))
    direct = FactorAnalysis(5, "minres", "oblimin").fit(pd.read_csv(bfi)[items]).to_dict()
    assert out["n_factors"] == 5 and out["rotation"] == "oblimin" and out["method"] == "minres"
    assert out["loadings"]["N1"] == pytest.approx(direct["loadings"]["N1"], abs=1e-12)
    assert out["eigenvalues"][0] == pytest.approx(direct["eigenvalues"][0])


def test_cfa_json_reproduces_lavaan_on_holzinger_swineford(data: Path):
    out = run_json("stats", "cfa", data / "HolzingerSwineford1939.csv", "--model", HS_MODEL)
    fit = out["fit"]
    assert fit["chisq"] == pytest.approx(85.305522, rel=1e-5)
    assert fit["df"] == 24
    assert fit["cfi"] == pytest.approx(0.9305597, abs=1e-4) and fit["tli"] == pytest.approx(
        0.8958395, abs=1e-4
    )
    assert fit["rmsea"] == pytest.approx(0.0921215, abs=1e-4) and fit["srmr"] == pytest.approx(
        0.0652051, abs=1e-4
    )
    assert fit["gfi"] == pytest.approx(0.9433321, abs=1e-4) and fit["loglik"] == pytest.approx(
        -3737.7449, abs=1e-3
    )
    assert fit["aic"] == pytest.approx(7517.490, abs=1e-2) and fit["bic"] == pytest.approx(7595.339, abs=1e-2)
    loadings = [e for e in out["estimates"] if e["op"] == "=~"]
    assert len(loadings) == 9


def test_cfa_prints_fit_and_loadings(data: Path):
    result = run("stats", "cfa", data / "HolzingerSwineford1939.csv", "--model", HS_MODEL)
    assert result.exit_code == 0, result.output
    assert "85.306" in result.stdout and "visual" in result.stdout


def test_cfa_says_how_the_model_fits_and_the_verdict_comes_both_ways(data: Path, tmp_path: Path):
    """Holzinger-Swineford's three factors miss the cut-offs on RMSEA (.092): "fits poorly"; the same
    model on data drawn from it: "fits well"."""
    said = " ".join(
        run("stats", "cfa", data / "HolzingerSwineford1939.csv", "--model", HS_MODEL).stdout.split()
    )
    assert "The model fits poorly by the usual cut-offs (CFI 0.931, RMSEA 0.092, SRMR 0.065;" in said
    assert "CFI at least 0.95, RMSEA at most 0.06 and SRMR at most 0.08 for a good fit" in said
    rng = np.random.default_rng(8)
    factors = rng.multivariate_normal([0, 0, 0], [[1, 0.3, 0.2], [0.3, 1, 0.3], [0.2, 0.3, 1]], size=1500)
    drawn = {
        f"x{3 * f + i + 1}": 0.7 * factors[:, f] + 0.7 * rng.normal(size=1500)
        for f in range(3)
        for i in range(3)
    }
    path = tmp_path / "drawn.csv"
    pd.DataFrame(drawn).to_csv(path, index=False)
    out = run_json("stats", "cfa", path, "--model", HS_MODEL)
    assert out["fit_rating"] == "good" and out["verdict"].startswith(
        "The model fits well by the usual cut-offs"
    )
    poor = run_json("stats", "cfa", data / "HolzingerSwineford1939.csv", "--model", HS_MODEL)
    assert poor["fit_rating"] == "poor"


def test_a_model_without_degrees_of_freedom_is_not_said_to_fit(data: Path):
    """One factor of three items has df 0: CFI 1, RMSEA 0 and SRMR 0 whatever the data, so no rating;
    a fourth item gives it degrees of freedom and a rating again."""
    hs = data / "HolzingerSwineford1939.csv"
    out = run_json("stats", "cfa", hs, "--model", "visual =~ x1 + x2 + x3")
    assert out["df"] == 0 and out["fit_rating"] is None
    assert out["verdict"].startswith("The model has no degrees of freedom (df 0)")
    assert "fits well" not in out["verdict"]
    four = run_json("stats", "cfa", hs, "--model", "visual =~ x1 + x2 + x3 + x4")
    assert four["df"] == 2 and four["fit_rating"] in ("good", "acceptable", "poor")


@pytest.mark.parametrize(
    ("cfi", "rmsea", "srmr", "rating"),
    [
        (0.95, 0.06, 0.08, "good"),
        (0.96, 0.061, 0.05, "acceptable"),
        (0.90, 0.08, 0.10, "acceptable"),
        (0.899, 0.05, 0.05, "poor"),
        (0.97, 0.05, 0.101, "poor"),
    ],
)
def test_the_fit_rating_changes_at_each_cut_off(cfi, rmsea, srmr, rating):
    from allypath.stats.fit_indices import fit_rating

    assert fit_rating({"cfi": cfi, "rmsea": rmsea, "srmr": srmr}) == rating


def test_invariance_json_has_the_contract_shape_and_lavaan_values(data: Path, reference_dir: Path):
    out = run_json(
        "stats", "invariance", data / "HolzingerSwineford1939.csv", "--model", HS_MODEL, "--group", "school"
    )
    expected = pd.read_csv(reference_dir / "expected" / "ref_lavaan_HS_invariance_school.csv", index_col=0)
    assert [level["level"] for level in out["levels"]] == ["configural", "metric", "scalar", "strict"]
    for level in out["levels"]:
        ref = expected.loc[level["level"]]
        assert level["chisq"] == pytest.approx(ref["chisq"], abs=1e-3)
        assert level["df"] == ref["df"]
        assert level["cfi"] == pytest.approx(ref["cfi"], abs=1e-4)
        assert level["rmsea"] == pytest.approx(ref["rmsea"], abs=1e-4)
        assert level["srmr"] == pytest.approx(ref["srmr"], abs=1e-4)
    assert isinstance(out["verdict"], str) and out["supported_level"] == "metric"


def test_lca_json_reproduces_polca(data: Path):
    out = run_json("stats", "lca", data / "poLCA_carcinoma.csv", "--classes", 3)
    assert out["loglik"] == pytest.approx(-293.704978780759, abs=1e-3)
    assert out["bic"] == pytest.approx(697.135703924229, abs=1e-2)
    assert out["npar"] == 23 and out["n"] == 118
    assert out["shares"] == pytest.approx([0.4447, 0.3736, 0.1817], abs=1e-3)
    assert {"item", "category", "class", "probability"} <= set(out["item_probabilities"][0])


def test_lca_items_option_selects_columns(data: Path):
    out = run_json("stats", "lca", data / "poLCA_carcinoma.csv", "--classes", 2, "--items", "A,B,C,D")
    direct = latent_class(pd.read_csv(data / "poLCA_carcinoma.csv")[list("ABCD")], 2)
    assert out["loglik"] == pytest.approx(direct.loglik, abs=1e-9)


def test_lpa_json_equals_the_library(data: Path):
    out = run_json(
        "stats", "lpa", data / "HolzingerSwineford1939.csv", "--profiles", 2, "--items", "x1,x4,x7"
    )
    direct = latent_profile(pd.read_csv(data / "HolzingerSwineford1939.csv")[["x1", "x4", "x7"]], 2)
    assert out["loglik"] == pytest.approx(direct.loglik, abs=1e-6)
    assert out["bic"] == pytest.approx(direct.bic, abs=1e-6) and out["model"] == "VVI"
    assert out["means"]["profile_1"] == pytest.approx(direct.means.loc["profile_1"].tolist())


@pytest.mark.parametrize(
    ("args", "cause"),
    [
        (("stats", "cfa", "{hs}", "--model", "visual =~ x1 + + x2"), "line 1"),
        (
            ("stats", "cfa", "{hs}", "--model", "visual =~ x1 + x2 + nothere"),
            "HolzingerSwineford1939.csv, column 'nothere': the model uses variables that are not in the data: nothere",
        ),
        (
            ("stats", "invariance", "{hs}", "--model", "visual =~ x1 + x2 + zz", "--group", "school"),
            "HolzingerSwineford1939.csv, column 'zz': the model uses variables that are not in the data: zz",
        ),
        (("stats", "reliability", "{hs}", "--items=x1,-zz"), "unknown column(s) zz"),
        (("stats", "reliability", "{hs}", "--construct", "stage_nope"), "unknown construct 'stage_nope'"),
        (("stats", "efa", "{missing}", "--factors", "1"), "no such file"),
        (
            ("stats", "invariance", "{hs}", "--model", "visual =~ x1 + x2 + x3", "--group", "nogroup"),
            "nogroup",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line_naming_the_cause(data: Path, tmp_path: Path, args, cause):
    paths = {"hs": data / "HolzingerSwineford1939.csv", "missing": tmp_path / "absent.csv"}
    result = run(*[a.format(**paths) for a in args])
    assert result.exit_code == 2
    assert cause in result.stderr
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "Traceback" not in result.output


def test_non_positive_definite_constant_and_tiny_data_are_refused(tmp_path: Path):
    rng = pd.Series(range(40), dtype=float)
    frame = pd.DataFrame({"a": rng % 7, "b": (rng * 3) % 5, "c": rng % 4})
    frame["d"] = frame["a"] + frame["b"]  # a sum of others: singular covariance
    frame["k"] = 3.0  # constant
    frame.to_csv(tmp_path / "x.csv", index=False)
    frame.head(3).to_csv(tmp_path / "tiny.csv", index=False)
    cases = [
        (("stats", "cfa", tmp_path / "x.csv", "--model", "f =~ a + b + c + d"), "not positive definite"),
        (("stats", "cfa", tmp_path / "x.csv", "--model", "f =~ a + b + k"), "constant"),
        (("stats", "cfa", tmp_path / "tiny.csv", "--model", "f =~ a + b + c"), "too few rows"),
        (("stats", "reliability", tmp_path / "x.csv", "--items", "a,k"), "k"),
    ]
    for args, cause in cases:
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert cause in result.stderr and result.stderr.strip().count("\n") == 0, result.stderr


def test_calibrate_writes_a_model_that_score_uses(tmp_path: Path):
    from allypath.cli import app as main_app

    source = tmp_path / "responses.csv"
    allypath.simulate(1500, seed=31).to_csv(source, index=False)
    model = tmp_path / "model.yaml"
    out = run_json("calibrate", source, "--out", model, "--bootstrap", 0)
    raw = yaml.safe_load(model.read_text())
    assert raw["fit_report"]["structure"]["verdict"] == "stages"  # stage data: calibrated as asked
    assert raw["id"] == "stage-ordinal" and raw["version"].startswith("1.0.0+cal.")
    assert raw["fit_report"]["n_placed"] == out["fit_report"]["n_placed"] > 1400
    assert out["model"] == f"stage-ordinal {raw['version']}"
    scored = tmp_path / "scored.csv"
    result = runner.invoke(main_app, ["score", str(source), "--model", str(model), "--out", str(scored)])
    assert result.exit_code == 0, result.output
    assert set(pd.read_csv(scored)["scoring_model"]) == {out["model"]}


def test_calibrate_prints_a_summary(tmp_path: Path, simulated: Path):
    result = run("calibrate", simulated, "--out", tmp_path / "m.yaml", "--bootstrap", 0)
    assert result.exit_code == 0, result.output
    assert "log-likelihood, calibrated" in result.stdout and "Stage mix" in result.stdout
    assert "structure test" in result.stdout


def test_calibrate_refuses_too_little_data_and_writes_nothing(tmp_path: Path):
    source = tmp_path / "few.csv"
    allypath.simulate(120, seed=1).to_csv(source, index=False)
    result = run("calibrate", source, "--out", tmp_path / "m.yaml")
    assert result.exit_code == 2 and "at least 200 respondents" in result.stderr
    assert not (tmp_path / "m.yaml").exists()


@pytest.fixture(scope="module")
def continuum(tmp_path_factory) -> Path:
    from allypath.synth.continuum import simulate_continuum

    path = tmp_path_factory.mktemp("continuum") / "continuum.csv"
    simulate_continuum(1000, seed=4).to_csv(path, index=False)
    return path


def test_calibrate_refuses_data_without_stages_and_writes_nothing(tmp_path: Path, continuum: Path):
    result = run("calibrate", continuum, "--out", tmp_path / "m.yaml", "--bootstrap", 0)
    assert result.exit_code == 2, result.output
    assert (
        "not calibrating" in result.stderr and "'continuum'" in result.stderr and "--force" in result.stderr
    )
    assert not (tmp_path / "m.yaml").exists()


def test_calibrate_with_force_warns_and_the_model_file_carries_the_warning(tmp_path: Path, continuum: Path):
    model = tmp_path / "m.yaml"
    result = run("calibrate", continuum, "--out", model, "--bootstrap", 0, "--force")
    assert result.exit_code == 0, result.output
    assert "warning: calibrated with --force" in result.stderr
    structure = yaml.safe_load(model.read_text())["fit_report"]["structure"]
    assert structure["verdict"] == "continuum" and structure["forced"] is True
    assert "not supported by the data" in structure["warning"]


@pytest.mark.parametrize(("fixture", "verdict"), [("simulated", "stages"), ("continuum", "continuum")])
def test_validate_json_prints_the_structure_verdict_first(request, fixture: str, verdict: str):
    result = run("methods", request.getfixturevalue(fixture), "--json", "--bootstrap", 0, "--groups", "")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert next(iter(out)) == "structure"
    assert out["structure"]["verdict"] == verdict
    assert {"models", "comparisons", "bootstrap", "n"} <= set(out["structure"]["evidence"])
    winner = {"stages": "4 stages", "continuum": "continuum"}[verdict]
    assert out["structure"]["evidence"]["comparisons"]["4 stages vs continuum"]["favours"] == winner
    section = next(s for s in out["sections"] if s["key"] == "structure")
    assert section["verdict"].startswith(f"Verdict: {verdict}.")


def test_validate_needs_an_out_file_or_json(simulated: Path):
    result = run("methods", simulated)
    assert result.exit_code == 2 and "--json" in result.stderr


def test_validate_writes_the_html_report(tmp_path: Path, simulated: Path):
    out = tmp_path / "methods.html"
    result = run("methods", simulated, "--out", out, "--groups", "org", "--bootstrap", 0)
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "<svg" in page and "Reliability of the scales" in page and "Measurement invariance" in page
    assert "wrote the methods report" in result.stdout


def test_validate_refuses_an_unknown_report_format(tmp_path: Path, simulated: Path):
    result = run("methods", simulated, "--out", tmp_path / "methods.docx")
    assert result.exit_code == 2 and ".html or .pdf" in result.stderr


def test_lca_reports_each_iteration_and_the_starts_that_converged(data: Path):
    frame = pd.read_csv(data / "poLCA_carcinoma.csv")
    seen: list[tuple[int, int]] = []
    watched = latent_class(frame, 3, n_init=5, progress=lambda i, stopped: seen.append((i, stopped)))
    quiet = latent_class(frame, 3, n_init=5)
    assert watched.loglik == quiet.loglik  # watching changes nothing
    assert [i for i, _ in seen] == list(range(1, len(seen) + 1))
    stopped = [s for _, s in seen]
    assert stopped == sorted(stopped) and stopped[0] < 5 and stopped[-1] == 5


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("lca", "poLCA_carcinoma.csv", "--classes", 3, "--n-init", 4), "of 4 starts converged"),
        (("lpa", "HolzingerSwineford1939.csv", "--profiles", 2, "--items", "x1,x4,x7"), "fitting 2 profiles"),
        (("efa", "HolzingerSwineford1939.csv", "--factors", 2, "--items", "x1,x2,x3,x4,x5,x6"), "fitting 2"),
        (("cfa", "HolzingerSwineford1939.csv", "--model", HS_MODEL), "fitting the model"),
    ],
)
def test_a_fit_shows_a_progress_bar_on_stderr_and_keeps_stdout_clean(
    data: Path, monkeypatch, args: tuple, words: str
):
    """Long fits (an LCA with 10 starts on 100,000 rows takes about 45 s) say what they are doing."""
    import io

    from rich.console import Console

    import allypath.cli._common as common

    screen = io.StringIO()
    monkeypatch.setattr(common, "err", Console(file=screen, force_terminal=True, width=200))
    command, file, *rest = args
    out = run_json("stats", command, data / file, *rest)
    assert out  # the JSON on stdout is whole
    assert words in screen.getvalue()


def test_reliability_says_why_omega_hierarchical_is_missing_on_a_short_scale(data: Path):
    hs = data / "HolzingerSwineford1939.csv"
    short = " ".join(run("stats", "reliability", hs, "--items", "x1,x2,x3").stdout.split())
    assert "omega hierarchical (needs at least 5 items)" in short
    long = " ".join(run("stats", "reliability", hs, "--items", "x1,x2,x3,x4,x5,x6").stdout.split())
    assert "omega hierarchical (3 group factors)" in long and "needs at least" not in long
