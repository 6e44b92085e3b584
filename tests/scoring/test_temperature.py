"""Tempering the stage posterior (``StageModel.temperature``): ``p ** (1 / T)``, renormalised.

Above 1 it makes every respondent's probabilities less sure without changing his most likely stage;
1 leaves the scores bit-identical; the value round-trips through the model file and a bad one is
refused with the field named.
"""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pandas as pd
import pytest

import allypath
from allypath.errors import ConfigurationError
from allypath.scoring import PROBABILITY_COLUMNS, load_stage_model
from allypath.scoring.stage_model import StageModel

BASE = load_stage_model()


def _probabilities(scored: pd.DataFrame) -> np.ndarray:
    return scored[list(PROBABILITY_COLUMNS)].to_numpy(dtype=float)


def test_temperature_one_changes_nothing(simulated: pd.DataFrame, scored: pd.DataFrame) -> None:
    again = allypath.score(simulated, model=dataclasses.replace(BASE, temperature=1.0))
    np.testing.assert_array_equal(_probabilities(again), _probabilities(scored))


def test_a_higher_temperature_makes_probabilities_less_sure_but_keeps_the_stage(
    simulated: pd.DataFrame, scored: pd.DataFrame
) -> None:
    warm = allypath.score(simulated, model=dataclasses.replace(BASE, temperature=2.0))
    before, after = _probabilities(scored), _probabilities(warm)
    placed = ~np.isnan(before).any(axis=1)
    assert placed.sum() > 2000
    np.testing.assert_allclose(after[placed].sum(axis=1), 1.0, rtol=1e-9)
    # The same most likely stage, and a lower top probability for everyone not already at 1/4 or 1.
    assert (before[placed].argmax(axis=1) == after[placed].argmax(axis=1)).all()
    top_before, top_after = before[placed].max(axis=1), after[placed].max(axis=1)
    assert (top_after <= top_before + 1e-12).all()
    assert top_after.mean() < top_before.mean() - 0.05
    # Exactly the tempered posterior: p ** 0.5, renormalised.
    expected = np.sqrt(before[placed])
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(after[placed], expected, rtol=1e-9)
    # Less sure probabilities leave more people between stages.
    assert warm["between_stages"].sum() > scored["between_stages"].sum()


def test_a_lower_temperature_sharpens(simulated: pd.DataFrame, scored: pd.DataFrame) -> None:
    cold = allypath.score(simulated, model=dataclasses.replace(BASE, temperature=0.5))
    placed = scored["stage"].notna().to_numpy()
    assert _probabilities(cold)[placed].max(axis=1).mean() > _probabilities(scored)[placed].max(axis=1).mean()


def test_temperature_round_trips_through_the_model_file(tmp_path) -> None:
    path = tmp_path / "model.yaml"
    dataclasses.replace(BASE, temperature=1.37).save(path)
    assert "temperature: 1.37" in path.read_text(encoding="utf-8")
    assert load_stage_model(path).temperature == pytest.approx(1.37)
    assert BASE.temperature == 1.0  # the packaged model leaves its probabilities as they are


@pytest.mark.parametrize("value", [0, -1, 50, "warm"])
def test_a_bad_temperature_is_refused_naming_the_field(value: object) -> None:
    raw = BASE.to_dict() | {"temperature": value}
    with pytest.raises(ConfigurationError, match="field temperature"):
        StageModel.from_dict(raw, source="model.yaml")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"thresholds": [-2.2, float("nan"), 0.8, 2.2]}, "thresholds"),
        ({"discrimination": {"stage": float("nan")}}, "discrimination.stage"),
        ({"discrimination": {"stage": "high"}}, "discrimination.stage"),
        ({"item_offsets": [1, 2]}, "item_offsets"),
        ({"acquiescence": {"sd": "wide"}}, "acquiescence.sd"),
        ({"between_stages": [0.6]}, "between_stages"),
        ({"categories": "five"}, "categories"),
    ],
)
def test_a_model_file_with_a_non_number_is_refused_naming_the_field(change: dict, field: str) -> None:
    """A NaN threshold placed everyone at Apathy with exit 0; text crashed with a traceback."""
    raw = BASE.to_dict()
    for key, value in change.items():
        raw[key] = value if not isinstance(value, dict) else {**(raw.get(key) or {}), **value}
    with pytest.raises(ConfigurationError, match=rf"model\.yaml: field {re.escape(field)}"):
        StageModel.from_dict(raw, source="model.yaml")


def test_a_model_file_with_a_key_given_twice_is_refused(tmp_path) -> None:
    path = tmp_path / "model.yaml"
    BASE.save(path)
    path.write_text(path.read_text(encoding="utf-8") + "temperature: 2.0\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="the key 'temperature' is given twice"):
        load_stage_model(path)


def test_a_model_file_nested_too_deeply_is_refused_in_words(tmp_path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("prior: " + "[" * 3000 + "]" * 3000 + "\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="nested too deeply"):
        load_stage_model(path)
