"""The methods report's test-retest section: on a panel (the same men, by respondent_id, in two waves)
it shows the pairing, the measures in words, the stage agreement and a verdict judged on the index and
the stage kappa; without a panel it says in one sentence what test-retest needs; a panel the retest
refuses becomes a section naming the problem, never an aborted report."""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import allypath
from allypath._values import plain_deep
from allypath.cli import app
from allypath.errors import DataError
from allypath.reports import MethodsReport, methods_report
from allypath.reports._retest_section import retest_section
from allypath.stats import retest_reliability

from .panels import dealt_to_strangers
from .panels import panel_answers as simulated_panel

INSTRUMENT = allypath.load_instrument()
TITLE = "How stable are scores when the same people answer again? (test-retest)"


@pytest.fixture(scope="module")
def panel_answers() -> pd.DataFrame:
    """Raw answers: 30 men at each stage, simulated in the waves Spring and Autumn at the same true stage."""
    return simulated_panel(dict.fromkeys((1, 2, 3, 4), 30), seed=40)


@pytest.fixture(scope="module")
def scored_panel(panel_answers: pd.DataFrame) -> pd.DataFrame:
    return allypath.score(panel_answers, on_error="mark")


def _shuffled(frame: pd.DataFrame) -> pd.DataFrame:
    """The same rows with the second wave's ids dealt out at random: each man paired with a stranger."""
    return dealt_to_strangers(frame, "Autumn", seed=1)


def _hand_built(noise: float, *, random_second_stage: bool = False, n: int = 400) -> pd.DataFrame:
    """A scored panel of ``n`` men whose index is a stable trait plus noise of SD ``noise`` at each
    wave, placed in the stage of their index (or, with ``random_second_stage``, at random in W2)."""
    rng = np.random.default_rng(0)
    trait = rng.uniform(0, 100, size=n)
    waves = []
    for wave in ("W1", "W2"):
        index = np.clip(trait + rng.normal(0, noise, size=n), 0, 100)
        stage = np.digitize(index, [25, 50, 75]) + 1
        if random_second_stage and wave == "W2":
            stage = rng.integers(1, 5, size=n)
        waves.append(
            pd.DataFrame(
                {
                    "respondent_id": [f"id{i}" for i in range(n)],
                    "wave": wave,
                    "status": "scored",
                    "stage": stage,
                    "index": index,
                }
            )
        )
    return pd.concat(waves, ignore_index=True)


# --------------------------------------------------------------------------- the verdict, both ways


def test_the_same_men_twice_are_judged_stable(scored_panel: pd.DataFrame) -> None:
    _, section = retest_section(scored_panel, INSTRUMENT)
    assert section.status == "good", section.verdict
    assert section.verdict.startswith("Scores are stable between the waves: the developmental index is ")
    assert "Wave Spring was paired with wave Autumn" in section.verdict
    assert "months apart" in section.verdict and "real change" in section.verdict


def test_answers_paired_with_strangers_are_judged_poor_naming_the_index(scored_panel: pd.DataFrame) -> None:
    _, section = retest_section(_shuffled(scored_panel), INSTRUMENT)
    assert section.status == "problem", section.verdict
    assert section.verdict.startswith("Scores are not stable between the waves: the developmental index")
    assert "the developmental index is poor" in section.verdict


def test_a_stable_index_with_stages_at_random_names_only_the_stage_as_poor() -> None:
    _, section = retest_section(_hand_built(3, random_second_stage=True), INSTRUMENT)
    assert section.status == "problem", section.verdict
    assert section.verdict.startswith(
        "Scores are not stable between the waves: the stage (weighted kappa) is poor"
    )
    assert "the developmental index is excellent" in section.verdict


def test_a_noisier_index_is_judged_moderate_and_a_little_noise_good() -> None:
    noisy = retest_section(_hand_built(20), INSTRUMENT)[1]
    assert noisy.status == "caution", noisy.verdict
    assert noisy.verdict.startswith("Scores are only moderately stable between the waves")
    quiet = retest_section(_hand_built(12), INSTRUMENT)[1]
    assert quiet.status == "good", quiet.verdict


def test_fewer_than_30_pairs_are_not_judged(scored_panel: pd.DataFrame) -> None:
    ids = [f"p{stage}-{i}" for stage in (1, 2, 3, 4) for i in range(3)]  # 12 men
    numbers, section = retest_section(scored_panel[scored_panel["respondent_id"].isin(ids)], INSTRUMENT)
    assert section.status == "info", section.verdict
    assert section.verdict.startswith("Too few people in both waves to judge (")
    assert numbers["n_pairs"] < 30 and section.tables  # the figures are shown, without a verdict


# --------------------------------------------------------------------------- without a panel


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda f: f[f["wave"] == "Spring"], "the data hold one wave (Spring)"),
        (lambda f: f.drop(columns=["wave"]), "the data have no wave column"),
        (
            lambda f: f.assign(respondent_id=f["respondent_id"] + np.where(f["wave"] == "Autumn", "-b", "")),
            "no respondent_id comes back in a second wave",
        ),
    ],
    ids=["one-wave", "no-wave-column", "no-id-in-two-waves"],
)
def test_without_a_panel_the_section_says_what_test_retest_needs(scored_panel, change, reason) -> None:
    numbers, section = retest_section(change(scored_panel), INSTRUMENT)
    assert section.status == "info"
    assert reason in section.verdict
    assert "needs the same people (the same respondent_id) in two waves" in section.verdict
    assert "allypath stats retest" in section.verdict and section.tables == []
    assert reason in numbers["skipped"]


def test_a_man_twice_in_one_wave_becomes_a_section_naming_the_problem(scored_panel: pd.DataFrame) -> None:
    twice = scored_panel.copy()
    twice.loc[1, "respondent_id"] = twice.loc[0, "respondent_id"]  # both in Spring
    numbers, section = retest_section(twice, INSTRUMENT)
    assert section.status == "caution"
    assert section.verdict.startswith("Test-retest reliability could not be computed: column 'respondent_id'")
    assert "'p1-0' is on rows 1 and 2" in section.verdict, section.verdict
    assert "skipped" in numbers


# --------------------------------------------------------------------------- numbers and tables


def test_the_numbers_are_retest_reliabilitys(scored_panel: pd.DataFrame) -> None:
    numbers, section = retest_section(scored_panel, INSTRUMENT)
    assert numbers == retest_reliability(scored_panel).to_dict()
    measures, agreement, crossed = section.tables
    assert [row[0] for row in measures.rows][:2] == ["Developmental index (0-100)", "Apathy"]
    assert not any(str(row[0]).startswith("score_") for row in measures.rows)
    assert measures.rows[0][2] == numbers["measures"][0]["icc2"]
    assert agreement.rows[0][4] == numbers["stage"]["kappa"]
    assert [row[0] for row in crossed.rows] == [s.label.get_lang("en") for s in allypath.model.STAGES]
    assert [row[1:] for row in crossed.rows] == numbers["stage"]["table"]


# --------------------------------------------------------------------------- the whole report


@pytest.fixture(scope="module")
def report(panel_answers: pd.DataFrame) -> MethodsReport:
    # No group columns and no structure bootstrap: this checks the retest section in place, cheaply.
    return methods_report(panel_answers, group_columns=(), structure_bootstrap=0)


def test_the_report_shows_the_section_after_classification(
    report: MethodsReport, scored_panel: pd.DataFrame
) -> None:
    keys = [s.key for s in report.sections]
    assert keys.index("retest") == keys.index("classification") + 1
    assert report.data["retest"] == plain_deep(retest_reliability(scored_panel).to_dict())
    assert report.to_dict()["verdicts"]["retest"]["status"] == "good"
    page = report.to_html()
    assert f'<h2 id="retest-heading">{keys.index("retest") + 1}. {html_lib.escape(TITLE)}</h2>' in page
    headers = {html_lib.unescape(h) for h in re.findall(r"<th scope=\"col\">(.*?)</th>", page, re.S)}
    assert {
        "ICC(2,1)",
        "ICC(3,1)",
        "weighted kappa",
        "same stage",
        "wave Spring ↓ / wave Autumn →",
    } <= headers
    for caption in ("How stable each score is between the waves", "Stage at each wave (people)"):
        assert f"<caption>{caption}</caption>" in page


# --------------------------------------------------------------------------- the waves asked for


@pytest.fixture(scope="module")
def three_waves() -> pd.DataFrame:
    """Raw answers of 30 men at each stage in Spring, Summer and Autumn, at the same true stage."""
    return simulated_panel(dict.fromkeys((1, 2, 3, 4), 30), ("Spring", "Summer", "Autumn"), seed=41)


def test_the_section_pairs_the_waves_asked_for_and_says_so(three_waves: pd.DataFrame) -> None:
    scored = allypath.score(three_waves, on_error="mark")
    by_default = retest_section(scored, INSTRUMENT)[1].verdict
    assert "Wave Summer was paired with wave Autumn (the last two of the waves Spring, Summer, Autumn)" in (
        by_default
    )
    numbers, section = retest_section(scored, INSTRUMENT, first="Spring", second="Autumn")
    assert "Wave Spring was paired with wave Autumn (as asked, of the waves Spring, Summer, Autumn)" in (
        section.verdict
    )
    assert numbers == retest_reliability(scored, first="Spring", second="Autumn").to_dict()
    assert section.tables[2].columns[0] == "wave Spring ↓ / wave Autumn →"
    # one wave named: its neighbour is the other
    alone = retest_section(scored, INSTRUMENT, first="Spring")[1].verdict
    assert "Wave Spring was paired with wave Summer (as asked" in alone


def test_a_wave_the_data_lack_is_refused_before_any_work(
    three_waves: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    import allypath.reports.methods as methods_module

    def no_scoring(*args: object, **kwargs: object) -> None:
        raise AssertionError("the report scored the data before checking the waves")

    monkeypatch.setattr(methods_module, "score", no_scoring)
    with pytest.raises(
        DataError, match=r"the second wave 'Winter' is not in the data, which hold the waves "
    ):
        methods_report(three_waves, retest_second="Winter")
    with pytest.raises(DataError, match="the first and second waves are both Spring"):
        methods_report(three_waves, retest_first="Spring", retest_second="Spring")
    with pytest.raises(DataError, match="the data have no wave column"):
        methods_report(three_waves.drop(columns=["wave"]), retest_first="Spring")


def test_the_command_refuses_a_wave_the_file_lacks_naming_the_file(
    three_waves: pd.DataFrame, tmp_path: Path
) -> None:
    data = tmp_path / "panel.csv"
    three_waves.to_csv(data, index=False)
    out = tmp_path / "methods.html"
    result = CliRunner().invoke(app, ["methods", str(data), "--out", str(out), "--retest-first", "Winter"])
    assert result.exit_code == 2, result.output
    assert str(data) in result.output and "the first wave 'Winter' is not in the data" in result.output
    assert not out.exists()
