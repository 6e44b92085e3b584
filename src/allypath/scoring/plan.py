"""Build the :class:`ScoringPlan` (respondent-independent part of scoring) once per instrument+model."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from allypath.errors import ConfigurationError
from allypath.instrument import Instrument
from allypath.scoring.kernel import MAX_JOINT_ROWS, JointTable, ScoringPlan, StagePart, joint_tables
from allypath.scoring.stage_model import StageModel

__all__ = ["build_plan"]


def _needed(share: float, size: int) -> int:
    return max(int(np.ceil(share * size - 1e-9)), 1)


def _placement(flat_joint: tuple[JointTable, ...], min_answered_share: float) -> np.ndarray | None:
    """A context's stage for every combination of answers to its items, when one table holds them all.

    Stage = the best column of the combination's row (first on ties, as ``argmax``); 0 where fewer
    items are answered than the answered-share rule needs (code 0 = missing).
    """
    if len(flat_joint) != 1:
        return None
    joint = flat_joint[0]
    digits = np.indices((joint.width,) * len(joint.rows)).reshape(len(joint.rows), -1)
    answered = np.count_nonzero(digits, axis=0)
    stages = (joint.table.argmax(axis=1) + 1).astype(np.int8)
    stages[answered < _needed(min_answered_share, len(joint.rows))] = 0
    return stages


def _placement_probabilities(
    flat_joint: tuple[JointTable, ...], placement: np.ndarray | None
) -> np.ndarray | None:
    """The four stage probabilities (flat prior) of every combination of answers in ``placement``'s
    table; NaN rows where the combination places no stage."""
    if placement is None:
        return None
    table = flat_joint[0].table.astype(np.float64)
    probabilities = np.exp(table - table.max(axis=1, keepdims=True))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    probabilities[placement == 0] = np.nan
    return np.ascontiguousarray(probabilities)


def _fit_moments(tables: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and variance of log P(answer) per item and cell, answers drawn from the model in that cell.

    ``tables`` is (items, categories + 1, cells) with row 0 "not answered"; returns two (cells, items)
    float64 arrays, the person-fit statistic's E and V terms, rounded to multiples of 2**-20 (about
    1e-6): the kernel's sums of these times whole counts are then exact in float64 whatever order a
    matrix product adds them in, so a respondent's person fit does not depend on the batch he is in.
    """
    logp = tables[:, 1:, :]
    p = np.exp(logp)
    mean = (p * logp).sum(axis=1)
    variance = np.maximum((p * logp**2).sum(axis=1) - mean**2, 0.0)
    return _on_grid(mean.T), _on_grid(variance.T)


def _on_grid(values: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(np.round(values * _FIT_GRID) / _FIT_GRID, dtype=np.float64)


_FIT_GRID = 2.0**20


def _shared_moments(moments: np.ndarray) -> tuple[np.ndarray, tuple[np.ndarray, ...] | None]:
    """Items with the same moments (same kind, stage and direction, no item offset) as one column.

    The kernel then sums the answered indicator over each group and multiplies a narrower matrix:
    the default model's 40 stage-informative items share 12 columns. Groups only pay when they
    halve the width; otherwise the item columns are kept (``None``).
    """
    _, first, inverse = np.unique(moments.T, axis=0, return_index=True, return_inverse=True)
    if not len(first) or 2 * len(first) > moments.shape[1]:
        return moments, None
    inverse = inverse.ravel()
    groups = tuple(np.flatnonzero(inverse == g).astype(np.intp) for g in range(len(first)))
    return np.ascontiguousarray(moments[:, first]), groups


def _build(instrument: Instrument, model: StageModel, max_joint_rows: int = MAX_JOINT_ROWS) -> ScoringPlan:
    position = {column.id: j for j, column in enumerate(instrument.columns)}
    # The code block: the likert items of every scored construct, construct after construct, so that
    # a construct's sum is a reduction over adjacent rows.
    scored = [c for c in instrument.constructs if c.scored]
    members = [[i for i in c.items if i.type == "likert" and i.scale is not None] for c in scored]
    likert = [item for items in members for item in items]
    row_of = {item.id: b for b, item in enumerate(likert)}
    block_columns = np.array([position[i.id] for i in likert], dtype=np.intp)
    shift = np.array([i.scale.min - 1 for i in likert if i.scale], dtype=np.float32)
    widths = [i.scale.max - i.scale.min + 2 for i in likert if i.scale]
    if max(widths, default=0) > 255:  # codes 0..k and the pivot k + 1 must fit in a byte
        raise ConfigurationError(
            "a likert scale has more than 254 points; the scorer keeps answer codes in one byte"
        )
    reverse_rows = np.array([b for b, i in enumerate(likert) if i.reverse], dtype=np.intp)
    # A reverse-keyed code c (1..k) becomes (k + 1) - c; a missing one (0) stays 0.
    reverse_pivot = np.array([widths[b] for b in reverse_rows], dtype=np.uint8)

    parts = []
    fit_rows: list[np.ndarray] = []
    fit_tables: list[np.ndarray] = []
    for construct in instrument.constructs:
        if construct.kind not in ("stage", "context"):
            continue
        items = tuple(i for i in construct.items if i.type == "likert" and i.stage is not None and i.scale)
        if not items:
            continue
        rows = np.array([row_of[i.id] for i in items], dtype=np.intp)
        tables = model.item_tables(items).table
        flat = None
        if construct.kind == "context":
            flat = replace(model, acquiescence_sd=0.0, quadrature_nodes=1).item_tables(items).table
        flat_joint = () if flat is None else joint_tables(flat, rows, max_joint_rows)
        placement = _placement(flat_joint, model.min_answered_share)
        fit_rows.append(rows)
        fit_tables.append(tables)
        parts.append(
            StagePart(
                name=construct.context or construct.id,
                rows=rows,
                is_context=construct.kind == "context",
                joint=joint_tables(tables, rows, max_joint_rows),
                flat_joint=flat_joint,
                placement=placement,
                placement_probabilities=_placement_probabilities(flat_joint, placement),
            )
        )

    sizes = np.array([len(items) for items in members])
    starts = np.cumsum(sizes) - sizes
    cells = len(model.quadrature()[1]) * 4
    fit_moments = (
        np.concatenate(_fit_moments(np.concatenate(fit_tables)))
        if fit_tables
        else np.zeros((2 * cells, 0), np.float64)
    )
    fit_moments, fit_groups = _shared_moments(fit_moments)
    return ScoringPlan(
        parts=tuple(parts),
        log_prior=np.log(model.prior),
        temperature=float(model.temperature),
        log_node_weights=model.quadrature()[1],
        min_answered_share=model.min_answered_share,
        min_top_probability=model.min_top_probability,
        min_top_gap=model.min_top_gap,
        block_columns=block_columns,
        block_shift=shift,
        reverse_rows=reverse_rows,
        reverse_pivot=reverse_pivot,
        construct_names=tuple(c.id for c in scored),
        construct_starts=starts.astype(np.intp),
        construct_needed=np.array([_needed(model.min_answered_share, s) for s in sizes], dtype=np.float32),
        construct_sizes=sizes,
        stage_scale_index=np.array([k for k, c in enumerate(scored) if c.kind == "stage"], dtype=np.intp),
        fit_rows=np.concatenate(fit_rows) if fit_rows else np.zeros(0, dtype=np.intp),
        fit_moments=fit_moments,
        fit_groups=fit_groups,
        reverse_constructs=(np.searchsorted(starts, reverse_rows, side="right") - 1).astype(np.intp),
        reverse_middle=(reverse_pivot.astype(np.float32) / 2.0),
        max_code=max(widths, default=1) - 1,
    )


_CACHE: dict[tuple[int, int], tuple[Instrument, StageModel, ScoringPlan]] = {}


def build_plan(instrument: Instrument, model: StageModel) -> ScoringPlan:
    """The scoring plan for an instrument (one form of it) and a stage model, cached per pair.

    The cache holds the objects themselves, so an id is never reused while its entry lives.
    """
    key = (id(instrument), id(model))
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is instrument and hit[1] is model:
        return hit[2]
    plan = _build(instrument, model)
    if len(_CACHE) > 32:
        _CACHE.clear()
    _CACHE[key] = (instrument, model, plan)
    return plan
