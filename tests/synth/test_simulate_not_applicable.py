"""The simulator answers "Does not apply to me" where the instrument offers it, and only there."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import allypath
from allypath.instrument import NOT_APPLICABLE, load_instrument


@pytest.fixture(scope="module")
def population() -> pd.DataFrame:
    return allypath.simulate(6000, seed=8)


def test_only_items_that_offer_it_get_the_code(population):
    inst = load_instrument()
    for item in inst.items:
        if item.type != "likert":
            continue
        share = float((population[item.id] == NOT_APPLICABLE).mean())
        if item.not_applicable is None:
            assert share == 0, item.id
        else:
            assert 0.05 < share < 0.5, (item.id, share)


def test_those_with_no_part_in_hiring_say_so_on_both_hiring_items_and_are_mostly_junior(population):
    both = population[population["ch3"].notna() & population["ch4"].notna()]
    assert ((both["ch3"] == NOT_APPLICABLE) == (both["ch4"] == NOT_APPLICABLE)).all()
    share = (population["ch3"] == NOT_APPLICABLE).groupby(population["level"]).mean()
    assert share["Individual contributor"] > 2 * share["Manager"] > 0
    assert share["Manager"] > share["Senior leader"]


def test_the_answers_score_with_the_code_read_as_missing(population):
    scored = allypath.score(population.head(500))
    placed = scored["status"] == "scored"
    assert placed.mean() > 0.9
    hits = (
        scored.loc[placed, "stage"].astype(int) == population.loc[placed[placed].index, "true_stage"]
    ).mean()
    assert hits > 0.85


def test_an_instrument_without_the_answer_is_simulated_as_before():
    old = load_instrument(version="1.0.0")
    frame = allypath.simulate(300, seed=8, instrument=old)
    likert = [i.id for i in old.items if i.type == "likert"]
    assert not (frame[likert] == NOT_APPLICABLE).any().any()
    assert np.nanmin(frame[likert].to_numpy(dtype=float)) >= 1
