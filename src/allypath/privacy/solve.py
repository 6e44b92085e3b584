"""Solving one wave's publication: which cells of the declared tables may be shown, and how much of
their stage split (DESIGN §6, rules 1-3).

The input is the wave's *finest cells*: respondents grouped by every declared column at once, with
their count, their stage counts and their commenters. Every declared cell is a union of finest
cells, so everything here works on those (respondents of one finest cell are interchangeable for
every declared table) and any engine that can group by can feed it.

Method, deterministic and independent of who asks what:

1. **Primary suppression**: a cell of 1..k-1 respondents is hidden.
2. **Secondary suppression along every line**: for each cell shown and each table that refines it by
   one column (or one level down the unit hierarchy), the respondents it holds outside its shown
   children number 0 or at least k; otherwise its smallest shown child is hidden too.
3. **The exact linear audit** (:func:`allypath.privacy.audit.find_small_derivable`) over all shown
   cells of the wave at once: while some combination of shown counts isolates 1..k-1 respondents,
   the smallest shown cell of that combination is hidden. Steps 2 and 3 repeat until neither
   changes anything, so the result holds against every linear combination of every table.
   A cell hidden this way whose count the shown cells determine after all is shown again: it
   adds nothing to what can be worked out, and hiding it would only lose information.
4. **Attribute disclosure**: a shown cell shows its stage split only if no stage holds all but at
   most one of its members (then even a member who knows his own answer cannot tell another's); else
   in two bands (Apathy or Ambivalence / Reflective or Energised) if those pass, else not at all.
   The same test runs on what the lines give away (a shown cell minus its children that show at
   least as much detail), and lowers the parent's detail until nothing can be worked out.
5. **Comments**: a cell's comment list is shown when it has at least ``k_text`` commenters and, with
   every list shown before it in a fixed order, every Venn cell of the lists holds 0 or at least
   ``k_text`` commenters (lists can be compared line by line).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from allypath.privacy.audit import DEFAULT_BUDGET, find_small_derivable
from allypath.privacy.policy import PrivacyPolicy

__all__ = ["DETAIL_BANDS", "DETAIL_NONE", "DETAIL_STAGES", "SolvedCell", "Table", "solve_wave"]

DETAIL_STAGES, DETAIL_BANDS, DETAIL_NONE = 2, 1, 0
STAGE_COUNT = 4
# A connected part of the audit larger than this many (cells x atoms) is not searched exactly:
# its smallest cell touching a small atom is hidden instead (safe, at some loss of detail).
MAX_DENSE_CELLS = 6_000_000
MAX_RESTORE_CELLS = 4_000_000  # (shown cells x finest cells) above which the restore pass is skipped


@dataclass(frozen=True)
class Table:
    """A declared table within one wave: its columns, and flag columns kept at True only."""

    columns: tuple[str, ...]
    flags: tuple[str, ...] = ()

    @property
    def all_columns(self) -> tuple[str, ...]:
        return (*self.columns, *self.flags)


@dataclass
class SolvedCell:
    table: Table
    values: tuple[object, ...]
    members: np.ndarray  # positions of its finest cells
    n: int
    shown: bool = True
    reason: str = ""
    detail: int = DETAIL_STAGES
    split_reason: str = ""
    comments: bool = False
    comment_reason: str = ""
    commenters: int = 0
    stages: np.ndarray = field(default_factory=lambda: np.zeros(STAGE_COUNT, dtype=np.int64))


def _cells(finest: pd.DataFrame, tables: Sequence[Table]) -> list[SolvedCell]:
    counts = finest["n"].to_numpy(dtype=np.int64)
    stages = finest[[f"stage_{s}" for s in range(1, STAGE_COUNT + 1)]].to_numpy(dtype=np.int64)
    commenters = finest["commenters"].to_numpy(dtype=np.int64)
    out: list[SolvedCell] = []
    for table in tables:
        keep = np.ones(len(finest), dtype=bool)
        for column in table.columns:
            keep &= finest[column].notna().to_numpy(dtype=bool)
        for flag in table.flags:
            keep &= finest[flag].fillna(False).to_numpy(dtype=bool)
        positions = np.flatnonzero(keep)
        if not table.columns:
            groups: dict[tuple[object, ...], np.ndarray] = {(): positions} if positions.size else {}
        else:
            part = finest.iloc[positions]
            indices = part.groupby(list(table.columns), sort=True, dropna=True).indices
            groups = {
                (key if isinstance(key, tuple) else (key,)): positions[np.asarray(index)]
                for key, index in indices.items()
            }
        for values, members in groups.items():
            plain = tuple(v.item() if isinstance(v, np.generic) else v for v in values)
            n = int(counts[members].sum())
            if n == 0:
                continue
            out.append(
                SolvedCell(
                    table,
                    plain,
                    members,
                    n,
                    commenters=int(commenters[members].sum()),
                    stages=stages[members].sum(axis=0),
                )
            )
    return out


def _refines(child: Table, parent: Table, hierarchy: dict[str, str]) -> bool:
    """``child`` splits each cell of ``parent`` along one more column or one unit level down."""
    a, b = set(child.all_columns), set(parent.all_columns)
    if len(a) == len(b) + 1 and b < a:
        return True
    if len(a) == len(b):
        extra, missing = a - b, b - a
        if len(extra) == 1 and len(missing) == 1:
            return hierarchy.get(next(iter(extra))) == next(iter(missing))
    return False


def _relations(
    cells: Sequence[SolvedCell], tables: Sequence[Table], hierarchy: dict[str, str], size: int
) -> list[tuple[int, list[int]]]:
    """(parent cell, its child cells) for every pair of tables where one refines the other."""
    where: dict[Table, np.ndarray] = {}
    for table in tables:
        owner = np.full(size, -1, dtype=np.int64)
        for index, cell in enumerate(cells):
            if cell.table == table:
                owner[cell.members] = index
        where[table] = owner
    out: list[tuple[int, list[int]]] = []
    for child_table in tables:
        for parent_table in tables:
            if not _refines(child_table, parent_table, hierarchy):
                continue
            children: dict[int, list[int]] = {}
            for index, cell in enumerate(cells):
                if cell.table == child_table:
                    parent = int(where[parent_table][cell.members[0]])
                    if parent >= 0:
                        children.setdefault(parent, []).append(index)
            out.extend(sorted(children.items()))
    return out


def _order(cell: SolvedCell, index: int) -> tuple[int, int]:
    return (cell.n, index)


def _line_pass(cells: list[SolvedCell], relations: list[tuple[int, list[int]]], k: int) -> bool:
    changed = False
    for parent, children in relations:
        if not cells[parent].shown:
            continue
        while True:
            shown = [c for c in children if cells[c].shown]
            hidden = cells[parent].n - sum(cells[c].n for c in shown)
            if not 0 < hidden < k or not shown:
                break
            victim = min(shown, key=lambda c: _order(cells[c], c))
            cells[victim].shown, cells[victim].reason = False, "complementary"
            changed = True
    return changed


def _atoms(matrix: sp.csr_matrix, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Atom of each finest cell (-1 in no shown cell) and each atom's respondents."""
    rng = np.random.default_rng(20261)
    marks = rng.integers(0, 2**40, size=(matrix.shape[0], 2), dtype=np.int64)
    signature = matrix.T.astype(np.int64) @ marks
    member = (np.asarray(matrix.getnnz(axis=0)) > 0) & (weights > 0)
    atom_of = np.full(matrix.shape[1], -1, dtype=np.int64)
    first = pd.factorize(signature[member, 0])[0]
    second = pd.factorize(signature[member, 1])[0]
    atom_of[member] = pd.factorize(first * (int(second.max(initial=0)) + 1) + second)[0]
    sizes = np.bincount(atom_of[member], weights=weights[member], minlength=int(atom_of.max(initial=-1)) + 1)
    return atom_of, sizes.astype(np.int64)


def _audit_pass(cells: list[SolvedCell], size: int, weights: np.ndarray, k: int, budget: int) -> bool:
    """Hide one cell in every connected part where shown counts isolate 1..k-1 respondents."""
    shown = [i for i, c in enumerate(cells) if c.shown]
    if not shown:
        return False
    rows = [cells[i].members for i in shown]
    indptr = np.concatenate([[0], np.cumsum([r.size for r in rows])])
    matrix = sp.csr_matrix(
        (np.ones(int(indptr[-1]), dtype=np.int32), np.concatenate(rows), indptr), shape=(len(rows), size)
    )
    atom_of, atom_sizes = _atoms(matrix, weights)
    small = (atom_sizes > 0) & (atom_sizes < k)
    if not small.any():
        return False
    member = atom_of >= 0
    onehot = sp.csr_matrix(
        (np.ones(int(member.sum()), dtype=np.int32), (np.flatnonzero(member), atom_of[member])),
        shape=(size, atom_sizes.size),
    )
    cover = (matrix @ onehot).tocsr()
    cover.data = np.ones_like(cover.data)
    graph = sp.bmat([[None, cover], [cover.T, None]]).tocsr()
    _, component = connected_components(graph, directed=False)
    cell_component, atom_component = component[: len(shown)], component[len(shown) :]
    changed = False
    for label in np.unique(atom_component[small]):
        group_rows = np.flatnonzero(cell_component == label)
        atoms = np.flatnonzero(atom_component == label)
        if group_rows.size * atoms.size > MAX_DENSE_CELLS:
            touching = np.unique(cover[:, atoms[small[atoms]]].tocoo().row)
            victim = min((shown[r] for r in touching), key=lambda c: _order(cells[c], c))
        else:
            dense = cover[group_rows][:, atoms].toarray()
            found = find_small_derivable(dense, atom_sizes[atoms], k, budget=budget)
            if found is None:
                continue
            involved = group_rows if found.undecided or not found.groups else group_rows[list(found.groups)]
            victim = min((shown[r] for r in involved), key=lambda c: _order(cells[c], c))
        cells[victim].shown, cells[victim].reason = False, "complementary"
        changed = True
    return changed


def _incidence(cells: Sequence[SolvedCell], size: int) -> np.ndarray:
    matrix = np.zeros((len(cells), size))
    for row, cell in enumerate(cells):
        matrix[row, cell.members] = 1.0
    return matrix


def _restore_pass(cells: list[SolvedCell], size: int) -> None:
    """Show again every hidden cell whose count the shown cells already determine (it adds nothing:
    its count and stage split follow from theirs), so no cell is hidden for nothing."""
    shown = [c for c in cells if c.shown]
    candidates = [c for c in cells if not c.shown and c.reason == "complementary"]
    if not shown or not candidates or len(shown) * size > MAX_RESTORE_CELLS:
        return
    basis = _incidence(shown, size)
    targets = _incidence(candidates, size)
    coefficients, *_ = np.linalg.lstsq(basis.T, targets.T, rcond=None)
    residual = np.abs(basis.T @ coefficients - targets.T).max(axis=0)
    for cell, gap in zip(candidates, residual, strict=True):
        if gap < 1e-7:
            cell.shown, cell.reason = True, ""


def _bands(counts: np.ndarray) -> np.ndarray:
    return np.array([counts[0] + counts[1], counts[2] + counts[3]])


def disclosive(counts: np.ndarray, n: int) -> bool:
    """True when one category holds all members but at most one (so members can be told apart)."""
    return n > 0 and int(counts.max(initial=0)) >= n - 1


def _at(counts: np.ndarray, detail: int) -> np.ndarray:
    return counts if detail == DETAIL_STAGES else _bands(counts)


def _attribute_pass(cells: list[SolvedCell], relations: list[tuple[int, list[int]]]) -> None:
    for cell in cells:
        if not cell.shown:
            cell.detail = DETAIL_NONE
            continue
        cell.detail = DETAIL_STAGES
        while cell.detail > DETAIL_NONE and disclosive(_at(cell.stages, cell.detail), cell.n):
            cell.detail -= 1
    changed = True
    while changed:
        changed = False
        for parent, children in relations:
            cell = cells[parent]
            if cell.detail == DETAIL_NONE:
                continue
            known = [c for c in children if cells[c].shown and cells[c].detail >= cell.detail]
            rest_n = cell.n - sum(cells[c].n for c in known)
            if rest_n <= 0:
                continue
            rest = cell.stages - sum((cells[c].stages for c in known), np.zeros(STAGE_COUNT, dtype=np.int64))
            if disclosive(_at(rest, cell.detail), rest_n):
                cell.detail -= 1
                changed = True
    for cell in cells:
        if cell.shown and cell.detail < DETAIL_STAGES:
            cell.split_reason = "bands" if cell.detail == DETAIL_BANDS else "attribute"


def _comment_pass(cells: list[SolvedCell], finest_commenters: np.ndarray, k_text: int) -> None:
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


def solve_wave(
    finest: pd.DataFrame,
    tables: Sequence[Table],
    policy: PrivacyPolicy,
    *,
    hierarchy: dict[str, str] | None = None,
    open_wave: bool = False,
    budget: int = DEFAULT_BUDGET,
) -> list[SolvedCell]:
    """Every cell of ``tables`` in one wave with what may be shown of it (see the module docstring).

    ``finest`` has the declared columns, ``n``, ``stage_1``..``stage_4`` and ``commenters`` per
    finest cell; ``hierarchy`` maps a unit column to the column one level up (``unit2`` -> ``unit``).
    An ``open_wave`` still collecting answers shows counts only (no split, no comments): successive
    snapshots would otherwise give away the newest responses.
    """
    finest = finest.reset_index(drop=True)
    hierarchy = dict(hierarchy or {})
    cells = _cells(finest, tables)
    weights = finest["n"].to_numpy(dtype=np.int64)
    relations = _relations(cells, tables, hierarchy, len(finest))
    for cell in cells:
        if cell.n < policy.k:
            cell.shown, cell.reason = False, "below_k"
    while True:
        changed = _line_pass(cells, relations, policy.k)
        if not changed:
            changed = _audit_pass(cells, len(finest), weights, policy.k, budget)
        if not changed:
            break
    _restore_pass(cells, len(finest))
    if open_wave:
        for cell in cells:
            cell.detail = DETAIL_NONE
            cell.split_reason = "open_wave" if cell.shown else ""
            cell.comment_reason = "open_wave" if cell.shown else cell.reason
        return cells
    _attribute_pass(cells, relations)
    _comment_pass(cells, finest["commenters"].to_numpy(dtype=np.int64), policy.k_text)
    return cells
