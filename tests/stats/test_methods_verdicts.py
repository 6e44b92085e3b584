"""The methods report's verdicts come out the other way on data built for it (project rule): answers
shuffled within each item (no structure), a continuum, four clean linear factors, planted blanks, a
shifted intercept in one organisation, a calibration that moves people. And the verdicts name
constructs and items as people read them, never by their internal ids alone."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pandas as pd
import pytest

import allypath
from allypath.reports import MethodsReport, methods_report
from allypath.reports._cfa_section import invariance_section
from allypath.reports._classification_section import classification_section
from allypath.reports._efa_section import efa_section
from allypath.reports._latent_section import calibration_section
from allypath.reports.methods import Section, _reliability, _reverse_scored, _sample
from allypath.scoring import load_stage_model, score
from allypath.stats.invariance import InvarianceResult
from allypath.synth.continuum import simulate_continuum

INSTRUMENT = allypath.load_instrument()
MODEL = load_stage_model()
RELIABLE = "Stage placement is reliable."
CONSTRUCT_IDS = [c.id for c in INSTRUMENT.constructs]
ITEM_IDS = [i.id for i in INSTRUMENT.items]


def shuffled(n: int, seed: int) -> pd.DataFrame:
    """Simulated answers, each rating item shuffled on its own: the same answer mix, no structure."""
    frame = allypath.simulate(n, seed=seed)
    rng = np.random.default_rng(seed)
    for item in INSTRUMENT.items:
        if item.type == "likert" and item.id in frame.columns:
            frame[item.id] = rng.permutation(frame[item.id].to_numpy())
    return frame


def four_factors(n: int, seed: int) -> pd.DataFrame:
    """The stage items answered from four unrelated linear factors, one per stage scale: four
    distinct, reliable scales by construction."""
    rng = np.random.default_rng(seed)
    columns = {}
    for construct in INSTRUMENT.constructs_of("stage"):
        factor = rng.normal(size=n)
        for item in construct.items:
            if item.type != "likert":
                continue
            agree = np.clip(np.rint(3 + factor + 0.6 * rng.normal(size=n)), 1, 5)
            columns[item.id] = 6 - agree if item.reverse else agree
    return pd.DataFrame(columns)


def _raw(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            i.id: pd.to_numeric(frame[i.id], errors="coerce").astype(float)
            for i in INSTRUMENT.items
            if i.type == "likert" and i.id in frame.columns
        },
        index=frame.index,
    )


def _section(report: MethodsReport, key: str) -> Section:
    return next(s for s in report.sections if s.key == key)


@pytest.fixture(scope="module")
def shuffled_report() -> MethodsReport:
    return methods_report(shuffled(600, 5), group_columns=("org",), structure_bootstrap=0)


@pytest.fixture(scope="module")
def continuum() -> pd.DataFrame:
    return simulate_continuum(1500, seed=54)


@pytest.fixture(scope="module")
def continuum_report(continuum: pd.DataFrame) -> MethodsReport:
    return methods_report(continuum, structure_bootstrap=0)


@pytest.fixture(scope="module")
def stages() -> pd.DataFrame:
    return allypath.simulate(1500, seed=3)


# --------------------------------------------------------------------------- 1. placement


@pytest.mark.parametrize("which", ["shuffled_report", "continuum_report"])
def test_placement_is_not_called_reliable_when_the_section_is_not_good(which, request) -> None:
    report: MethodsReport = request.getfixturevalue(which)
    section = _section(report, "classification")
    assert section.status in ("caution", "problem"), section.verdict
    assert RELIABLE not in section.verdict
    headline = next(h for h in report.headlines() if h.startswith(section.title))
    assert RELIABLE not in headline
    assert ("only moderately reliable" if section.status == "caution" else "not reliable enough") in headline


def test_placement_is_called_reliable_on_stage_data(stages: pd.DataFrame) -> None:
    _, section = classification_section(
        stages, score(stages, INSTRUMENT, model=MODEL), INSTRUMENT, MODEL, [], min_group_size=100
    )
    assert section.status == "good", section.verdict
    assert section.verdict.startswith(RELIABLE)


# --------------------------------------------------------------------------- 2. factor analysis


def test_efa_says_no_common_structure_on_shuffled_answers(shuffled_report: MethodsReport) -> None:
    section = _section(shuffled_report, "efa")
    assert shuffled_report.data["efa"]["parallel_n_factors"] == 0
    assert section.status == "problem", section.verdict
    assert "share no common structure" in section.verdict
    assert "one developmental dimension" not in section.verdict and "as designed" not in section.verdict


def test_efa_on_a_continuum_is_not_as_designed(continuum_report: MethodsReport) -> None:
    section = _section(continuum_report, "efa")
    found = continuum_report.data["efa"]["parallel_n_factors"]
    assert section.status in ("caution", "problem"), section.verdict
    assert "as designed" not in section.verdict
    assert f"finds {found}, fewer than the 4 stage scales" in section.verdict  # measured: 2


def test_efa_good_and_as_designed_on_four_distinct_factors() -> None:
    frame = four_factors(1500, seed=8)
    numbers, section = efa_section(_reverse_scored(frame, INSTRUMENT), INSTRUMENT, 0)
    assert numbers["parallel_n_factors"] == 4
    assert section.status == "good", section.verdict
    assert "finds 4, one per stage scale, as designed" in section.verdict


# --------------------------------------------------------------------------- 3. untested verdicts


def test_reliability_and_items_fail_on_shuffled_answers(shuffled_report: MethodsReport) -> None:
    reliability, items = _section(shuffled_report, "reliability"), _section(shuffled_report, "items")
    assert reliability.status == "problem" and "reliable enough" not in reliability.verdict
    assert "Apathy" in reliability.verdict  # a stage scale falls short, named by its label
    assert items.status == "caution" and "Every item agrees" not in items.verdict


def test_reliability_and_items_good_on_four_clean_scales() -> None:
    raw = _raw(four_factors(800, seed=9))
    _, _, reliability, items = _reliability(raw, raw, INSTRUMENT)
    assert reliability.status == "good", reliability.verdict
    assert reliability.verdict.startswith("All 4 scales are reliable enough")
    assert items.status == "good", items.verdict
    assert items.verdict.startswith("Every item agrees with its scale")


def _sample_section(frame: pd.DataFrame) -> Section:
    scored = score(frame, INSTRUMENT, model=MODEL, on_error="mark")
    return _sample(frame, scored, _raw(frame), [], INSTRUMENT)[1]


def test_sample_good_without_heavy_blanks(continuum: pd.DataFrame) -> None:
    section = _sample_section(continuum)
    assert section.status == "good", section.verdict
    assert "blanks are unlikely to bias the results" in section.verdict


def test_sample_names_an_item_with_planted_blanks(continuum: pd.DataFrame) -> None:
    frame = continuum.copy()
    rng = np.random.default_rng(10)
    frame.loc[rng.random(len(frame)) < 0.2, "re3"] = np.nan
    section = _sample_section(frame)
    assert section.status == "caution", section.verdict
    assert "unlikely to bias" not in section.verdict
    question = INSTRUMENT.item("re3").text.get_lang("en")
    assert question[:30] in section.verdict and "(re3)" in section.verdict


def test_calibration_advice_depends_on_agreement() -> None:
    frame = allypath.simulate(400, seed=11)
    _, same = calibration_section(frame, INSTRUMENT, MODEL, MODEL, False, 0)
    assert same.status == "info" and "Use it to score this population" in same.verdict
    # A "calibration" that turns the stages round and blurs every placement.
    moved = dataclasses.replace(MODEL, affinity=MODEL.affinity[::-1].copy(), temperature=3.0)
    numbers, section = calibration_section(frame, INSTRUMENT, MODEL, moved, False, 0)
    assert numbers["agreement"] < 0.8
    assert section.status == "caution", section.verdict
    assert "Use it" not in section.verdict and "Do not switch to it yet" in section.verdict


# --------------------------------------------------------------------------- 4. invariance


def test_invariance_advice_follows_a_shifted_intercept(stages: pd.DataFrame) -> None:
    first = sorted(stages["org"].astype(str).unique())[0]

    def section(frame: pd.DataFrame) -> Section:
        items = _reverse_scored(frame, INSTRUMENT)
        return invariance_section(frame, items, INSTRUMENT, ["org"], 100, lambda _: None)[1]

    same = section(stages)
    assert same.status == "good" and "compare scale averages" in same.verdict
    shifted = stages.copy()
    one = shifted["org"].astype(str) == first
    for item in ("ap4", "am1", "re1", "en1"):  # one item per stage scale is easier to agree with
        shifted.loc[one, item] = np.clip(shifted.loc[one, item] + 1, 1, 5)
    moved = section(shifted)
    assert moved.status == "caution", moved.verdict
    assert "compare scale averages" not in moved.verdict and "stage mixes" not in moved.verdict
    assert "not their averages" in moved.verdict or "neither averages" in moved.verdict


@pytest.mark.parametrize(
    ("configural", "said"), [("improper", "is not known"), ("fails", "not even the same")]
)
def test_an_improper_configural_model_is_not_read_as_a_structure_that_differs(
    stages: pd.DataFrame, monkeypatch: pytest.MonkeyPatch, configural: str, said: str
) -> None:
    """Configural invariance not supported: when its solution was improper, the data were not shown to
    lack a common structure, and the advice says the question is open; when it fails, that it does."""
    numbers = {"chisq": 40.0, "df": 20, "cfi": 0.99, "rmsea": 0.02, "srmr": 0.03}
    rows = [{"level": "configural", **numbers, "delta_cfi": None, "delta_rmsea": None, "status": configural}]
    rows += [
        {"level": level, **numbers, "delta_cfi": None, "delta_rmsea": None, "status": "not tested"}
        for level in ("metric", "scalar")
    ]
    result = InvarianceResult(pd.DataFrame(rows), "", None, {"delta_cfi": 0.01, "delta_rmsea": 0.015})
    monkeypatch.setattr("allypath.reports._cfa_section.measurement_invariance", lambda *_: result)
    items = _reverse_scored(stages, INSTRUMENT)
    section = invariance_section(stages, items, INSTRUMENT, ["org"], 100, lambda _: None)[1]
    assert said in section.verdict and section.status == "caution"
    other = "not even the same" if configural == "improper" else "is not known"
    assert other not in section.verdict
    # a group under the minimum size is named as left out, not dropped without a word
    small = stages.assign(org=stages["org"].astype(str).where(stages.index >= 30, "Tiny"))
    said = invariance_section(small, items, INSTRUMENT, ["org"], 100, lambda _: None)[1].verdict
    assert "(Tiny left out: fewer than 100 complete responses)" in said


# --------------------------------------------------------------------------- 5. names, not ids


def _bare_ids(text: str) -> list[str]:
    """Construct and item ids in ``text`` other than an id alone in brackets after its name."""
    for code in sorted(CONSTRUCT_IDS + ITEM_IDS, key=len, reverse=True):
        text = text.replace(f"({code})", "()")
    return [c for c in CONSTRUCT_IDS + ITEM_IDS if re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", text)]


def test_the_id_check_sees_ids() -> None:
    assert _bare_ids("stage_apathy and ap1 fall short; “I …” (ap1)") == ["stage_apathy", "ap1"]


@pytest.mark.parametrize("which", ["shuffled_report", "continuum_report"])
def test_verdicts_name_constructs_and_items_not_ids(which, request) -> None:
    report: MethodsReport = request.getfixturevalue(which)
    for section in report.sections:
        assert _bare_ids(section.verdict) == [], (section.key, section.verdict)
