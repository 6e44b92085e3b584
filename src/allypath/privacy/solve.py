"""Solving one wave's publication: which cells of the declared tables may be shown, and how much of
their stage split (docs/privacy.md).

The input is the wave's *finest cells*: respondents grouped by every declared column at once, with
their count, their stage counts and their commenters. Every declared cell is a union of finest
cells, so everything here works on those (respondents of one finest cell are interchangeable for
every declared table) and any engine that can group by can feed it.

Method, deterministic and independent of who asks what:

1. **Primary suppression**: a cell of 1..k-1 respondents is hidden.
2. **Secondary suppression along every line**: for each cell shown and each table that refines it
   (more columns, or units further down the hierarchy), the respondents it holds outside its shown
   children there number 0 or at least k; otherwise its smallest shown child is hidden too.
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
   least as much detail), and lowers the parent's detail (at full detail in a wave searched exactly,
   its smallest such child's) until nothing can be worked out; then an exact search over every
   combination of the splits shown (:func:`_stage_audit`), while any set's stage counts would pin
   its members' stages, lowers the cheapest cells that cut it (a sibling of a small group, not its
   parents: :func:`~allypath.privacy.audit.cheapest_cut`). A lowered cell whose split the cells
   showing every stage determine anyway is shown again (:func:`_restore_detail`).
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

from allypath._blas import single_threaded_blas_in
from allypath.privacy.audit import DEFAULT_BUDGET, _explain, cheapest_cut, find_small_derivable
from allypath.privacy.comments import comment_pass
from allypath.privacy.policy import PrivacyPolicy
from allypath.privacy.probe import MAX_K, find_light_sets, find_small_sets, probes

__all__ = ["DETAIL_BANDS", "DETAIL_NONE", "DETAIL_STAGES", "FinestCells", "SolvedCell", "Table", "solve_wave"]

DETAIL_STAGES, DETAIL_BANDS, DETAIL_NONE = 2, 1, 0
STAGE_COUNT = 4
# A connected part of the audit larger than this many (cells x atoms) is not searched exactly:
# its smallest cell touching a small atom is hidden instead (safe, at some loss of detail).
MAX_DENSE_CELLS = 6_000_000
# A part larger than this is searched by null-space probes (exact for k <= 5, and far faster).
DENSE_AUDIT_CELLS = 250_000
# A part larger than this (and up to DENSE_AUDIT_CELLS) is searched by probes too, but the cell hidden
# is chosen from a least-squares combination that yields the set, as the dense search does.
PROBE_SEARCH_CELLS = 20_000
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


@dataclass(frozen=True)
class FinestCells:
    """One wave's (or several waves') finest cells as plain arrays, read from the frame once.

    ``codes`` holds each declared column as sorted integer codes (-1 for no value) with the values
    they stand for; a wave's part is a :meth:`take` of positions. Codes sorted over all waves keep
    each wave's order of values, so the cells come out in the same order as when factorised apart.
    """

    counts: np.ndarray
    stages: np.ndarray
    commenters: np.ndarray
    codes: dict[str, tuple[np.ndarray, np.ndarray]]
    flags: dict[str, np.ndarray]

    @classmethod
    def of(cls, finest: pd.DataFrame, tables: Sequence[Table]) -> FinestCells:
        codes = {}
        for column in sorted({c for t in tables for c in t.columns}):
            # plain objects: factorising them is many times faster than Arrow-backed strings
            values = finest[column].to_numpy(dtype=object)
            found, uniques = pd.factorize(values, sort=True, use_na_sentinel=True)
            codes[column] = (found, np.asarray(uniques, dtype=object))
        return cls(
            finest["n"].to_numpy(dtype=np.int64),
            finest[[f"stage_{s}" for s in range(1, STAGE_COUNT + 1)]].to_numpy(dtype=np.int64),
            finest["commenters"].to_numpy(dtype=np.int64),
            codes,
            {f: finest[f].fillna(False).to_numpy(dtype=bool) for t in tables for f in t.flags},
        )

    def __len__(self) -> int:
        return int(self.counts.size)

    def take(self, positions: np.ndarray) -> FinestCells:
        return FinestCells(
            self.counts[positions],
            self.stages[positions],
            self.commenters[positions],
            {c: (found[positions], uniques) for c, (found, uniques) in self.codes.items()},
            {f: on[positions] for f, on in self.flags.items()},
        )


def _cells(finest: FinestCells, tables: Sequence[Table]) -> list[SolvedCell]:
    counts, stages, commenters, codes = finest.counts, finest.stages, finest.commenters, finest.codes
    flags = finest.flags
    out: list[SolvedCell] = []
    for table in tables:
        keep = np.ones(len(finest), dtype=bool)
        for column in table.columns:
            keep &= codes[column][0] >= 0
        for flag in table.flags:
            keep &= flags[flag]
        positions = np.flatnonzero(keep)
        if positions.size == 0:
            continue
        if table.columns:
            key = np.stack([codes[c][0][positions] for c in table.columns], axis=1)
            combos, inverse = np.unique(key, axis=0, return_inverse=True)
            inverse = inverse.ravel()
        else:
            combos, inverse = np.zeros((1, 0), dtype=np.int64), np.zeros(positions.size, dtype=np.int64)
        order = np.argsort(inverse, kind="stable")
        bounds = np.searchsorted(inverse[order], np.arange(len(combos) + 1))
        for index, combo in enumerate(combos):
            members = positions[order[bounds[index] : bounds[index + 1]]]
            n = int(counts[members].sum())
            if n == 0:
                continue
            values = tuple(_plain(codes[c][1][code]) for c, code in zip(table.columns, combo, strict=True))
            out.append(
                SolvedCell(
                    table,
                    values,
                    members,
                    n,
                    commenters=int(commenters[members].sum()),
                    stages=stages[members].sum(axis=0),
                )
            )
    return out


def _plain(value: object) -> object:
    return value.item() if isinstance(value, np.generic) else value


def _ancestors(column: str, hierarchy: dict[str, str]) -> set[str]:
    out = {column}
    while column in hierarchy:
        column = hierarchy[column]
        out.add(column)
    return out


def _refines(child: Table, parent: Table, hierarchy: dict[str, str]) -> bool:
    """Each cell of ``child`` lies inside one cell of ``parent`` (more columns, or units further
    down the hierarchy, in one step or several), and the two tables differ."""
    if child == parent or not set(parent.flags) <= set(child.flags):
        return False
    covered: set[str] = set()
    for column in child.columns:
        covered |= _ancestors(column, hierarchy)
    return set(parent.columns) <= covered


def _relations(
    cells: Sequence[SolvedCell], tables: Sequence[Table], hierarchy: dict[str, str], size: int
) -> list[tuple[int, list[int]]]:
    """(parent cell, its child cells) for every pair of tables where one refines the other."""
    position = {table: t for t, table in enumerate(tables)}
    of_table: list[list[int]] = [[] for _ in tables]
    for index, cell in enumerate(cells):
        of_table[position[cell.table]].append(index)
    owners = []
    for members in of_table:
        owner = np.full(size, -1, dtype=np.int64)
        for index in members:
            owner[cells[index].members] = index
        owners.append(owner)
    out: list[tuple[int, list[int]]] = []
    for c, child_table in enumerate(tables):
        for p, parent_table in enumerate(tables):
            if not of_table[c] or not _refines(child_table, parent_table, hierarchy):
                continue
            children: dict[int, list[int]] = {}
            for index in of_table[c]:
                parent = int(owners[p][cells[index].members[0]])
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
    """Hide one cell in every connected part where shown counts isolate 1..k-1 respondents (in a
    large part searched by probes, one cell for every such set not already touched this pass)."""
    shown = [i for i, c in enumerate(cells) if c.shown]
    if not shown:
        return False
    matrix = _matrix([cells[i] for i in shown], size)
    atom_of, atom_sizes = _atoms(matrix, weights)
    small = (atom_sizes > 0) & (atom_sizes < k)
    if not small.any():
        return False
    cover = _cover(matrix, atom_of, atom_sizes.size)
    graph = sp.bmat([[None, cover], [cover.T, None]]).tocsr()
    _, component = connected_components(graph, directed=False)
    cell_component, atom_component = component[: len(shown)], component[len(shown) :]
    changed = False
    for label in np.unique(atom_component[small]):
        group_rows = np.flatnonzero(cell_component == label)
        atoms = np.flatnonzero(atom_component == label)
        if group_rows.size * atoms.size > DENSE_AUDIT_CELLS and k <= MAX_K:
            changed |= _probe_part(
                cells, shown, cover[group_rows][:, atoms], group_rows, atom_sizes[atoms], k
            )
            continue
        if group_rows.size * atoms.size > PROBE_SEARCH_CELLS and k <= MAX_K:
            # found by probes (fast), explained by least squares (as the dense search does)
            part = cover[group_rows][:, atoms]
            sets = find_small_sets(part, atom_sizes[atoms], k)
            if not sets:
                continue
            target = np.zeros(atoms.size)
            target[list(sets[0])] = 1.0
            groups = _explain(part.toarray().astype(float), target)
            involved = group_rows[list(groups)] if groups else group_rows
            victim = min((shown[r] for r in involved), key=lambda c: _order(cells[c], c))
        elif group_rows.size * atoms.size > MAX_DENSE_CELLS:
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


def _probe_part(
    cells: list[SolvedCell],
    shown: list[int],
    part: sp.csr_matrix,
    rows: np.ndarray,
    sizes: np.ndarray,
    k: int,
) -> bool:
    """Hide, for each small derivable set of one large part (lightest first), the smallest shown
    cell that holds some of its respondents, unless a cell hidden this pass already does (the next
    pass checks what is left)."""
    found = find_small_sets(part, sizes, k)
    if not found:
        return False
    by_atom = part.tocsc()
    broken = np.zeros(part.shape[1], dtype=bool)
    for atoms in found:
        if broken[list(atoms)].any():
            continue
        touching = np.unique(by_atom[:, list(atoms)].tocoo().row)
        victim_row = min(touching, key=lambda r: _order(cells[shown[rows[r]]], shown[rows[r]]))
        victim = shown[rows[victim_row]]
        cells[victim].shown, cells[victim].reason = False, "complementary"
        broken[part[victim_row].indices] = True
    return True


def _incidence(cells: Sequence[SolvedCell], size: int) -> np.ndarray:
    matrix = np.zeros((len(cells), size))
    for row, cell in enumerate(cells):
        matrix[row, cell.members] = 1.0
    return matrix


def _restore_pass(cells: list[SolvedCell], size: int, weights: np.ndarray) -> None:
    """Show again every hidden cell whose count the shown cells already determine (it adds nothing:
    its count and stage split follow from theirs), so no cell is hidden for nothing."""
    shown = [c for c in cells if c.shown]
    candidates = [c for c in cells if not c.shown and c.reason == "complementary"]
    if not shown or not candidates:
        return
    if len(shown) * size > MAX_RESTORE_CELLS:
        _restore_by_probes(shown, candidates, size, weights)
        return
    basis = _incidence(shown, size)
    targets = _incidence(candidates, size)
    coefficients, *_ = np.linalg.lstsq(basis.T, targets.T, rcond=None)
    residual = np.abs(basis.T @ coefficients - targets.T).max(axis=0)
    for cell, gap in zip(candidates, residual, strict=True):
        if gap < 1e-7:
            cell.shown, cell.reason = True, ""


def _restore_by_probes(
    shown: list[SolvedCell], candidates: list[SolvedCell], size: int, weights: np.ndarray
) -> None:
    """:func:`_restore_pass` for large waves: a hidden cell is determined when it is a union of
    whole atoms of the shown cells and its atom indicator is orthogonal to their null space."""
    matrix = _matrix(shown, size)
    atom_of, atom_sizes = _atoms(matrix, weights)
    hidden = _matrix(candidates, size)
    member = weights > 0
    if (hidden[:, member & (atom_of < 0)].getnnz(axis=1) > 0).all():
        return
    covered = sp.csr_matrix(hidden[:, member & (atom_of >= 0)], dtype=np.int64)
    onehot = sp.csr_matrix(
        (weights[member & (atom_of >= 0)], (np.arange(covered.shape[1]), atom_of[member & (atom_of >= 0)])),
        shape=(covered.shape[1], atom_sizes.size),
    )
    held = (covered @ onehot).tocsr()  # respondents of each atom inside each hidden cell
    outside = hidden[:, member & (atom_of < 0)].getnnz(axis=1) > 0
    whole = np.array(
        [np.array_equal(held[r].data, atom_sizes[held[r].indices]) for r in range(held.shape[0])], dtype=bool
    )
    indicator = held.copy()
    indicator.data = np.ones_like(indicator.data, dtype=float)
    determined = probes(_cover(matrix, atom_of, atom_sizes.size)).vanishes(indicator)
    for cell, ok in zip(candidates, ~outside & whole & determined, strict=True):
        if ok:
            cell.shown, cell.reason = True, ""


def _bands(counts: np.ndarray) -> np.ndarray:
    return np.array([counts[0] + counts[1], counts[2] + counts[3]])


def disclosive(counts: np.ndarray, n: int, telling: Sequence[int] | None = None) -> bool:
    """True when one category holds all members but at most one (so members can be told apart).

    ``telling``: the categories for which that tells something (None: all). Where the categories say
    whether a man is at one end of a scale (``solve_answerers``' ends), "all between the ends" tells
    nothing anyone's answer could be read from, so only the ends count."""
    if n <= 0:
        return False
    held = counts if telling is None else counts[list(telling)]
    return int(held.max(initial=0)) >= n - 1


def _telling_bands(telling: Sequence[int] | None) -> list[int] | None:
    """The bands in which "all but one" tells: those made of telling stages only."""
    if telling is None:
        return None
    return [band for band, pair in enumerate(((0, 1), (2, 3))) if set(pair) <= set(telling)]


def _tells(counts: np.ndarray, n: int, detail: int, telling: Sequence[int] | None) -> bool:
    """:func:`disclosive` of ``counts`` at ``detail`` (every stage, or the two bands)."""
    if detail == DETAIL_STAGES:
        return disclosive(counts, n, telling)
    return disclosive(_bands(counts), n, _telling_bands(telling))


def _attribute_pass(
    cells: list[SolvedCell],
    relations: list[tuple[int, list[int]]],
    *,
    keep: bool = False,
    spare_parents: bool = False,
    spare_full: bool = False,
    telling: Sequence[int] | None = None,
) -> None:
    """Each shown cell's detail from its own split and what its lines give away; ``keep`` starts
    from the details already lowered (by the stage audit) instead of from every stage.

    Where a line gives away its rest (a parent minus its children that show as much), the parent's
    detail is lowered; with ``spare_parents`` the smallest of those children's instead, until the
    rest is safe or no child is left to lower: the larger cell keeps its split (a question's
    answerers, where most fine cells answer alike, would otherwise lose the whole organisation's).
    ``spare_full``: the same where the parent shows every stage, for a wave whose stage audit is
    exact (:func:`_stages_exact`): a child lowered there whose split other cells still give (its own
    children's sum) leaves the rest derivable, and the audit finds and cuts it; elsewhere (the probes
    search sets of up to four atoms, and no audit combines the bands) the parent's split is lowered,
    which no sum of other cells may give back (else :func:`_restore_detail` shows it again).
    ``telling``: the stages whose "all but one" discloses (:func:`disclosive`)."""
    for cell in cells:
        if not cell.shown:
            cell.detail = DETAIL_NONE
            continue
        if not keep:
            cell.detail = DETAIL_STAGES
        while cell.detail > DETAIL_NONE and _tells(cell.stages, cell.n, cell.detail, telling):
            cell.detail -= 1
    changed = True
    while changed:
        changed = False
        for parent, children in relations:
            cell = cells[parent]
            known = [c for c in children if cells[c].shown and cells[c].detail >= cell.detail]
            if _rest_tells(cells, parent, known, telling):
                if (spare_parents or (spare_full and cell.detail == DETAIL_STAGES)) and known:
                    child = cells[min(known, key=lambda c: _order(cells[c], c))]
                    child.detail = cell.detail - 1
                    while child.detail > DETAIL_NONE and _tells(child.stages, child.n, child.detail, telling):
                        child.detail -= 1
                else:
                    cell.detail -= 1
                changed = True
    for cell in cells:
        if cell.shown and cell.detail < DETAIL_STAGES:
            cell.split_reason = "bands" if cell.detail == DETAIL_BANDS else "attribute"


def _rest_tells(
    cells: Sequence[SolvedCell], parent: int, known: Sequence[int], telling: Sequence[int] | None
) -> bool:
    """The parent's split (at its detail) minus its ``known`` children's tells its rest's stages."""
    cell = cells[parent]
    rest_n = cell.n - sum(cells[c].n for c in known)
    if cell.detail == DETAIL_NONE or rest_n <= 0:
        return False
    rest = cell.stages - sum((cells[c].stages for c in known), np.zeros(STAGE_COUNT, dtype=np.int64))
    return _tells(rest, rest_n, cell.detail, telling)


def _restore_detail(
    cells: list[SolvedCell],
    relations: list[tuple[int, list[int]]],
    size: int,
    telling: Sequence[int] | None,
) -> None:
    """Show every stage again of a cell whose split the cells showing every stage determine anyway.

    Its split is then a combination of theirs: it adds nothing to what can be worked out (the stage
    audit, run over them, found nothing). The line rule lowers a parent whose rest tells (everyone
    minus every unit but a small one all at one stage); once the audit cut that rest elsewhere (a
    sibling), the parent's split followed from other tables (the levels' sum): hiding it protected
    nobody. Shown again only where its own split and every line through it still tell nothing, as
    the line rule asks; in a fixed order, each against the ones before."""
    family = [c for c in cells if c.shown and c.detail == DETAIL_STAGES]
    lowered = [
        i
        for i, c in enumerate(cells)
        if c.shown and c.detail < DETAIL_STAGES and not _tells(c.stages, c.n, DETAIL_STAGES, telling)
    ]
    if not family or not lowered or (len(family) + len(lowered)) * size > MAX_RESTORE_CELLS:
        return
    basis = _incidence(family, size)
    targets = _incidence([cells[i] for i in lowered], size)
    coefficients, *_ = np.linalg.lstsq(basis.T, targets.T, rcond=None)
    residual = np.abs(basis.T @ coefficients - targets.T).max(axis=0)
    lines: dict[int, list[tuple[int, list[int]]]] = {}
    for parent, children in relations:
        for member in {parent, *children}:
            lines.setdefault(member, []).append((parent, children))
    for index, gap in zip(lowered, residual, strict=True):
        if gap >= 1e-7:
            continue
        cell = cells[index]
        before = cell.detail
        cell.detail = DETAIL_STAGES
        for parent, children in lines.get(index, []):
            known = [c for c in children if cells[c].shown and cells[c].detail >= cells[parent].detail]
            if _rest_tells(cells, parent, known, telling):
                cell.detail = before
                break
        else:
            cell.split_reason = ""


def _matrix(cells: Sequence[SolvedCell], size: int) -> sp.csr_matrix:
    rows = [c.members for c in cells]
    indptr = np.concatenate([[0], np.cumsum([r.size for r in rows])])
    data = np.ones(int(indptr[-1]), dtype=np.int32)
    return sp.csr_matrix((data, np.concatenate(rows), indptr), shape=(len(rows), size))


def _cover(matrix: sp.csr_matrix, atom_of: np.ndarray, atoms: int) -> sp.csr_matrix:
    """(cells x atoms) 0/1: which atoms each cell covers."""
    member = atom_of >= 0
    onehot = sp.csr_matrix(
        (np.ones(int(member.sum()), dtype=np.int32), (np.flatnonzero(member), atom_of[member])),
        shape=(atom_of.size, atoms),
    )
    cover = (matrix @ onehot).tocsr()
    cover.data = np.ones_like(cover.data)
    return cover


def _stages_exact(cells: Sequence[SolvedCell], weights: np.ndarray) -> bool:
    """Every stage audit of the wave searches densely (exactly): its cells x atoms, at most those
    of every shown cell, are within :data:`DENSE_AUDIT_CELLS`."""
    shown = [c for c in cells if c.shown]
    return (
        not shown or len(shown) * _atoms(_matrix(shown, weights.size), weights)[1].size <= DENSE_AUDIT_CELLS
    )


def _stage_audit(
    cells: list[SolvedCell],
    weights: np.ndarray,
    finest_stages: np.ndarray,
    budget: int,
    telling: Sequence[int] | None = None,
) -> bool:
    """Lower the detail of one cell where the shown stage counts pin a set's stages.

    A set whose stage counts follow from the shown splits (a union of atoms of the cells that show
    every stage, in their row space) discloses when one stage holds all its members but at most one.
    Such a set is made of atoms that are themselves all (but at most one person) at that stage, so
    per stage the search runs over those atoms only: any number of fully homogeneous atoms and at most
    one atom with a single other member (weights 1 and m + 1, limit 2 (m + 1)). Returns True when it
    lowered a cell's detail (the caller repeats until nothing is found). Only the ``telling`` stages
    are searched (None: all).
    """
    family = [i for i, c in enumerate(cells) if c.shown and c.detail == DETAIL_STAGES]
    if not family:
        return False
    matrix = _matrix([cells[i] for i in family], weights.size)
    atom_of, sizes = _atoms(matrix, weights)
    member = atom_of >= 0
    atom_stages = np.zeros((sizes.size, STAGE_COUNT), dtype=np.int64)
    np.add.at(atom_stages, atom_of[member], finest_stages[member])
    cover = _cover(matrix, atom_of, sizes.size)
    if cover.shape[0] * cover.shape[1] > DENSE_AUDIT_CELLS:
        return _probe_stages(cells, family, cover, sizes, atom_stages, telling)
    dense = cover.toarray()
    for stage in range(STAGE_COUNT) if telling is None else telling:
        others = sizes - atom_stages[:, stage]
        candidate = others <= 1
        if not candidate.any():
            continue
        m = int(candidate.sum())
        search = np.where(candidate, np.where(others == 0, 1, m + 1), 4 * (m + 1))
        found = find_small_derivable(dense, search, 2 * (m + 1), budget=budget)
        if found is None:
            continue
        if found.undecided or not found.atoms:
            victims = [min(family, key=lambda c: _order(cells[c], c))]
        else:
            # the cheapest cut of this set (:func:`cheapest_cut`): a sibling of a small group rather
            # than its parents. Lowering the smallest cell of one combination, as before, left every
            # other combination standing and climbed cell by cell to the whole organisation.
            costs = np.array([cells[i].n for i in family], dtype=np.int64)
            victims = [family[r] for r in cheapest_cut(dense, found.atoms, costs)]
        for victim in victims:
            cells[victim].detail = DETAIL_BANDS
        return True
    return False


def _probe_stages(
    cells: list[SolvedCell],
    family: list[int],
    cover: sp.csr_matrix,
    sizes: np.ndarray,
    atom_stages: np.ndarray,
    telling: Sequence[int] | None = None,
) -> bool:
    """:func:`_stage_audit` for large waves, by null-space probes: every derivable union of up to
    four atoms in which one stage holds all members but at most one lowers the detail of the
    smallest cell holding some of it (unless a cell lowered this round already does)."""
    by_atom = cover.tocsc()
    changed = False
    for stage in range(STAGE_COUNT) if telling is None else telling:
        others = sizes - atom_stages[:, stage]
        eligible = np.where(others <= 1, 1, 0)
        if not eligible.any():
            continue
        broken = np.zeros(cover.shape[1], dtype=bool)
        for atoms in find_light_sets(cover, eligible, MAX_K - 1):
            if int(others[list(atoms)].sum()) > 1 or broken[list(atoms)].any():
                continue
            touching = np.unique(by_atom[:, list(atoms)].tocoo().row)
            row = min(touching, key=lambda r: _order(cells[family[r]], family[r]))
            cells[family[row]].detail = DETAIL_BANDS
            broken[cover[row].indices] = True
            changed = True
    return changed


# Many small null spaces, QRs and least squares (incidence matrices of a few hundred groups): BLAS
# threads made them 100 times slower on a busy machine (allypath._blas).
@single_threaded_blas_in
def solve_wave(
    finest: pd.DataFrame | FinestCells,
    tables: Sequence[Table],
    policy: PrivacyPolicy,
    *,
    hierarchy: dict[str, str] | None = None,
    open_wave: bool = False,
    budget: int = DEFAULT_BUDGET,
    spare_parents: bool = False,
    telling: Sequence[int] | None = None,
) -> list[SolvedCell]:
    """Every cell of ``tables`` in one wave with what may be shown of it (see the module docstring).

    ``finest`` has the declared columns, ``n``, ``stage_1``..``stage_4`` and ``commenters`` per
    finest cell (a frame, or :class:`FinestCells` already read from one); ``hierarchy`` maps a unit
    column to the column one level up (``unit2`` -> ``unit``).
    An ``open_wave`` still collecting answers shows counts only (no split, no comments): successive
    snapshots would otherwise give away the newest responses. ``spare_parents``: where a line gives
    away its rest, lower a child's split rather than the parent's (:func:`_attribute_pass`).
    ``telling``: the stages whose "all but one" discloses (None: all; :func:`disclosive`).
    """
    if isinstance(finest, pd.DataFrame):
        finest = FinestCells.of(finest.reset_index(drop=True), tables)
    hierarchy = dict(hierarchy or {})
    cells = _cells(finest, tables)
    weights = finest.counts
    size = len(finest)
    relations = _relations(cells, tables, hierarchy, size)
    for cell in cells:
        if cell.n < policy.k:
            cell.shown, cell.reason = False, "below_k"
    while True:
        changed = _line_pass(cells, relations, policy.k)
        if not changed:
            changed = _audit_pass(cells, size, weights, policy.k, budget)
        if not changed:
            break
    _restore_pass(cells, size, weights)
    if open_wave:
        for cell in cells:
            cell.detail = DETAIL_NONE
            cell.split_reason = "open_wave" if cell.shown else ""
            cell.comment_reason = "open_wave" if cell.shown else cell.reason
        return cells
    exact = _stages_exact(cells, weights)
    _attribute_pass(cells, relations, spare_parents=spare_parents, spare_full=exact, telling=telling)
    while _stage_audit(cells, weights, finest.stages, budget, telling):
        _attribute_pass(
            cells, relations, keep=True, spare_parents=spare_parents, spare_full=exact, telling=telling
        )
    _restore_detail(cells, relations, size, telling)
    comment_pass(cells, finest.commenters, policy.k_text)
    return cells
