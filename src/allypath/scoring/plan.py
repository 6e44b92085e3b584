"""Build the :class:`ScoringPlan` (respondent-independent part of scoring) once per instrument+model."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from allypath.instrument import Instrument
from allypath.scoring.kernel import ScoringPlan, StagePart, joint_tables
from allypath.scoring.stage_model import StageModel

__all__ = ["build_plan"]


def _needed(share: float, size: int) -> int:
    return max(int(np.ceil(share * size - 1e-9)), 1)


def _build(instrument: Instrument, model: StageModel) -> ScoringPlan:
    position = {column.id: j for j, column in enumerate(instrument.columns)}
    # Every likert item that feeds a construct score or the stage, in one block of the answer matrix.
    likert = [i for i in instrument.items if i.type == "likert" and i.scale is not None]
    in_block = {item.id: b for b, item in enumerate(likert)}
    block_columns = np.array([position[i.id] for i in likert], dtype=np.intp)
    shift = np.array([i.scale.min - 1 for i in likert if i.scale], dtype=np.float32)

    parts = []
    for construct in instrument.constructs:
        if construct.kind not in ("stage", "context"):
            continue
        items = tuple(i for i in construct.items if i.type == "likert" and i.stage is not None and i.scale)
        if not items:
            continue
        tables = model.item_tables(items)
        is_context = construct.kind == "context"
        flat = None
        if is_context:
            flat = replace(model, acquiescence_sd=0.0, quadrature_nodes=1).item_tables(items)
        parts.append(
            StagePart(
                name=construct.context or construct.id,
                columns=np.array([in_block[i.id] for i in items], dtype=np.intp),
                categories=np.array(
                    [i.scale.max - i.scale.min + 1 for i in items if i.scale], dtype=np.int16
                ),
                reverse=np.array([i.reverse for i in items]),
                tables=tables.table.astype(np.float32),
                is_context=is_context,
                flat_tables=None if flat is None else flat.table.astype(np.float32),
                joint=joint_tables(tables.table.astype(np.float32)),
                flat_joint=() if flat is None else joint_tables(flat.table.astype(np.float32)),
            )
        )

    # Construct sums from category codes c = x - (min - 1), 0 when missing: an ordinary item adds
    # c + (min - 1), a reverse-keyed one (min + max) - x = (max + 1) - c. So sums = codes @ signs +
    # answered @ offsets, and counts = answered @ membership.
    scored = [c for c in instrument.constructs if c.scored]
    k = len(scored)
    signs = np.zeros((len(likert), k), dtype=np.float32)
    offsets = np.zeros((len(likert), 2 * k), dtype=np.float32)
    sizes = []
    for slot, construct in enumerate(scored):
        members = [i for i in construct.items if i.type == "likert" and i.scale is not None]
        sizes.append(len(members))
        for item in members:
            assert item.scale is not None
            b = in_block[item.id]
            signs[b, slot] = -1.0 if item.reverse else 1.0
            offsets[b, slot] = float(item.scale.max + 1) if item.reverse else float(item.scale.min - 1)
            offsets[b, k + slot] = 1.0
    sizes_arr = np.array(sizes)
    return ScoringPlan(
        parts=tuple(parts),
        log_prior=np.log(model.prior),
        log_node_weights=model.quadrature()[1],
        min_answered_share=model.min_answered_share,
        min_top_probability=model.min_top_probability,
        min_top_gap=model.min_top_gap,
        block_columns=block_columns,
        block_shift=shift,
        construct_names=tuple(c.id for c in scored),
        construct_signs=signs,
        construct_offsets=offsets,
        construct_needed=np.array(
            [_needed(model.min_answered_share, s) for s in sizes_arr], dtype=np.float32
        ),
        construct_sizes=sizes_arr,
        stage_scale_index=np.array([k for k, c in enumerate(scored) if c.kind == "stage"], dtype=np.intp),
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
