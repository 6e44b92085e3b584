"""The numeric scoring kernel: pure numpy over an answer matrix, no pandas, no Python per row.

Inputs are a float32 answer matrix (respondents x instrument columns, NaN = missing) whose cells
:func:`~allypath.scoring.answers.read_answers` has checked (whole numbers within each item's scale)
and a :class:`ScoringPlan` precomputed from the instrument and the stage model.

The kernel works on one block of rows at a time and turns the block's likert answers into one byte
per answer, item by item (``codes``: items x respondents, reverse-keyed, 0 = missing). Every later
step reads whole rows of that small array, so each numpy call runs over contiguous memory:

* construct sums and counts: one reduction per construct over its (adjacent) rows;
* the stage log-likelihood: a sum of table look-ups; the plan joins up to six items into one table
  (6**6 rows: every combination of their answers), so one look-up serves six items;
* the careless-responding statistics (person fit, longest run of one answer, spread of the answers,
  answers that contradict their reverse-keyed twin): a few whole-row operations each, read from the
  same byte codes (:func:`_response_style`, :func:`_person_fit`, :func:`_reverse_conflicts`).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from allypath._blas import single_threaded_blas

__all__ = ["JointTable", "KernelResult", "ScoringPlan", "StagePart", "joint_tables", "run_kernel"]

N_STAGES = 4
_EXP_FLOOR = -80.0  # float32 exp(x) for x >= -80 is a normal number (subnormals start below -87)


@dataclass(frozen=True)
class JointTable:
    """Log-likelihoods of every combination of answers to a few items, summed.

    Row ``sum_j codes[j] * width ** (len - 1 - j)`` holds ``sum_j tables[items[j], codes[j]]``.
    """

    rows: np.ndarray  # rows of the code block, in the order of the index digits
    width: int
    table: np.ndarray  # (width ** len(rows), columns) float32


@dataclass(frozen=True)
class StagePart:
    """Stage-informative items of one construct, as joint log-likelihood tables over code rows."""

    name: str
    rows: np.ndarray  # rows of the code block
    is_context: bool
    joint: tuple[JointTable, ...]  # nodes * 4 columns: stage x acquiescence node
    # Context parts only: tables without the acquiescence term (4 columns). A context is placed from
    # its four items alone; integrating acquiescence there cost more than all the rest of the kernel.
    flat_joint: tuple[JointTable, ...] = ()
    # Context parts whose flat table is a single joint table: the placement of every combination of
    # answers (int8 stage, 0 where too few items are answered), so placing a context is one look-up.
    placement: np.ndarray | None = None
    # Beside ``placement``: the four stage probabilities of every combination (float64, NaN rows where
    # too few items are answered), so a context's probabilities are one look-up too.
    placement_probabilities: np.ndarray | None = None


MAX_JOINT_ROWS = 50_000


def joint_tables(
    tables: np.ndarray, rows: np.ndarray, max_rows: int = MAX_JOINT_ROWS
) -> tuple[JointTable, ...]:
    """Group item tables (items, categories + 1, columns) into as few joint tables as ``max_rows`` allows.

    ``rows`` are the items' rows in the code block.
    """
    items, width, columns = tables.shape
    per_table = max(1, int(np.floor(np.log(max_rows) / np.log(width) + 1e-9)))
    out = []
    for start in range(0, items, per_table):
        block = np.arange(start, min(start + per_table, items))
        joint = np.zeros((1, columns), dtype=np.float32)
        for j in block:
            joint = (joint[:, None, :] + tables[j][None, :, :].astype(np.float32)).reshape(-1, columns)
        out.append(JointTable(np.asarray(rows)[block], width, np.ascontiguousarray(joint)))
    return tuple(out)


@dataclass(frozen=True)
class ScoringPlan:
    """Everything the kernel needs that does not depend on the respondents.

    The code block holds the likert items of the scored constructs, construct after construct.
    """

    parts: tuple[StagePart, ...]
    log_prior: np.ndarray  # (4,)
    temperature: float  # the posterior is tempered as p ** (1 / temperature) (1: as the model gives it)
    log_node_weights: np.ndarray  # (nodes,) acquiescence quadrature
    min_answered_share: float
    min_top_probability: float
    min_top_gap: float
    block_columns: np.ndarray  # answer-matrix column of each code-block row
    block_shift: np.ndarray  # (rows,) float32 scale minimum - 1: code = answer - shift
    reverse_rows: np.ndarray  # code-block rows of reverse-keyed items
    reverse_pivot: np.ndarray  # (len(reverse_rows),) uint8 k + 1: reverse-keyed code = k + 1 - code
    construct_names: tuple[str, ...]
    construct_starts: np.ndarray  # (constructs,) first code-block row of each construct
    construct_needed: np.ndarray  # (constructs,) answered items needed for a score
    construct_sizes: np.ndarray  # (constructs,) items per construct
    stage_scale_index: np.ndarray  # indices (into constructs) of the four stage scales
    # Person fit (:func:`_person_fit`): the stage-informative rows of the code block and, per cell
    # (acquiescence node x stage), the mean and variance of log P(answer | cell) of each item -- or,
    # with ``fit_groups``, of each group of items that share them (positions into ``fit_rows``).
    fit_rows: np.ndarray
    fit_moments: np.ndarray  # (2 * cells, items or groups) float64 on a 2**-20 grid: means, then variances
    fit_groups: tuple[np.ndarray, ...] | None
    reverse_constructs: np.ndarray  # (len(reverse_rows),) construct slot of each reverse-keyed row
    reverse_middle: np.ndarray  # (len(reverse_rows),) float32 middle code of each reverse-keyed item
    max_code: int  # the largest code any likert item of the block can take (its number of points)

    @property
    def shifted(self) -> bool:
        """Whether any scale starts elsewhere than 1 (codes then differ from answers)."""
        return bool(np.any(self.block_shift != 0))


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
    context_probabilities: dict[str, np.ndarray]  # (n, 4) float64 per context, NaN where not placed
    person_fit: np.ndarray  # float64: the best standardised log-likelihood over stage x acquiescence
    longest_run: (
        np.ndarray
    )  # uint8 (uint16 past 255 items): most answers in a row that are the same (raw, not reverse-keyed)
    answer_sd: np.ndarray  # float64: standard deviation of the raw likert answers (NaN: < 2 answered)
    reverse_conflicts: np.ndarray  # int8: reverse-keyed answers on the same side as their scale


def _codes(
    matrix: np.ndarray, plan: ScoringPlan
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The block's likert answers as reverse-keyed category codes 1..k, 0 = missing (uint8, items x n),
    and the response-style statistics of the raw answers (:func:`_response_style`), read before the
    reverse-keyed rows are turned.

    Answers are whole numbers within their scale (checked on reading), so after the shift every answer
    is 1..k. A missing answer (NaN) casts to an arbitrary byte, which the multiplication by
    "answered" (NaN is the one value not equal to itself) turns into 0: both steps run at memory
    speed, unlike ``fmax`` or ``nan_to_num`` (2-10x slower, measured).
    """
    values = matrix.T[plan.block_columns]  # rows of the transposed matrix: one contiguous copy each
    if plan.shifted:
        values -= plan.block_shift[:, None]
    with np.errstate(invalid="ignore"):
        codes = values.astype(np.uint8)
    codes *= values == values
    style = _response_style(codes, plan)
    for row, pivot in zip(plan.reverse_rows, plan.reverse_pivot, strict=True):
        code = codes[row]
        flipped = np.subtract(pivot, code, dtype=np.uint8)
        flipped *= code != 0
        codes[row] = flipped
    return codes, style


_FEW_ROWS = 64  # below this, the longest run is counted with whole-array operations


def _response_style(raw: np.ndarray, plan: ScoringPlan) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Longest run of one answer, and the sum and sum of squares of the answers, over the raw codes
    (items x n).

    A run is broken by a different answer or a blank, in the order of the code block (the
    questionnaire's order of its likert items); 0 when nothing is answered. The sums give the spread
    of the answers (the within-person variability, IRV) once the answered counts are known. The run
    takes three in-place operations per item on byte counters, which stay in the processor's cache.
    """
    items, n = raw.shape
    run_type = np.uint8 if items < 256 else np.uint16
    continues = raw[1:] == raw[:-1]
    continues &= raw[1:] != 0  # a blank starts no run (it counts 1, and the first answer after it 1)
    best: np.ndarray = np.ones(n, dtype=run_type)
    if n < _FEW_ROWS and len(continues):
        # A few respondents (one web submission): a loop of three calls per item would cost more
        # than all the rest; count each streak at once (answers in a row so far, less those before
        # the last break) -- the same whole numbers.
        count = np.cumsum(continues, axis=0, dtype=np.int32)
        before_break = np.maximum.accumulate(np.where(continues, 0, count), axis=0)
        best += (count - before_break).max(axis=0).astype(run_type)
    else:
        run: np.ndarray = np.ones(n, dtype=run_type)
        for row in continues:
            np.multiply(run, row, out=run)
            np.add(run, 1, out=run)
            np.maximum(best, run, out=best)
    small = items * plan.max_code**2 < 2**16
    total_type = np.uint16 if small else np.uint32
    squares = np.multiply(raw, raw, dtype=np.uint8 if plan.max_code < 16 else np.uint16)
    return (
        best,
        np.add.reduce(raw, axis=0, dtype=total_type),
        np.add.reduce(squares, axis=0, dtype=total_type),
    )


def _answer_sd(total: np.ndarray, squares: np.ndarray, answered: np.ndarray) -> np.ndarray:
    """Population standard deviation of each respondent's answered codes; NaN below two answers."""
    count = answered.astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / count
        spread = np.sqrt(np.maximum(squares / count - mean * mean, 0.0))
    spread[answered < 2] = np.nan
    return spread


def _joint_index(codes: np.ndarray, joint: JointTable) -> np.ndarray:
    """Each respondent's row in ``joint.table``: the answers' codes as the digits of one number."""
    dtype = np.uint16 if len(joint.table) <= np.iinfo(np.uint16).max + 1 else np.int32
    index = codes[joint.rows[0]].astype(dtype)
    for row in joint.rows[1:]:
        index *= joint.width
        index += codes[row]
    return index


def _lookup(codes: np.ndarray, joints: tuple[JointTable, ...], out: np.ndarray | None = None) -> np.ndarray:
    """Sum over the joint tables of ``table[index of the answers]`` (added to ``out`` when given)."""
    for joint in joints:
        rows = np.take(joint.table, _joint_index(codes, joint), axis=0)
        if out is None:
            out = rows
        else:
            out += rows
    assert out is not None, "a stage part has at least one item"
    return out


def _integrated_likelihood(rows: np.ndarray, log_weights: np.ndarray) -> np.ndarray:
    """(nodes * 4, n) joint log-likelihood -> (4, n) likelihood over the acquiescence nodes, scaled.

    ``rows`` is overwritten.

    Each respondent's four likelihoods share one scale factor, ``exp(-peak)`` with ``peak`` the
    largest of the respondent's log-likelihoods, which the posterior cancels. So every exponent is
    <= 0 and nothing overflows; exponents are floored at -80 so nothing underflows either: below about
    -87 a float32 ``exp`` gives a subnormal result, which processors compute many times slower (9x
    measured in float64), and a term below e**-80 (1e-35) of the best one changes no probability
    anyone can read.

    The log-likelihoods are float32 sums (seven significant digits), so ``exp`` runs in float32 too:
    with the processor's vector units that is up to 7x faster than in float64 (measured). The
    weighted sum over nodes and everything after it run in float64. The work runs on the transposed
    block (one contiguous row per node and stage): numpy is fastest on long contiguous rows and
    slowest on reductions over a tiny trailing axis.
    """
    nodes = len(log_weights)
    peak = rows[0].copy()
    for row in rows[1:]:
        np.maximum(peak, row, out=peak)
    rows -= peak
    np.maximum(rows, _EXP_FLOOR, out=rows)
    np.exp(rows, out=rows)
    weights = np.exp(log_weights)
    total = rows[:N_STAGES] * weights[0]
    for q in range(1, nodes):
        total += rows[q * N_STAGES : (q + 1) * N_STAGES] * weights[q]
    return total


def _person_fit(rows: np.ndarray, codes: np.ndarray, plan: ScoringPlan) -> np.ndarray:
    """The best standardised log-likelihood of the stage-informative answers over the cells.

    For each cell ``c`` (a stage at one acquiescence node), ``lz_c = (l_c - E_c) / sqrt(V_c)``,
    where ``l_c`` is the log-likelihood of the answers in that cell (``rows``: nodes * 4 x n) and
    ``E_c``, ``V_c`` its mean and variance over answers drawn from the model in that cell, summed
    over the items the person answered (the lz statistic of Drasgow, Levine and Williams 1985, here
    for a latent-class model). The statistic is the largest ``lz_c``: a low value means that no
    stage, at any level of agreeing with everything, makes the answers typical. (Read at the middle
    node alone it flagged three times as many respondents of the differently built generator of
    ``allypath.synth.alternative``, measured.) The means and variances are one matrix product with
    the answered-item indicator, over the items' distinct moment columns (:attr:`ScoringPlan.fit_groups`).
    """
    answered = codes[plan.fit_rows] != 0
    if plan.fit_groups is not None:
        counts = np.empty((len(plan.fit_groups), answered.shape[1]), dtype=np.float64)
        for slot, group in enumerate(plan.fit_groups):
            counts[slot] = (
                np.add.reduce(answered[group], axis=0, dtype=np.uint16)
                if len(group) > 1
                else answered[group[0]]
            )
    else:
        counts = answered.astype(np.float64)
    cells = len(plan.fit_moments) // 2
    # The means, then the variances. The moments lie on a 2**-20 grid and the counts are whole, so
    # every sum is exact in float64 in whatever order the matrix product adds: a respondent's fit
    # does not depend on the width of his batch (a row at a threshold cannot change status with it).
    moments = (plan.fit_moments @ counts).astype(np.float32)
    with np.errstate(invalid="ignore", divide="ignore"):
        np.sqrt(moments[cells:], out=moments[cells:])
        np.subtract(rows, moments[:cells], out=moments[:cells])
        fit = moments[:cells]
        fit /= moments[cells:]
    best = np.max(fit, axis=0).astype(np.float64)
    best[~np.isfinite(best)] = np.nan
    return best


def _reverse_conflicts(
    codes: np.ndarray, scores: np.ndarray, counts: np.ndarray, plan: ScoringPlan
) -> np.ndarray:
    """How many reverse-keyed answers sit on the same side of the scale as the rest of their construct.

    Agreeing with "I tend to wait for others to take the lead" and, on average, with the other
    Energised items (or disagreeing with both) is a contradiction: reverse-keyed, the answer lies
    below the middle while the other items' mean lies at least half a point above it, or the other
    way round. ``scores`` are the construct means over all items (reverse-keyed ones turned), on
    the answers' scale; the other items' mean removes the reverse-keyed answer from it.
    """
    conflicts = np.zeros(codes.shape[1], dtype=np.int8)
    for row, slot, middle, shift in zip(
        plan.reverse_rows,
        plan.reverse_constructs,
        plan.reverse_middle,
        plan.block_shift[plan.reverse_rows],
        strict=True,
    ):
        code = codes[row].astype(np.float32)
        count = counts[slot].astype(np.float32) - 1.0
        with np.errstate(invalid="ignore", divide="ignore"):
            others = (scores[slot] * (count + 1.0) - (code + shift)) / count - shift
        others[(code == 0) | (count < 1)] = np.nan
        conflicts += ((code < middle) & (others >= middle + 0.5)) | (
            (code > middle) & (others <= middle - 0.5)
        )
    return conflicts


def _posterior(likelihood: np.ndarray, log_prior: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """(4, n) stage probabilities: prior x likelihood, normalised per respondent, then tempered.

    The best node and stage's scaled term is exp(0) = 1, so no respondent's sum is zero. Tempering
    (``p ** (1 / temperature)``, renormalised) is applied after the first normalisation, where the
    largest probability is at least 1/4, so the power cannot underflow the whole column.
    """
    probs = likelihood * np.exp(log_prior)[:, None]
    probs /= probs.sum(axis=0)
    if temperature != 1.0:
        np.power(probs, 1.0 / temperature, out=probs)
        probs /= probs.sum(axis=0)
    return probs


def _top_two(probs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The most and second most probable stage (0-based) and their probabilities, from (4, n).

    A knock-out of two pairs, stages 1-2 and 3-4, in elementwise operations on whole rows (four times
    faster than two ``argmax`` over the short axis, measured). The second is either the loser of the winning
    pair or the winner of the other pair. Ties go to the lower stage, as ``argmax`` does.
    """
    assert probs.shape[0] == N_STAGES
    p0, p1, p2, p3 = probs
    win01 = (p1 > p0).astype(np.int8)  # 0 or 1
    win23 = (p3 > p2).astype(np.int8) + 2  # 2 or 3
    high01, low01 = np.maximum(p0, p1), np.minimum(p0, p1)
    high23, low23 = np.maximum(p2, p3), np.minimum(p2, p3)
    upper = high23 > high01  # the top is stage 3 or 4
    top = np.where(upper, win23, win01)
    p_top = np.where(upper, high23, high01)
    # Second place: the winning pair's loser or the other pair's winner. Pair 1-2 holds the lower
    # stages, so on a tie the other pair's winner takes it only when that pair is 1-2 (top in 3-4).
    loser = np.where(upper, low23, low01)
    loser_stage = np.where(upper, 5 - win23, 1 - win01).astype(np.int8)
    other = np.where(upper, high01, high23)
    other_stage = np.where(upper, win01, win23)
    take_other = np.where(upper, other >= loser, other > loser)
    second = np.where(take_other, other_stage, loser_stage)
    p_second = np.maximum(loser, other)
    return top, second, p_top, p_second


CHUNK_ROWS = 16384
WORKERS = max(1, min(4, os.cpu_count() or 1))


def run_kernel(matrix: np.ndarray, plan: ScoringPlan, chunk_rows: int = CHUNK_ROWS) -> KernelResult:
    """Score an answer matrix (float32, n x columns, NaN = missing; cells checked on reading).

    Rows are processed in blocks of ``chunk_rows`` so that every temporary stays in the processor's
    cache: on large inputs, fresh multi-hundred-megabyte temporaries cost more in page faults than the
    arithmetic itself (measured: 10x slower at a million rows).
    """
    n = matrix.shape[0]
    if n < _FEW_BLAS_ROWS:  # a web submission: BLAS runs one thread on so few rows anyway
        return _run_block(matrix, plan)
    # BLAS is kept to one thread for every block, the first included: its own threads would compete
    # with the kernel's and with the caller's (a block with two BLAS threads ran 2.5x slower on a
    # busy machine, measured) for a product that one thread does in microseconds.
    with single_threaded_blas():
        return _run_blocks(matrix, plan, chunk_rows)


_FEW_BLAS_ROWS = 256


def _run_blocks(matrix: np.ndarray, plan: ScoringPlan, chunk_rows: int) -> KernelResult:
    n = matrix.shape[0]
    if n <= chunk_rows:
        return _run_block(matrix, plan)
    starts = range(0, n, chunk_rows)
    first = _run_block(matrix[:chunk_rows], plan)
    result = _allocate(first, n)
    _store(result, first, 0)

    def score_into(start: int) -> None:
        _store(result, _run_block(matrix[start : start + chunk_rows], plan), start)

    # Blocks are independent and numpy releases the GIL, so the threads use every core. Each block
    # is copied into the result by its own thread (no single-threaded concatenation at the end).
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(score_into, starts[1:]))
    return result


def _allocate(like: KernelResult, n: int) -> KernelResult:
    """An uninitialised result for ``n`` rows with the shapes and types of ``like``.

    Tables are column-major: callers read them column by column.
    """

    def empty(array: np.ndarray) -> np.ndarray:
        return np.empty((n, *array.shape[1:]), dtype=array.dtype, order="F")

    return KernelResult(
        **{name: empty(getattr(like, name)) for name in _ROW_FIELDS},
        context_stages={name: empty(values) for name, values in like.context_stages.items()},
        context_probabilities={name: empty(values) for name, values in like.context_probabilities.items()},
    )


def _store(result: KernelResult, block: KernelResult, start: int) -> None:
    rows = slice(start, start + len(block.placed))
    for name in _ROW_FIELDS:
        getattr(result, name)[rows] = getattr(block, name)
    for name, values in block.context_stages.items():
        result.context_stages[name][rows] = values
    for name, values in block.context_probabilities.items():
        result.context_probabilities[name][rows] = values


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
    "person_fit",
    "longest_run",
    "answer_sd",
    "reverse_conflicts",
)


def _construct_scores(codes: np.ndarray, plan: ScoringPlan) -> tuple[np.ndarray, np.ndarray]:
    """Construct means and answered counts, (constructs, n) each; NaN below the answered-share rule.

    A construct's items are adjacent rows of ``codes``, so each sum is one reduction over a few
    contiguous rows. A reverse-keyed code c' is (max + 1) - answer and an ordinary one is
    answer - (min - 1), so every answered item's value is its code plus its shift.
    """
    k = len(plan.construct_names)
    n = codes.shape[1]
    answered = (codes != 0).view(np.uint8)
    sums = np.empty((k, n), dtype=np.float32)
    counts = np.empty((k, n), dtype=np.uint16)
    bounds = [*plan.construct_starts.tolist(), len(codes)]
    code_sum = np.empty(n, dtype=np.uint16)
    for slot in range(k):
        rows = slice(bounds[slot], bounds[slot + 1])
        np.add.reduce(codes[rows], axis=0, dtype=np.uint16, out=code_sum)
        sums[slot] = code_sum
        np.add.reduce(answered[rows], axis=0, dtype=np.uint16, out=counts[slot])
    if plan.shifted:
        shifts = answered * plan.block_shift[:, None]
        for slot in range(k):
            sums[slot] += shifts[bounds[slot] : bounds[slot + 1]].sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):  # 0 / 0 where nothing is answered: masked next
        sums /= counts.astype(np.float32)
    sums[counts < plan.construct_needed[:, None]] = np.nan
    return sums, counts


def _context_stages(
    codes: np.ndarray, part: StagePart, min_answered_share: float
) -> tuple[np.ndarray, np.ndarray]:
    """A context's stage and stage probabilities (n, 4) from its own items alone (flat prior, no
    borrowing); stage 0 and NaN probabilities with too few answered."""
    if part.placement is not None and part.placement_probabilities is not None:
        index = _joint_index(codes, part.flat_joint[0])
        return np.take(part.placement, index), np.take(part.placement_probabilities, index, axis=0)
    needed = max(int(np.ceil(min_answered_share * len(part.rows) - 1e-9)), 1)
    loglik = _lookup(codes, part.flat_joint).astype(np.float64)
    stages = (loglik.argmax(axis=1) + 1).astype(np.int8)
    probabilities = np.exp(loglik - loglik.max(axis=1, keepdims=True))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    short = np.count_nonzero(codes[part.rows], axis=0) < needed
    stages[short] = 0
    probabilities[short] = np.nan
    return stages, probabilities


def _stage_moment(probs: np.ndarray, power: int) -> np.ndarray:
    """``sum_k k ** power * probs[k - 1]`` per respondent, from (4, n), added in stage order.

    Elementwise, not a matrix product: BLAS adds a column's four terms in an order that depends on
    where the column falls in its block (vector body or tail), so the same respondent's index moved
    in the last digit with the size of his batch; here each term is added in the same order always.
    """
    total = probs[0].copy()
    for k in range(1, N_STAGES):
        total += float((k + 1) ** power) * probs[k]
    return total


def _run_block(matrix: np.ndarray, plan: ScoringPlan) -> KernelResult:
    n = matrix.shape[0]
    codes, (longest_run, total, squares) = _codes(matrix, plan)
    scores, counts = _construct_scores(codes, plan)
    answered = counts.sum(axis=0)
    answer_sd = _answer_sd(total, squares, answered)
    longest_run[answered == 0] = 0
    reverse_conflicts = _reverse_conflicts(codes, scores, counts, plan)
    stage_counts = counts[plan.stage_scale_index]
    placed = np.all(stage_counts >= plan.construct_needed[plan.stage_scale_index][:, None], axis=0)
    not_placed = ~placed

    loglik = np.zeros((n, N_STAGES * len(plan.log_node_weights)), dtype=np.float32)
    context_stages: dict[str, np.ndarray] = {}
    context_probabilities: dict[str, np.ndarray] = {}
    for part in plan.parts:
        _lookup(codes, part.joint, out=loglik)
        if part.is_context:
            stages, probabilities = _context_stages(codes, part, plan.min_answered_share)
            stages[not_placed] = 0
            probabilities[not_placed] = np.nan
            context_stages[part.name] = stages
            context_probabilities[part.name] = probabilities

    rows = np.ascontiguousarray(loglik.T)
    person_fit = _person_fit(rows, codes, plan)
    probs = _posterior(_integrated_likelihood(rows, plan.log_node_weights), plan.log_prior, plan.temperature)
    top, second, p_top, p_second = _top_two(probs)
    between = (p_top < plan.min_top_probability) | (p_top - p_second < plan.min_top_gap)
    stage = top + 1
    trailing = np.where(between, np.minimum(top, second) + 1, stage).astype(np.int8)
    leading = np.where(between, np.maximum(top, second) + 1, stage).astype(np.int8)
    expected = _stage_moment(probs, 1)
    spread = np.sqrt(np.maximum(_stage_moment(probs, 2) - expected**2, 0.0))
    index = (expected - 1.0) / 3.0 * 100.0
    index_se = spread / 3.0 * 100.0

    probs[:, not_placed] = np.nan
    for array in (stage, trailing, leading):
        array[not_placed] = 0
    index[not_placed] = np.nan
    index_se[not_placed] = np.nan
    between &= placed
    return KernelResult(
        probabilities=probs.T,
        placed=placed,
        stage=stage,
        between=between,
        trailing=trailing,
        leading=leading,
        index=index,
        index_se=index_se,
        construct_scores=scores.T,
        construct_counts=counts.T.astype(np.int16),
        context_stages=context_stages,
        context_probabilities=context_probabilities,
        person_fit=person_fit,
        longest_run=longest_run,
        answer_sd=answer_sd,
        reverse_conflicts=reverse_conflicts,
    )
