"""A stage is not called "fairly sure" where the answers fit the stages loosely (a review found random
answers told "we are fairly sure of this"); answers that follow the stage model keep their wording.
Both sides are measured on simulated respondents, scored as the web scores them."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest

import allypath
from allypath.scoring.careless import LOOSE_FIT, fits_loosely
from allypath.web.journey.movement import certainty


def _wordings(scored: pd.DataFrame, *, fit: bool = True) -> Counter[str]:
    """The journey's wording of each clear placement (with, or as before without, the person fit)."""
    rows = scored[(scored["status"] == "scored") & ~scored["between_stages"].fillna(False).astype(bool)]
    out: Counter[str] = Counter()
    for row in rows.to_dict("records"):
        out[certainty(row if fit else {k: v for k, v in row.items() if k != "person_fit"})[0]] += 1
    return out


@pytest.fixture(scope="module")
def people() -> dict[str, pd.DataFrame]:
    """1,500 simulated men on each form, as the model answers and at random (every question 1-5)."""
    instrument = allypath.load_instrument()
    base = allypath.simulate(1500, seed=7)
    rng = np.random.default_rng(7)
    out = {}
    for form in ("full", "short"):
        asked = {item.id for item in instrument.form(form).items}
        model, random = base.copy(), base.copy()
        for item in instrument.items:
            if item.type == "likert":
                if item.id in asked:
                    random[item.id] = rng.integers(1, 6, len(base)).astype(float)
                else:
                    model[item.id] = random[item.id] = np.nan
        out[f"{form} model"], out[f"{form} random"] = allypath.score(model), allypath.score(random)
    return out


@pytest.mark.parametrize(("form", "least_cut"), [("full", 0.6), ("short", 0.25)])
def test_random_answers_are_told_fairly_sure_much_less_often(people, form, least_cut):
    random = people[f"{form} random"]
    before, after = _wordings(random, fit=False), _wordings(random)
    assert before["sure_high"] > 0 and after["sure_loose"] > 0
    assert after["sure_high"] <= (1 - least_cut) * before["sure_high"], (before, after)


@pytest.mark.parametrize("form", ["full", "short"])
def test_answers_that_follow_the_model_keep_their_wording(people, form):
    model = people[f"{form} model"]
    before, after = _wordings(model, fit=False), _wordings(model)
    assert after["sure_high"] >= 0.9 * before["sure_high"], (before, after)
    assert after["sure_loose"] <= 0.1 * sum(before.values())


def test_the_line_and_an_unknown_fit():
    assert fits_loosely(LOOSE_FIT - 0.01) and not fits_loosely(LOOSE_FIT) and not fits_loosely(None)
    assert not fits_loosely(float("nan")) and not fits_loosely(True)
    sure = {"p_apathy": 0.9, "p_ambivalence": 0.05, "p_reflective": 0.03, "p_energised": 0.02}
    assert certainty({**sure, "person_fit": 0.3}) == ("sure_high", 90)
    assert certainty({**sure, "person_fit": -1.5}) == ("sure_loose", 90)
    assert certainty(sure) == ("sure_high", 90)  # a placement stored without it keeps its wording
