"""Which comment lists of a wave's solved cells may be shown (docs/privacy.md): lists can be compared
line by line, so every Venn cell of the lists shown holds 0 or at least ``k_text`` commenters."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from allypath.privacy.solve import SolvedCell

__all__ = ["comment_pass"]


def comment_pass(cells: list[SolvedCell], finest_commenters: np.ndarray, k_text: int) -> None:
    """Each shown cell's comment list (step 5 of :mod:`allypath.privacy.solve`): shown when it has at
    least ``k_text`` commenters and, with every list shown before it, every Venn cell of the lists
    holds 0 or at least ``k_text`` commenters."""
    rng = np.random.default_rng(20262)
    signature = np.zeros((finest_commenters.size, 2), dtype=np.int64)
    commenting = finest_commenters > 0
    for cell in cells:  # cells come in table order, each table's values sorted: a fixed order
        if not cell.shown:
            cell.comment_reason = cell.reason or "below_k"
            continue
        if cell.commenters < k_text:
            cell.comment_reason = "below_k_text"
            continue
        mark = rng.integers(0, 2**40, size=2, dtype=np.int64)
        trial = signature.copy()
        trial[cell.members] += mark
        keys = trial[commenting]
        _, inverse = np.unique(keys, axis=0, return_inverse=True)
        venn = np.bincount(inverse.ravel(), weights=finest_commenters[commenting])
        if ((venn > 0) & (venn < k_text)).any():
            cell.comment_reason = "comment_overlap"
            continue
        signature = trial
        cell.comments = True
