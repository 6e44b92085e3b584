"""Issue 19, point 2: the kernel keeps BLAS to one thread in every block of a large input, the first
block too (BLAS's own threads competing with the kernel's made a block 2.5x slower on a busy machine),
and the result does not depend on it (the fit moments are exact sums whatever the order)."""

from __future__ import annotations

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

import allypath
from allypath.scoring import build_plan, load_stage_model
from allypath.scoring import kernel as kernel_module
from allypath.scoring.answers import read_answers


def blas_threads() -> list[int]:
    return [int(info["num_threads"]) for info in threadpool_info() if info["user_api"] == "blas"]


@pytest.fixture(scope="module")
def matrix_and_plan() -> tuple[np.ndarray, kernel_module.ScoringPlan]:
    instrument = allypath.load_instrument()
    frame = allypath.simulate(3000, seed=31)
    matrix = read_answers(frame, instrument.form("full"), on_error="mark").matrix
    return matrix, build_plan(instrument.form("full"), load_stage_model())


def test_every_block_of_a_large_input_runs_with_one_blas_thread(
    matrix_and_plan: tuple[np.ndarray, kernel_module.ScoringPlan], monkeypatch: pytest.MonkeyPatch
) -> None:
    if not blas_threads():
        pytest.skip("no BLAS library loaded in this process: nothing to limit")
    matrix, plan = matrix_and_plan
    seen: list[list[int]] = []
    run_block = kernel_module._run_block

    def recording(block: np.ndarray, block_plan: kernel_module.ScoringPlan) -> kernel_module.KernelResult:
        seen.append(blas_threads())
        return run_block(block, block_plan)

    monkeypatch.setattr(kernel_module, "_run_block", recording)
    with threadpool_limits(limits=2, user_api="blas"):  # as on a 2-core machine, whatever this one has
        assert max(blas_threads()) == 2
        kernel_module.run_kernel(matrix, plan, chunk_rows=1000)  # three blocks
        kernel_module.run_kernel(matrix[:800], plan, chunk_rows=1000)  # one block, still large
        assert max(blas_threads()) == 2  # given back afterwards
    assert len(seen) == 4
    assert all(threads == [1] * len(threads) for threads in seen), seen


def test_the_result_is_the_same_whatever_the_blocks_and_blas_threads(
    matrix_and_plan: tuple[np.ndarray, kernel_module.ScoringPlan],
) -> None:
    matrix, plan = matrix_and_plan
    whole = kernel_module._run_block(matrix, plan)  # one block, BLAS as the process has it
    blocks = kernel_module.run_kernel(matrix, plan, chunk_rows=700)
    for name in kernel_module._ROW_FIELDS:
        a, b = getattr(whole, name), getattr(blocks, name)
        assert a.dtype == b.dtype, name
        assert np.ascontiguousarray(a).tobytes() == np.ascontiguousarray(b).tobytes(), name
    assert np.isfinite(blocks.person_fit).any() and blocks.placed.any()
