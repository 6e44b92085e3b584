"""DIF of the scoring model's items (issue 15, point 5): the test finds an item planted to work
differently in one group, finds nothing where nothing was planted, and does not mistake groups with
different stage mixes for DIF. The false-positive rate and power over replications are measured in
docs/methods.md."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit

import allypath
from allypath.errors import StatsError
from allypath.reports._dif_section import dif_section
from allypath.scoring import load_stage_model
from allypath.stats import item_dif
from allypath.stats._calibration_em import posterior
from allypath.stats.calibration import _design, _parameters, _standard_nodes
from allypath.stats.dif import _Anchored, _Fit, _fit_item
from allypath.synth.population import _item_offset

MODEL = load_stage_model()
INSTRUMENT = allypath.load_instrument()
N = 3000
# Items chosen by role, not by id, so the tests follow the instrument's versions.
STAGE_ITEMS = [item for item in MODEL.stage_items(INSTRUMENT) if item.kind == "stage"]
APATHY, AMBIVALENCE, REFLECTIVE, ENERGISED = (
    [item.id for item in STAGE_ITEMS if item.stage == stage and not item.reverse] for stage in (1, 2, 3, 4)
)
REVERSED = next(item.id for item in STAGE_ITEMS if item.reverse)


def plant_dif(frame: pd.DataFrame, item_id: str, column: str, value: str, shift: float, seed: int = 0):
    """Redraw ``item_id``'s answers in one group as the simulator draws them, with the item's location
    moved by ``shift`` logits towards agreeing with the statement as written (uniform DIF)."""
    rng = np.random.default_rng(seed)
    item = INSTRUMENT.item(item_id)
    assert item.stage is not None and item.scale is not None
    out = frame.copy()
    rows = (out[column] == value).to_numpy() & out[item_id].notna().to_numpy()
    stage = out.loc[rows, "true_stage"].to_numpy().astype(int) - 1
    location = MODEL.affinity[stage, item.stage - 1]
    # the simulator's own recipe: keying, acquiescence (sd 0.3) and the item's fixed offset
    raw = (-location if item.reverse else location) + rng.normal(0.0, 0.3, rows.sum()) + _item_offset(item_id)
    slope = MODEL.discrimination.get(item.kind, 1.0)
    below = expit(slope * (MODEL.thresholds[None, :] - (raw + shift)[:, None]))  # P(answer <= c)
    drawn = item.scale.min + (rng.random(rows.sum())[:, None] > below).sum(axis=1)
    out.loc[rows, item_id] = drawn.astype(float)
    return out


@pytest.fixture(scope="module")
def responses() -> pd.DataFrame:
    return allypath.simulate(N, seed=41)


@pytest.fixture(scope="module")
def no_dif(responses):
    return item_dif(responses, "language")


def test_without_dif_no_item_is_flagged(no_dif) -> None:
    assert set(no_dif.groups) == {"en", "fr", "ar"}
    assert no_dif.flagged == [] and no_dif.purified == []
    assert len(no_dif.items) == 40  # 24 stage items and 16 context items
    raw_hits = sum(item.p_value < 0.05 for item in no_dif.items)
    assert raw_hits <= 6  # 2 expected at the nominal 5 %
    assert max(item.effect for item in no_dif.items) < 0.25
    mean_lr = np.mean([item.lr for item in no_dif.items])
    assert 1.0 < mean_lr < 3.5  # chi-square with 2 df has mean 2


def test_a_planted_shift_in_one_language_is_flagged_large(responses) -> None:
    studied = APATHY[1]
    planted = plant_dif(responses, studied, "language", "fr", 1.5)
    result = item_dif(planted, "language")
    assert [item.item for item in result.flagged] == [studied]
    found = next(item for item in result.items if item.item == studied)
    assert found.size == "large" and found.effect > 0.5 and found.p_adjusted < 1e-6
    assert found.agrees_more == "fr"
    assert found.offsets["fr"] - found.offsets["en"] == pytest.approx(1.5, abs=0.4)
    assert result.purified == [studied]


def test_a_reverse_keyed_item_reports_the_direction_of_the_statement(responses) -> None:
    # French speakers are made to agree less with a reverse-keyed statement as written.
    planted = plant_dif(responses, REVERSED, "language", "fr", -1.5, seed=3)
    result = item_dif(planted, "language")
    found = next(item for item in result.items if item.item == REVERSED)
    assert found.flagged and found.agrees_less == "fr"
    assert [item.item for item in result.flagged] == [REVERSED]


def test_groups_with_different_stage_mixes_are_not_dif() -> None:
    # "team" follows the true stage: team a holds mostly Apathy and Ambivalence, team b the rest. On
    # the short form (12 items) a person's other answers leave his stage uncertain, so a test that
    # gave both teams one stage mix would call every item DIF (measured: mean LR 10.7 on 1 df,
    # smallest adjusted p 7e-7); each group's own mix must absorb the difference.
    short = allypath.simulate(N, seed=41, form="short")
    rng = np.random.default_rng(5)
    early = short["true_stage"].to_numpy() <= 2
    team = np.where(rng.random(len(short)) < np.where(early, 0.85, 0.15), "a", "b")
    result = item_dif(short.assign(team=team), "team")
    mix = result.stage_mix
    assert mix["a"][0] + mix["a"][1] > 0.7 > mix["b"][0] + mix["b"][1]
    assert len(result.items) == 12
    assert result.flagged == []
    assert sum(item.p_adjusted < 0.05 for item in result.items) <= 1  # by chance, 1 in 20 data sets
    assert np.mean([item.lr for item in result.items]) < 2.0


def test_the_likelihood_is_calibrations_and_the_fit_is_its_maximum(responses) -> None:
    """The fitted log-likelihood equals the calibration module's marginal likelihood with the fitted
    group offsets and stage mixes, and moving an offset away from the fit lowers it."""
    frame = responses.iloc[:800]
    design = _design(frame, MODEL.stage_items(INSTRUMENT), MODEL)
    nodes, log_weights = _standard_nodes(MODEL)
    groups = (frame["org"] == frame["org"].iloc[0]).to_numpy().astype(int)
    anchored = _Anchored(design, _parameters(MODEL, design), nodes, log_weights, groups, 2)
    j = design.item_ids.index(REFLECTIVE[3])
    joint = anchored.joint({})
    table_j = np.log(anchored.item_probabilities(j, np.zeros(1)))[0]
    rest = joint - table_j[design.codes[:, j]]
    mix = anchored.stage_mix(joint)
    fit = _fit_item(anchored, j, rest, _Fit(0.0, np.zeros(2), mix), free=True)

    def marginal(offsets: np.ndarray) -> float:
        total = 0.0
        for g in range(2):
            rows = groups == g
            parameters = _parameters(MODEL, design)
            parameters.offsets[j] = offsets[g]
            parameters.prior = fit.mix[g]
            part = type(design)(**{**design.__dict__, "codes": design.codes[rows]})
            total += float(posterior(parameters, part, nodes, log_weights)[1].sum())
        return total

    assert fit.loglik == pytest.approx(marginal(fit.offsets), rel=1e-9)
    for g in range(2):
        for step in (-0.05, 0.05):
            moved = fit.offsets.copy()
            moved[g] += step
            assert marginal(moved) < fit.loglik


def test_small_groups_are_left_out_and_named(responses) -> None:
    result = item_dif(responses, "language", min_group_size=400)
    assert "ar" in result.too_small and set(result.groups) == {"en", "fr"}
    assert result.items[0].df == 1
    with pytest.raises(StatsError, match="two groups with at least 5000"):
        item_dif(responses, "language", min_group_size=5000)
    with pytest.raises(StatsError, match="no column 'division'"):
        item_dif(responses, "division")


def test_large_groups_are_subsampled_with_the_seed(responses) -> None:
    result = item_dif(responses, "org", max_per_group=500, seed=3)
    assert set(result.groups.values()) == {500}
    assert result.to_dict()["subsampled"] is True
    again = item_dif(responses, "org", max_per_group=500, seed=3)
    assert [i.lr for i in again.items] == [i.lr for i in result.items]


def test_to_dict_is_json_ready(no_dif) -> None:
    payload = json.loads(json.dumps(no_dif.to_dict(), allow_nan=False))
    assert payload["group"] == "language" and payload["flagged"] == []
    assert payload["rules"]["bands"] == {"moderate": 0.25, "large": 0.5}
    first = payload["items"][0]
    assert {"item", "lr", "df", "p_value", "p_adjusted", "effect", "size", "flagged", "offsets"} <= set(first)


# --------------------------------------------------------------------------- the report's verdict


def test_report_section_good_without_dif(responses) -> None:
    numbers, section = dif_section(responses, INSTRUMENT, MODEL, ["language"], min_group_size=100, seed=0)
    assert section.status == "good" and "no item works differently" in section.verdict
    assert numbers["language"]["flagged"] == []


def test_report_section_caution_for_one_item_problem_for_many(responses) -> None:
    first = AMBIVALENCE[2]
    one = plant_dif(responses, first, "language", "fr", 1.5)
    _, section = dif_section(one, INSTRUMENT, MODEL, ["language", "division"], min_group_size=100, seed=0)
    assert section.status == "caution"
    assert f"({first})" in section.verdict and "fr agree more than" in section.verdict  # question, then id
    assert "Across division: not tested" in section.verdict
    many, planted = one, [first, APATHY[0], REFLECTIVE[1], ENERGISED[2]]
    for k, item in enumerate(planted[1:]):
        many = plant_dif(many, item, "language", "fr", 1.5, seed=10 + k)
    numbers, section = dif_section(many, INSTRUMENT, MODEL, ["language"], min_group_size=100, seed=0)
    assert sorted(numbers["language"]["flagged"]) == sorted(planted)
    assert section.status == "problem"
