"""The release solver keeps BLAS to one thread: its null spaces, QRs and least squares are of incidence
matrices of a few hundred groups, where BLAS threads only add synchronisation. With numpy's and
scipy's OpenBLAS each running a thread per core, a null space of 77 x 111 took 0.1-0.4 s instead of
1 ms on a busy 2-core machine (`allypath summary --by unit` of 2,000 rows: 9.3 s instead of 2.2 s;
a release of 4,000 respondents in 20 units: 10.2 s instead of 1.7 s). The limit is given back after
the solve."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from allypath.privacy import PrivacyPolicy, default_breakdowns, find_small_derivable, solve_release
from allypath.privacy import solve as solve_module


def blas_threads() -> list[int]:
    return [int(info["num_threads"]) for info in threadpool_info() if info["user_api"] == "blas"]


def organisation(respondents: int = 600, units: int = 12, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "unit": [f"U{u}" for u in rng.integers(0, units, respondents)],
            "level": rng.choice(["IC", "Manager", "Director"], respondents, p=[0.75, 0.2, 0.05]),
            "region": rng.choice(["EMEA", "APAC", "Americas"], respondents),
            "wave": "W1",
            "stage": rng.choice(4, respondents, p=[0.15, 0.35, 0.3, 0.2]) + 1,
        }
    )


def test_the_audits_run_with_one_blas_thread_and_give_it_back(monkeypatch: pytest.MonkeyPatch) -> None:
    if not blas_threads():
        pytest.skip("no BLAS library loaded in this process: nothing to limit")
    seen: list[list[int]] = []

    def recording(*args: object, **kwargs: object) -> object:
        seen.append(blas_threads())
        return find_small_derivable(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(solve_module, "find_small_derivable", recording)
    data, declared = organisation(), default_breakdowns(["level", "region"], ["unit"])
    with threadpool_limits(limits=2, user_api="blas"):  # as on a 2-core machine, whatever this one has
        assert max(blas_threads()) == 2
        solve_release(data, declared, PrivacyPolicy())
        assert max(blas_threads()) == 2  # given back afterwards
    assert seen, "the data must send the solver to its linear audit"
    assert all(threads == [1] * len(threads) for threads in seen), seen
