"""The methods report on 5,000 simulated respondents: its numbers are the `stats` functions' numbers,
the HTML shows them, the PDF renders and every chart is accessible. (How long it takes is a
measurement, not a unit test: docs/methods.md, "Speed".)"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import allypath
from allypath.errors import StatsError
from allypath.instrument import NOT_APPLICABLE
from allypath.reports import (
    Chart,
    MethodsReport,
    bar_chart,
    heatmap,
    line_chart,
    methods_report,
    stacked_bar_chart,
    stage_cfa_model,
)
from allypath.reports.labels import construct_name
from allypath.stats import (
    FactorAnalysis,
    calibrate,
    cfa,
    compare_latent,
    cronbach_alpha,
    kmo,
    measurement_invariance,
    parallel_analysis,
    stages_vs_continuum,
)
from pdf_tags import assert_accessible, chart_titles

N = 5000
SEED = 0


@pytest.fixture(scope="module")
def responses() -> pd.DataFrame:
    return allypath.simulate(N, seed=77)


@pytest.fixture(scope="module")
def report(responses: pd.DataFrame) -> MethodsReport:
    # The structure test's bootstrap (19 draws by default) is exercised in test_structure.py.
    return methods_report(responses, calibrate=True, seed=SEED, structure_bootstrap=0)


@pytest.fixture(scope="module")
def html(report: MethodsReport) -> str:
    return report.to_html()


@pytest.fixture(scope="module")
def reversed_items(responses: pd.DataFrame) -> pd.DataFrame:
    instrument = allypath.load_instrument()
    out = {}
    for item in instrument.items:
        if item.type == "likert" and item.id in responses.columns:
            assert item.scale is not None
            values = responses[item.id].astype(float)
            if item.not_applicable is not None:  # "does not apply to me" (0) is missing, as scoring reads it
                values = values.mask(values == NOT_APPLICABLE)
            out[item.id] = item.scale.min + item.scale.max - values if item.reverse else values
    return pd.DataFrame(out)


# Each stage scale's items in psych's key notation ("-" marks a reverse-keyed item), from the
# instrument, so the tests follow its versions.
STAGE_KEYS = {
    construct.id: [
        ("-" if item.reverse else "") + item.id for item in construct.items if item.type == "likert"
    ]
    for construct in allypath.load_instrument().constructs_of("stage")
}


def test_sections_in_order_each_with_a_verdict(report: MethodsReport):
    keys = [s.key for s in report.sections]
    assert keys == [
        "sample", "items", "reliability", "efa", "cfa", "invariance", "dif", "structure", "classification",
        "retest", "latent", "calibration",
    ]  # fmt: skip
    for section in report.sections:
        assert section.status in {"good", "caution", "problem", "info", "skipped"}
        assert len(section.verdict) > 40, section.key
    assert len(report.headlines()) == len(keys)


def test_sample_numbers(report: MethodsReport, responses: pd.DataFrame):
    sample = report.data["sample"]
    scored = allypath.score(responses)
    assert sample["n_rows"] == N
    assert sample["n_placed"] == int((scored["status"] == "scored").sum())
    assert sample["missing_by_item"]["ap1"] == pytest.approx(responses["ap1"].isna().mean())
    assert sample["group_sizes"]["org"] == responses["org"].value_counts().to_dict()
    # the sentence accounts for every response once: placed, set aside, too few answers
    said = next(s for s in report.sections if s.key == "sample").verdict
    counts = re.match(
        r"([\d,]+) responses: ([\d,]+) \(\d+%\) placed.*?, ([\d,]+) set aside.*? and ([\d,]+) with", said
    )
    assert counts is not None, said
    total, placed, aside, too_few = (int(c.replace(",", "")) for c in counts.groups())
    assert total == N == placed + aside + too_few and placed == sample["n_placed"]
    assert aside == int((scored["status"] == "suspect").sum()) and "reason column" not in said


def test_reliability_equals_cronbach_alpha(report: MethodsReport, responses: pd.DataFrame):
    offered = {i.id for i in allypath.load_instrument().items if i.not_applicable is not None}
    for scale, keys in STAGE_KEYS.items():
        columns = [k.lstrip("-") for k in keys]
        rated = responses[columns].astype(float)
        for column in offered.intersection(columns):  # "does not apply to me" is missing
            rated[column] = rated[column].mask(rated[column] == NOT_APPLICABLE)
        direct = cronbach_alpha(rated, keys)
        got = report.data["reliability"][scale]
        assert got["alpha"] == pytest.approx(direct.alpha, abs=1e-12)
        assert (got["ci_low"], got["ci_high"]) == pytest.approx(direct.ci, abs=1e-12)
        assert got["omega_total"] == pytest.approx(direct.omega_total, abs=1e-12)
        assert got["n"] == direct.n and got["k"] == 6
    assert "ctx_team_meetings" not in report.data["reliability"]  # contexts are not scales


def test_item_statistics_equal_pandas(report: MethodsReport, responses: pd.DataFrame):
    item = report.data["items"]["re3"]
    assert item["mean"] == pytest.approx(responses["re3"].mean())
    assert item["sd"] == pytest.approx(responses["re3"].std())
    assert item["floor"] == pytest.approx((responses["re3"].dropna() == 1).mean())
    keys = STAGE_KEYS["stage_reflective"]
    direct = cronbach_alpha(responses[[k.lstrip("-") for k in keys]], keys)
    assert item["item_rest_r"] == pytest.approx(direct.item_rest_r["re3"], abs=1e-12)


def test_does_not_apply_to_me_is_missing_in_the_item_statistics_not_a_zero(
    report: MethodsReport, responses: pd.DataFrame
):
    instrument = allypath.load_instrument()
    offered = [
        i.id for i in instrument.items if i.not_applicable is not None and i.id in report.data["items"]
    ]
    zeros = {i: int((responses[i] == NOT_APPLICABLE).sum()) for i in offered}
    assert sum(zeros.values()) > 100, "the simulated answers use 'does not apply to me'"
    for item_id in offered:
        rated = responses[item_id].mask(responses[item_id] == NOT_APPLICABLE)
        got = report.data["items"][item_id]
        assert got["mean"] == pytest.approx(rated.mean()) and got["sd"] == pytest.approx(rated.std())
        assert got["mean"] >= 1  # on the 1-5 scale; with the zeros counted ch3's mean was 2.18, sd 1.87


def test_efa_equals_the_stats_functions(report: MethodsReport, reversed_items: pd.DataFrame):
    items = [k.lstrip("-") for keys in STAGE_KEYS.values() for k in keys]
    efa = report.data["efa"]
    assert efa["kmo"] == pytest.approx(kmo(reversed_items[items]).overall, abs=1e-12)
    parallel = parallel_analysis(reversed_items[items], n_iter=20, seed=SEED)
    assert efa["parallel_n_factors"] == parallel.n_factors
    fa = FactorAnalysis(4, "minres", "oblimin").fit(reversed_items[items])
    assert efa["loadings"]["am2"] == pytest.approx(fa.loadings_.loc["am2"].to_dict(), abs=1e-10)
    # on the simulator, most stage items load on their own scale's factor
    assert efa["own_factor_share"] >= 0.7
    assert sorted(efa["factor_of_scale"].values()) == ["F1", "F2", "F3", "F4"]


def test_cfa_equals_the_stats_cfa(report: MethodsReport, reversed_items: pd.DataFrame):
    model = stage_cfa_model(allypath.load_instrument())
    direct = cfa(reversed_items, model)
    got = report.data["cfa"]["stages"]
    assert got["model"] == model
    for key in ("chisq", "df", "cfi", "tli", "rmsea", "srmr", "bic"):
        assert got["fit"][key] == pytest.approx(float(direct.fit[key]), rel=1e-10), key
    # every barrier, norm and enabler construct with two or more rating items (11 in instrument 1.0.0)
    scales = [
        c
        for c in allypath.load_instrument().constructs
        if c.kind in ("barrier", "norm", "enabler") and sum(i.type == "likert" for i in c.items) >= 2
    ]
    assert report.data["cfa"]["barriers_norms_enablers"]["model"].count("=~") == len(scales) >= 11


def test_invariance_equals_measurement_invariance(report: MethodsReport, responses, reversed_items):
    model = stage_cfa_model(allypath.load_instrument())
    direct = measurement_invariance(reversed_items.assign(org=responses["org"]), model, "org")
    got = report.data["invariance"]["org"]
    assert [level["level"] for level in got["levels"]] == ["configural", "metric", "scalar", "strict"]
    for mine, theirs in zip(got["levels"], direct.to_dict()["levels"], strict=True):
        assert mine["chisq"] == pytest.approx(theirs["chisq"], rel=1e-10)
        assert mine["cfi"] == pytest.approx(theirs["cfi"], abs=1e-12)
    assert got["supported_level"] == direct.supported_level
    assert set(report.data["invariance"]) == {"org", "language", "region"}


def test_latent_structure_equals_compare_latent_and_stages_vs_continuum(report: MethodsReport, responses):
    scored = allypath.score(responses)
    scores = scored.loc[scored["status"] == "scored", [f"score_{k}" for k in STAGE_KEYS]].astype(float)
    table = compare_latent(scores, range(1, 7), kind="profile", n_init=2, seed=SEED)
    got = pd.DataFrame(report.data["latent"]["compare"])
    np.testing.assert_allclose(got["bic"], table["bic"], rtol=1e-10)
    structure = stages_vs_continuum(scores, n_init=2, seed=SEED)
    latent = report.data["latent"]["stages_vs_continuum"]
    assert latent["delta_bic"] == pytest.approx(structure.delta_bic, rel=1e-10)
    # the JSON keeps its figures but not its verdict, which said "stages" of continuum data too
    assert "verdict" not in latent and "summary" not in latent and "not a test of stages" in latent["note"]
    development = [
        p["score_stage_energised"] - p["score_stage_apathy"]
        for p in report.data["latent"]["profiles_by_development"]
    ]
    assert development == sorted(development)


def test_latent_verdict_says_what_to_be_wary_of_as_the_lpa_command_does(report: MethodsReport):
    from allypath.stats.latent import comparison_verdicts

    said = next(s for s in report.sections if s.key == "latent").verdict
    wary = comparison_verdicts(report.data["latent"]["compare"], "profile")[1:]
    assert wary and all(sentence in said for sentence in wary), said
    assert "relative entropy is" in said  # the classification's doubt, at the preferred count


def test_calibration_diagnostics_equal_calibrate(report: MethodsReport, responses: pd.DataFrame):
    direct = calibrate(responses, seed=SEED)
    got = report.data["calibration"]
    assert got["model"] == direct.model.label
    assert got["fit_report"]["loglik"] == pytest.approx(direct.fit_report["loglik"], rel=1e-12)
    assert got["history"] == pytest.approx(list(direct.history))
    assert 0.9 < got["agreement"] <= 1.0
    assert sum(got["stage_shares"]["calibrated"]) == pytest.approx(1.0)
    # the verdict gives the held-out gain that justified the model, not only the gain on its own answers
    held = direct.fit_report["heldout"]
    said = next(s for s in report.sections if s.key == "calibration").verdict
    assert f"those of the {held['n']:,} respondents left out of the fit better by" in said
    assert f"z = {held['z']:.1f}" in said and f"{direct.fit_report['ece_after']:.3f}" in said


def test_dif_section_is_item_dif_on_the_same_answers(report: MethodsReport, responses):
    from allypath.stats import item_dif

    direct = item_dif(responses, "language", seed=SEED)
    got = report.data["dif"]["language"]
    assert got["groups"] == direct.groups and got["subsampled"] is True  # en: 3,500 placed, 2,000 used
    assert [i["lr"] for i in got["items"]] == pytest.approx([i.lr for i in direct.items], rel=1e-9)
    assert got["flagged"] == [] and set(report.data["dif"]) == {"org", "language", "region"}
    section = next(s for s in report.sections if s.key == "dif")
    assert section.status == "good"  # the simulator has no DIF
    assert "subsampled at random to 2,000" in section.method


def test_classification_section_is_classification_by_group(report: MethodsReport, responses):
    from allypath.stats import classification_by_group, split_half_check

    direct = classification_by_group(allypath.score(responses), ["org", "language", "region"])
    got = report.data["classification"]
    assert got["overall"]["accuracy"] == pytest.approx(direct["overall"].accuracy, rel=1e-12)
    assert got["overall"]["consistency"] == pytest.approx(direct["overall"].consistency, rel=1e-12)
    assert got["groups"]["language"]["ar"]["n"] == direct["groups"]["language"]["ar"].n
    assert got["split_half"]["observed"] == pytest.approx(split_half_check(responses).observed)
    section = next(s for s in report.sections if s.key == "classification")
    assert section.status == "good" and "land on the same stage" in section.verdict


def test_html_shows_the_same_numbers(report: MethodsReport, html: str):
    table = re.search(r"<caption>Reliability</caption>(.*?)</table>", html, re.S)
    assert table is not None
    # the table names the scale as people read it; the JSON keeps its id
    energised = construct_name(allypath.load_instrument(), "stage_energised")
    row = re.search(rf"<tr><td>{re.escape(energised)}</td>(.*?)</tr>", table.group(1), re.S)
    assert row is not None
    cells = re.findall(r"<td>(.*?)</td>", row.group(1))
    alpha = report.data["reliability"]["stage_energised"]["alpha"]
    assert f"{alpha:,.3f}" in cells
    chisq = report.data["cfa"]["stages"]["fit"]["chisq"]
    assert f"{chisq:,.3f}" in html
    assert f"Verdict: {report.data['structure']['verdict']}." in html
    assert "Latent profiles of the scale scores" in html and "Stages or a continuum?" in html
    assert "Do items work the same across languages and organisations?" in html
    assert "How reliably are people placed?" in html
    accuracy = report.data["classification"]["overall"]["accuracy"]
    assert f"<td>{accuracy:,.3f}</td>" in html


def test_the_structure_section_is_stage_structure_on_the_same_answers(report: MethodsReport, responses):
    from allypath._blas import single_threaded_blas
    from allypath.reports._structure_section import MAX_RESPONDENTS
    from allypath.stats import stage_structure

    rows = np.sort(np.random.default_rng(SEED).choice(len(responses), MAX_RESPONDENTS, replace=False))
    with single_threaded_blas():  # as the report runs it; with BLAS threads it takes minutes
        direct = stage_structure(responses.iloc[rows], bootstrap=0, seed=SEED)
    got = report.data["structure"]
    assert got["verdict"] == direct.verdict == "stages"  # the simulator has four stages
    assert got["subsampled_from"] == N
    for name, model in direct.evidence["models"].items():
        assert got["evidence"]["models"][name]["heldout_loglik"] == pytest.approx(model["heldout_loglik"])
    section = next(s for s in report.sections if s.key == "structure")
    assert section.status == "good"
    latent = next(s for s in report.sections if s.key == "latent")
    assert latent.status == "info" and "does not show that stages exist" in latent.verdict


def test_charts_are_inline_accessible_svg_with_unique_ids(html: str):
    assert html.count("<svg") >= 10
    assert html.count('role="img"') == html.count("<svg")
    # each described once, by its figure's caption: no <desc> for a screen reader to read again
    assert html.count("<figcaption>") == html.count("<svg") and "<desc" not in html
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    assert html.count('class="chart-data"') == html.count("<svg")  # a data table per chart


def test_report_data_is_json_ready(report: MethodsReport):
    text = json.dumps(report.to_dict(), allow_nan=False)
    assert json.loads(text)["verdicts"]["calibration"]["status"] == "info"


@pytest.fixture(scope="module")
def pdf(report: MethodsReport, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("methods") / "methods.pdf"
    report.write_pdf(path)
    return path


def test_pdf_renders_and_rasterises(pdf: Path, tmp_path: Path):
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert shutil.which("pdftoppm"), "poppler-utils (pdftoppm) is needed to check the PDF"
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "3", str(pdf), str(tmp_path / "page")], check=True
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 3
    assert all(p.stat().st_size > 5000 for p in pages)  # not blank pages


def test_the_pdf_is_tagged_for_screen_readers_with_a_figure_per_chart(html: str, pdf: Path):
    title = re.search(r"<title>(.*?)</title>", html)
    assert title is not None
    found = assert_accessible(
        pdf, title=unescape(title.group(1)), language="en", charts=chart_titles(html), tables=True
    )
    assert found.structure["Caption"] >= 1  # a table's or a chart's caption


def test_invariance_skips_small_groups_and_absent_columns(responses: pd.DataFrame):
    small = responses.head(700)
    # no bootstrap: it is tested in test_structure.py and would take minutes here
    result = methods_report(
        small, group_columns=("org", "division"), min_group_size=2000, seed=1, structure_bootstrap=0
    )
    invariance = result.data["invariance"]
    assert set(invariance) == {"org"} and "fewer than two groups" in invariance["org"]["skipped"]
    section = next(s for s in result.sections if s.key == "invariance")
    assert section.status == "skipped"
    assert "two groups with at least 2000 placed" in result.data["dif"]["org"]["skipped"]
    assert next(s for s in result.sections if s.key == "dif").status == "skipped"
    too_small = result.data["classification"]["groups"]["org"]
    assert all(group["too_small"] for group in too_small.values())
    assert result.data["calibration"] == {"skipped": "no calibration run or passed"}


def test_refuses_data_without_enough_placed_respondents():
    with pytest.raises(StatsError, match="at least 50"):
        methods_report(allypath.simulate(30, seed=2))


def test_chart_helpers_render_svg_with_title_description_and_table():
    frame = pd.DataFrame({"scale": ["A", "B"], "alpha": [0.81, 0.64]})
    charts: list[Chart] = [
        bar_chart(frame, x="alpha", y="scale", title="Alpha & co", rule=0.7),
        stacked_bar_chart(
            pd.DataFrame({"g": ["x", "x", "y", "y"], "s": ["p", "q", "p", "q"], "n": [1, 3, 2, 2]}),
            category="g", value="n", stack="s", title="Mix",
        ),
        heatmap(pd.DataFrame({"i": ["a", "a"], "f": ["F1", "F2"], "v": [0.5, -0.1]}), x="f", y="i", value="v", title="H"),
        line_chart(pd.DataFrame({"k": [1, 2, 3], "bic": [3.0, 2.0, 2.5]}), x="k", y="bic", title="BIC"),
    ]  # fmt: skip
    for chart in charts:
        assert chart.svg.startswith("<svg") and chart.svg.rstrip().endswith("</svg>")
        assert "<title id=" in chart.svg and chart.spec["$schema"].startswith(
            "https://vega.github.io/schema/vega-lite/"
        )
        assert "<caption>" in chart.table_html() and "<figure" in chart.html()
        # a file of its own keeps its description; a figure says it in its caption only
        assert chart.svg.count("<desc id=") == 1 and chart.description in chart.html()
        assert "<desc" not in chart.figure_svg and "<desc" not in chart.html()
        assert chart.figure_svg == chart.svg.replace(
            chart.svg[chart.svg.index("<desc") : chart.svg.index("</desc>") + 7], ""
        )
    assert "Alpha &amp; co" in charts[0].svg  # titles are escaped
    assert "<td>0.810</td>" in charts[0].table_html()
