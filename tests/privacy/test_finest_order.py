"""The release's decisions depend on the cells, never on the order an engine lists them in.

The solver picks which cell of a leak to hide first in the cells' order; DuckDB's group-by and the
tally list the same finest cells in orders of their own, and a reviewer found the board's table of
one unit x level cell differing between them ("stages" in memory, "bands" on the tally) and five
decisions changing over eight shuffles of the same cells. ``solve_release`` now puts given cells in
``finest_cells``' order first.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

import allypath
from allypath.privacy import PrivacyPolicy, default_breakdowns, solve_release
from allypath.privacy.release import finest_cells
from allypath.scoring import CarelessRules, load_stage_model

COLUMNS = ["level", "region", "unit"]


def _decisions(release) -> dict[object, tuple[object, ...]]:
    return {key: (c.n, c.reason, c.detail, c.split_reason) for key, c in release.cells.items()}


def test_shuffled_finest_cells_get_the_same_decisions() -> None:
    model = dataclasses.replace(load_stage_model(), careless=CarelessRules.off())
    frame = allypath.score(allypath.simulate(500, seed=9), model=model)
    rows = frame[frame["status"] == "scored"]
    declared = default_breakdowns(["level", "region"], ["unit"])
    policy = PrivacyPolicy(k=5)
    finest = finest_cells(rows, COLUMNS)

    def solved(cells: pd.DataFrame):
        return solve_release(
            pd.DataFrame(), declared, policy, wave_column=None, hierarchy=["unit"], finest=cells
        )

    expected = _decisions(solved(finest))
    assert expected == _decisions(solve_release(rows, declared, policy, wave_column=None, hierarchy=["unit"]))
    changed = 0
    for seed in range(8):
        shuffled = finest.sample(frac=1, random_state=seed).reset_index(drop=True)
        changed += sum(
            a != b for a, b in zip(expected.values(), _decisions(solved(shuffled)).values(), strict=True)
        )
    assert changed == 0
