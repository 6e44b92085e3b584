"""The numeric scoring kernel: pure numpy over an answer matrix, no pandas, no Python per row.

Inputs are a float32 answer matrix (respondents x instrument columns, NaN = missing) and a
:class:`ScoringPlan` precomputed from the instrument and the stage model. The stage log-likelihood is
a sum of table look-ups; the plan joins up to six items into one table (6**6 rows: every combination
of their answers), so one look-up per pass serves six items and the passes over memory drop sixfold.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

__all__ = ["JointTable", "KernelResult", "ScoringPlan", "StagePart", "joint_tables", "run_kernel"]

N_STAGES = 4
_EXP_BOUND = 700.0  # |x| <= 700: exp(x) neither overflows nor falls into the slow subnormal range
_STAGE_NUMBERS = np.arange(1, N_STAGES + 1, dtype=np.float64)


@dataclass(frozen=True)
class StagePart:
    """Stage-informative items of one construct: their matrix columns and log-likelihood tables."""

    name: str
    columns: np.ndarray  # indices into the likert block
    categories: np.ndarray  # categories per item (max - min + 1)
    reverse: np.ndarray  # bool per item
    tables: np.ndarray  # (items, categories + 1, nodes * 4) float32; row 0 = missing
    is_context: bool
    # Context parts only: tables without the acquiescence term (4 columns). A context is placed from
    # its four items alone; integrating acquiescence there cost more than all the rest of the kernel.
    flat_tables: np.ndarray | None = None
    joint: tuple[JointTable, ...] = ()
    flat_joint: tuple[JointTable, ...] = ()


@dataclass(frozen=True)
class JointTable:
    """Log-likelihoods of every combination of answers to a few items, summed.

    Row ``sum_j codes[j] * width ** (len - 1 - j)`` holds ``sum_j tables[items[j], codes[j]]``.
    """

    items: np.ndarray  # positions within the part
    width: int
    table: np.ndarray  # (width ** len(items), columns)


MAX_JOINT_ROWS = 50_000


def joint_tables(tables: np.ndarray, max_rows: int = MAX_JOINT_ROWS) -> tuple[JointTable, ...]:
    """Group a part's item tables into as few joint tables as ``max_rows`` allows."""
    items, width, columns = tables.shape
    per_table = max(1, int(np.floor(np.log(max_rows) / np.log(width) + 1e-9)))
    out = []
    for start in range(0, items, per_table):
        block = np.arange(start, min(start + per_table, items))
        joint = np.zeros((1, columns), dtype=tables.dtype)
        for j in block:
            joint = (joint[:, None, :] + tables[j][None, :, :]).reshape(-1, columns)
        out.append(JointTable(block, width, np.ascontiguousarray(joint)))
    return tuple(out)


@dataclass(frozen=True)
class ScoringPlan:
    """Everything the kernel needs that does not depend on the respondents."""

    parts: tuple[StagePart, ...]
    log_prior: np.ndarray  # (4,)
    log_node_weights: np.ndarray  # (nodes,) acquiescence quadrature
    min_answered_share: float
    min_top_probability: float
    min_top_gap: float
    block_columns: np.ndarray  # answer-matrix columns of every likert item (the "likert block")
    block_shift: np.ndarray  # scale minimum - 1 per block column: code = answer - shift
    construct_names: tuple[str, ...]
    construct_signs: np.ndarray  # (block, constructs): +1 ordinary, -1 reverse-keyed
    construct_offsets: np.ndarray  # (block, 2 * constructs): per-answer constants | membership
    construct_needed: np.ndarray  # (constructs,) answered items needed for a score
    construct_sizes: np.ndarray  # (constructs,) items per construct
    stage_scale_index: np.ndarray  # indices (into constructs) of the four stage scales


@dataclass(frozen=True)
class KernelResult:
    probabilities: np.ndarray  # (n, 4), NaN rows where no stage can be placed
    placed: np.ndarray  # bool: every stage scale met the answered-share rule
    stage: np.ndarray  # int8 1..4 (0 where not placed)
    between: np.ndarray  # bool
    trailing: np.ndarray  # int8
    leading: np.ndarray  # int8
    index: np.ndarray  # 0..100
    index_se: np.ndarray
    construct_scores: np.ndarray  # (n, constructs) float32, NaN below the answered-share rule
    construct_counts: np.ndarray  # (n, constructs) answered items
    context_stages: dict[str, np.ndarray]  # int8 per context, 0 where not placed


def _codes(block: np.ndarray, part: StagePart) -> np.ndarray:
    """Category codes 1..k per item after reverse-keying; 0 = missing (int16, n x items)."""
    codes = block[:, part.columns].astype(np.int16)
    if not part.reverse.any():
        return codes
    flipped = np.where(codes > 0, part.categories + 1 - codes, 0).astype(np.int16)
    return np.where(part.reverse, flipped, codes)


def _part_loglik(
    codes: np.ndarray, joints: tuple[JointTable, ...], out: np.ndarray | None = None
) -> np.ndarray:
    """Sum over items of tables[j, codes[:, j]]: one look-up per joint table (added to ``out``)."""
    n = codes.shape[0]
    columns = joints[0].table.shape[1]
    total = np.zeros((n, columns), dtype=joints[0].table.dtype) if out is None else out
    for joint in joints:
        index = np.zeros(n, dtype=np.int32)
        for j in joint.items:
            index *= joint.width
            index += codes[:, j]
        total += np.take(joint.table, index, axis=0)
    return total


def _integrate(loglik: np.ndarray, log_weights: np.ndarray) -> np.ndarray:
    """(n, nodes * 4) joint log-likelihood -> (n, 4) marginal over the acquiescence nodes.

    Columns are node-major (``q * 4 + s``), so every step is an elementwise operation on (n, 4)
    slices: reductions over a tiny trailing axis cost numpy far more per row than the arithmetic.
    The shift is the best stage at the central node; exponents are kept within +-700 so nothing
    overflows, and nothing underflows either: ``exp`` of a number below about -708 gives a subnormal
    result that the processor computes about nine times slower (measured), and a term that small
    (e**-700 is 1e-304) changes no probability anyone can read.
    """
    nodes = len(log_weights)
    if nodes == 1:
        return loglik
    centre = loglik[:, (nodes // 2) * N_STAGES : (nodes // 2 + 1) * N_STAGES]
    shift = np.maximum(np.maximum(centre[:, 0], centre[:, 1]), np.maximum(centre[:, 2], centre[:, 3]))
    shift = shift[:, None]
    # One subtraction, clip and exp over the whole contiguous block, then a weighted sum of its
    # node slices: the same additions in the same order as node by node, 20% less time.
    terms = loglik - shift
    np.clip(terms, -_EXP_BOUND, _EXP_BOUND, out=terms)
    np.exp(terms, out=terms)
    weights = np.exp(log_weights)
    total = terms[:, :N_STAGES] * weights[0]
    for q in range(1, nodes):
        total += terms[:, q * N_STAGES : (q + 1) * N_STAGES] * weights[q]
    with np.errstate(divide="ignore"):
        return np.log(total) + shift


def _posterior(loglik: np.ndarray) -> np.ndarray:
    peak = np.maximum(np.maximum(loglik[:, 0], loglik[:, 1]), np.maximum(loglik[:, 2], loglik[:, 3]))
    loglik = loglik - peak[:, None]
    np.maximum(loglik, -_EXP_BOUND, out=loglik)  # no subnormal exp (see _integrate)
    probs = np.exp(loglik)
    probs /= probs.sum(axis=1, keepdims=True)
    return probs


CHUNK_ROWS = 16384
WORKERS = max(1, min(4, os.cpu_count() or 1))


def run_kernel(matrix: np.ndarray, plan: ScoringPlan, chunk_rows: int = CHUNK_ROWS) -> KernelResult:
    """Score an answer matrix (float32, n x columns, NaN = missing).

    Rows are processed in blocks of ``chunk_rows`` so that every temporary stays in the processor's
    cache: on large inputs, fresh multi-hundred-megabyte temporaries cost more in page faults than the
    arithmetic itself (measured: 10x slower at a million rows).
    """
    n = matrix.shape[0]
    if n <= chunk_rows:
        return _run_block(matrix, plan)
    starts = range(0, n, chunk_rows)
    first = _run_block(matrix[:chunk_rows], plan)
    result = _allocate(first, n)
    _store(result, first, 0)

    def score_into(start: int) -> None:
        _store(result, _run_block(matrix[start : start + chunk_rows], plan), start)

    # Blocks are independent and numpy releases the GIL, so two threads use both cores; BLAS itself
    # is kept to one thread per block, which is faster than splitting such small products. Each
    # block is copied into the result by its own thread (no single-threaded concatenation at the end).
    with threadpool_limits(limits=1, user_api="blas"), ThreadPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(score_into, starts[1:]))
    return result


def _allocate(like: KernelResult, n: int) -> KernelResult:
    """An uninitialised result for ``n`` rows with the shapes and types of ``like``."""

    def empty(array: np.ndarray) -> np.ndarray:
        return np.empty((n, *array.shape[1:]), dtype=array.dtype)

    return KernelResult(
        **{name: empty(getattr(like, name)) for name in _ROW_FIELDS},
        context_stages={name: empty(values) for name, values in like.context_stages.items()},
    )


def _store(result: KernelResult, block: KernelResult, start: int) -> None:
    rows = slice(start, start + len(block.placed))
    for name in _ROW_FIELDS:
        getattr(result, name)[rows] = getattr(block, name)
    for name, values in block.context_stages.items():
        result.context_stages[name][rows] = values


_ROW_FIELDS = (
    "probabilities",
    "placed",
    "stage",
    "between",
    "trailing",
    "leading",
    "index",
    "index_se",
    "construct_scores",
    "construct_counts",
)


def _run_block(matrix: np.ndarray, plan: ScoringPlan) -> KernelResult:
    n = matrix.shape[0]
    loglik = np.zeros((n, N_STAGES * len(plan.log_node_weights)), dtype=np.float32)
    context_stages: dict[str, np.ndarray] = {}
    context_ok: dict[str, np.ndarray] = {}
    # The likert block as category codes (answer - (min - 1)), 0 where unanswered.
    # Rows of the transposed (column-major) matrix are whole columns: a contiguous copy each.
    block = matrix.T[plan.block_columns].T
    np.subtract(block, plan.block_shift, out=block)
    np.copyto(block, 0.0, where=np.isnan(block))
    answered = np.minimum(block, 1.0)

    for part in plan.parts:
        codes = _codes(block, part)
        _part_loglik(codes, part.joint, out=loglik)
        if part.is_context:
            # Each context is placed from its own items alone (flat prior: no borrowing).
            n_answered = (codes > 0).sum(axis=1)
            needed = max(int(np.ceil(plan.min_answered_share * codes.shape[1] - 1e-9)), 1)
            own = _part_loglik(codes, part.flat_joint)
            context_stages[part.name] = (own.argmax(axis=1) + 1).astype(np.int8)
            context_ok[part.name] = n_answered >= needed

    # Construct means as masked sums: two matrix products for every construct at once.
    k = len(plan.construct_names)
    by_answer = answered @ plan.construct_offsets
    sums = block @ plan.construct_signs
    sums += by_answer[:, :k]
    counts = by_answer[:, k:]
    scores = sums
    scores /= np.maximum(counts, 1)
    scores[counts < plan.construct_needed] = np.nan
    placed = np.all(
        counts[:, plan.stage_scale_index] >= plan.construct_needed[plan.stage_scale_index], axis=1
    )

    probs = _posterior(_integrate(loglik.astype(np.float64), plan.log_node_weights) + plan.log_prior)
    top = probs.argmax(axis=1)
    rows = np.arange(n)
    p_top = probs[rows, top]
    runner_up = probs.copy()
    runner_up[rows, top] = -1.0
    second = runner_up.argmax(axis=1)
    p_second = runner_up[rows, second]
    between = (p_top < plan.min_top_probability) | (p_top - p_second < plan.min_top_gap)
    stage = (top + 1).astype(np.int8)
    low, high = np.minimum(top, second) + 1, np.maximum(top, second) + 1
    trailing = np.where(between, low, stage).astype(np.int8)
    leading = np.where(between, high, stage).astype(np.int8)
    expected = probs @ _STAGE_NUMBERS
    spread = np.sqrt(np.maximum(probs @ _STAGE_NUMBERS**2 - expected**2, 0.0))
    index = (expected - 1.0) / 3.0 * 100.0
    index_se = spread / 3.0 * 100.0

    not_placed = ~placed
    probs[not_placed] = np.nan
    for array in (stage, trailing, leading):
        array[not_placed] = 0
    index[not_placed] = np.nan
    index_se[not_placed] = np.nan
    between &= placed
    for name, ok in context_ok.items():
        context_stages[name][~(ok & placed)] = 0
    return KernelResult(
        probabilities=probs,
        placed=placed,
        stage=stage,
        between=between,
        trailing=trailing,
        leading=leading,
        index=index,
        index_se=index_se,
        construct_scores=scores.astype(np.float32, copy=False),
        construct_counts=counts.astype(np.int16),
        context_stages=context_stages,
    )
