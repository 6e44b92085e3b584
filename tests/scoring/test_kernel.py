"""The numeric kernel against slower, obvious formulations of the same steps."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import allypath
from allypath.errors import ConfigurationError
from allypath.instrument import Instrument
from allypath.scoring import PROBABILITY_COLUMNS, load_stage_model, run_kernel
from allypath.scoring.answers import read_answers
from allypath.scoring.kernel import _top_two
from allypath.scoring.plan import _build

INSTRUMENT = allypath.load_instrument()
MODEL = load_stage_model()


def _answers(n: int, seed: int) -> np.ndarray:
    """Simulated answers with one cell in ten blanked, so every missing-data path runs."""
    frame = allypath.simulate(n, seed=seed)
    matrix = read_answers(frame, INSTRUMENT).matrix.copy(order="F")
    matrix[np.random.default_rng(seed).random(matrix.shape) < 0.1] = np.nan
    return matrix


def test_grouping_items_into_smaller_joint_tables_changes_no_result() -> None:
    # 40 rows hold two items per table: three tables per stage scale, two per context, and no
    # context placement table (the kernel then places contexts from summed look-ups).
    matrix = _answers(3000, seed=5)
    default, small = _build(INSTRUMENT, MODEL), _build(INSTRUMENT, MODEL, max_joint_rows=40)
    assert all(len(part.joint) == 1 for part in default.parts)
    assert all(len(part.joint) > 1 and part.placement is None for part in small.parts)
    a, b = run_kernel(matrix, default, chunk_rows=1024), run_kernel(matrix, small, chunk_rows=1024)
    assert a.placed.sum() > 2000
    for name in ("placed", "stage", "between", "trailing", "leading", "construct_counts"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    np.testing.assert_array_equal(a.construct_scores, b.construct_scores)
    # Only the order of the float32 log-likelihood additions differs (seven significant digits of
    # sums near -50: a few millionths of a nat).
    np.testing.assert_allclose(a.probabilities, b.probabilities, atol=2e-5)
    np.testing.assert_allclose(a.index, b.index, atol=2e-3)
    assert a.context_stages.keys() == b.context_stages.keys()
    for name, stages in a.context_stages.items():
        np.testing.assert_array_equal(stages, b.context_stages[name], err_msg=name)
        assert (stages[a.placed] > 0).mean() > 0.5, name


def test_blocks_and_threads_change_no_result() -> None:
    matrix = _answers(2500, seed=6)
    plan = _build(INSTRUMENT, MODEL)
    whole, pieces = run_kernel(matrix, plan, chunk_rows=4096), run_kernel(matrix, plan, chunk_rows=300)
    for name in ("probabilities", "stage", "index", "index_se", "construct_scores", "construct_counts"):
        np.testing.assert_array_equal(getattr(whole, name), getattr(pieces, name), err_msg=name)


def _top_two_by_argmax(probs: np.ndarray) -> tuple[np.ndarray, ...]:
    rows = np.arange(probs.shape[1])
    table = probs.T.copy()
    top = table.argmax(axis=1)
    p_top = table[rows, top].copy()
    table[rows, top] = -1.0
    second = table.argmax(axis=1)
    return top, second, p_top, table[rows, second]


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, (4, 12), elements=st.sampled_from([0.0, 0.1, 0.25, 0.4, 0.5])))
def test_top_two_agrees_with_argmax_ties_included(probs: np.ndarray) -> None:
    # Few distinct values, so most columns hold ties: they must go to the lower stage.
    for ours, reference in zip(_top_two(probs), _top_two_by_argmax(probs), strict=True):
        np.testing.assert_array_equal(ours, reference)


def _rescaled(instrument: Instrument, constructs: set[str], low: int = 0, high: int = 4) -> Instrument:
    """The instrument with the likert items of ``constructs`` on another scale (0-4 instead of 1-5)."""
    changed = []
    for construct in instrument.constructs:
        items = construct.items
        if construct.id in constructs:
            items = tuple(
                dataclasses.replace(i, scale=dataclasses.replace(i.scale, min=low, max=high))
                if i.type == "likert" and i.scale is not None
                else i
                for i in items
            )
        changed.append(dataclasses.replace(construct, items=items))
    return dataclasses.replace(instrument, constructs=tuple(changed))


def test_a_scale_starting_at_zero_scores_like_the_same_answers_on_one_to_five() -> None:
    moved = {"stage_apathy", "belief_zero_sum", "ctx_team_meetings"}
    rescaled = _rescaled(INSTRUMENT, moved)
    assert any(i.reverse for c in rescaled.constructs if c.id in moved for i in c.items)
    frame = allypath.simulate(400, seed=8)
    shifted = frame.copy()
    for construct in rescaled.constructs:
        if construct.id in moved:
            for item in construct.items:
                if item.type == "likert":
                    shifted[item.id] = frame[item.id] - 1
    ours = allypath.score(shifted, instrument=rescaled)
    reference = allypath.score(frame)
    for column in [*PROBABILITY_COLUMNS, "stage", "index", "context_team_meetings_stage"]:
        pd.testing.assert_series_equal(ours[column], reference[column])
    # Construct means are in the construct's own units: one lower on the 0-4 scale.
    for construct in moved:
        column = f"score_{construct}"
        assert ours[column].notna().sum() > 300
        np.testing.assert_allclose(ours[column], reference[column] - 1, atol=1e-6)


@pytest.mark.parametrize("form", ["full", "short"])
def test_construct_scores_are_reverse_keyed_means_over_answered_items(form: str) -> None:
    active = INSTRUMENT.form(form)
    matrix = _answers(800, seed=9)
    answers = read_answers(pd.DataFrame(matrix, columns=[c.id for c in INSTRUMENT.columns]), active)
    result = run_kernel(answers.matrix, _build(active, MODEL))
    constructs = [c for c in active.constructs if c.scored]
    for k, construct in enumerate(constructs):
        items = [i for i in construct.items if i.type == "likert" and i.scale is not None]
        values = np.column_stack(
            [
                (i.scale.min + i.scale.max - answers.get(i.id)) if i.reverse else answers.get(i.id)  # type: ignore[union-attr,operator]
                for i in items
            ]
        )
        counts = (~np.isnan(values)).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            means = np.nansum(values, axis=1) / counts
        means[counts < np.ceil(MODEL.min_answered_share * len(items) - 1e-9)] = np.nan
        np.testing.assert_array_equal(result.construct_counts[:, k], counts, err_msg=construct.id)
        np.testing.assert_allclose(result.construct_scores[:, k], means, rtol=1e-6, err_msg=construct.id)


def test_a_scale_too_long_for_one_byte_codes_is_refused_when_the_plan_is_built() -> None:
    instrument = _rescaled(INSTRUMENT, {"belief_zero_sum"}, low=1, high=255)
    with pytest.raises(ConfigurationError, match="more than 254 points"):
        _build(instrument, MODEL)
    assert _build(_rescaled(INSTRUMENT, {"belief_zero_sum"}, low=1, high=254), MODEL)
