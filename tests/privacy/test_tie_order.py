"""Which of several equal candidates the probe search acts on first, and so which cell it hides.

A large part of the audit (``solve._probe_part``) walks the small derivable sets in the order
:func:`allypath.privacy.probe.find_small_sets` lists them: lightest first, sets of one weight in
the order of their atoms; for each set not yet cut it hides the smallest shown cell holding some of
it, of equal cells the first. Where two candidates tie, that order decides what is hidden: these
parts are built so that the other order would hide another cell (or one more), and pin it.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from allypath.privacy.probe import find_small_sets
from allypath.privacy.solve import SolvedCell, Table, _probe_part

K = 5


def _hidden(rows: list[list[int]], sizes: list[int]) -> list[int]:
    """The cells (rows of atoms) one probe pass over the part hides, in cell order."""
    weights = np.array(sizes, dtype=np.int64)
    cells = [
        SolvedCell(Table(("unit",)), (f"U{r}",), np.array(atoms), int(weights[atoms].sum()))
        for r, atoms in enumerate(rows)
    ]
    shown = list(range(len(cells)))
    _probe_part(cells, shown, sp.csr_matrix(_incidence(rows, len(sizes))), np.arange(len(cells)), weights, K)
    return [r for r, cell in enumerate(cells) if not cell.shown]


def test_sets_of_one_weight_are_cut_in_the_order_of_their_atoms() -> None:
    # atoms 0, 1 (p, p') and 2, 3 (s, s') weigh 1, 4 and 5 weigh 10, 6..9 weigh 20: {0, 1} and
    # {2, 3} are derivable (cells 0 - 3 - 1 + 2 and 1 - 2), both of weight 2, neither atom alone
    # (cells 4..7 hold each with a heavy atom of its own)
    sizes = [1, 1, 1, 1, 10, 10, 20, 20, 20, 20]
    rows = [[0, 1, 2, 3, 4], [2, 3, 5], [5], [4], [0, 6], [1, 7], [2, 8], [3, 9]]
    sets = find_small_sets(sp.csr_matrix(_incidence(rows, len(sizes))), np.array(sizes), K)
    assert sets is not None
    assert sets[:2] == [(0, 1), (2, 3)]  # an exact tie on weight: the lower atoms first
    # {0, 1} first: its smallest cell is cell 0 (14), which holds {2, 3} too, so {2, 3} is cut as
    # well and nothing else is hidden. {2, 3} first would hide cell 1 (12), which leaves {0, 1}
    # whole, and then cell 0 as well.
    assert _hidden(rows, sizes) == [0]


def test_of_equal_cells_the_first_is_hidden() -> None:
    # atom 0 weighs 1 and is derivable (cell 0 - cell 2); cells 0 and 1 hold it and number 12 each
    sizes = [1, 11, 11]
    rows = [[0, 1], [0, 2], [1]]
    assert find_small_sets(sp.csr_matrix(_incidence(rows, len(sizes))), np.array(sizes), K) == [(0,)]
    assert _hidden(rows, sizes) == [0]
    assert _hidden([rows[1], rows[0], rows[2]], sizes) == [0]  # the first, whichever it is


def _incidence(rows: list[list[int]], atoms: int) -> np.ndarray:
    out = np.zeros((len(rows), atoms), dtype=np.int32)
    for r, held in enumerate(rows):
        out[r, held] = 1
    return out
