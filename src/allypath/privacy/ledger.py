"""The disclosure ledger: what one viewer has already been shown, and the differencing guard.

Every group whose figures a viewer (a role or a user) has seen is recorded by its members, across
filters, hierarchy levels and waves. A new group may be shown only if, together with everything
already released, it singles out no set of 1..k-1 respondents:

1. **Pairwise rule** (DESIGN §6.3): for every released group G, |new \\ G| and |G \\ new| are each 0 or
   at least k (so the symmetric difference is too). Cheap, and its refusal names the earlier view.
2. **Linear audit** (:mod:`allypath.privacy.audit`): no set of 1..k-1 respondents has its count
   determined by any linear combination of released counts (three or more views combined).

Comments (open text) are a separate family with ``k_text``: verbatim lists can be intersected as
well as subtracted, so every cell of the Venn diagram of the comment groups a viewer has seen must
hold 0 or at least ``k_text`` respondents.

Members are stored, not descriptions, so a filter that covers one more respondent after a late
response is a different group, and is refused if it differs from what was shown by fewer than k.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from allypath.errors import DataError, PrivacyError
from allypath.privacy.audit import DEFAULT_BUDGET, find_small_derivable
from allypath.privacy.decision import Decision, Reason, hidden, shown
from allypath.privacy.groups import Group
from allypath.privacy.policy import PrivacyPolicy

__all__ = ["DisclosureLedger"]

# Dense sub-problems beyond this many cells are not searched: the guard refuses instead.
MAX_DENSE_CELLS = 4_000_000


def _digest(keys: np.ndarray) -> bytes:
    return hashlib.blake2b(keys.tobytes(), digest_size=16).digest()


def _incidence(rows: Sequence[np.ndarray], width: int) -> sp.csr_matrix:
    sizes = np.fromiter((r.size for r in rows), dtype=np.int64, count=len(rows))
    indptr = np.concatenate([[0], np.cumsum(sizes)])
    indices = np.concatenate(list(rows)) if rows else np.zeros(0, dtype=np.int64)
    data = np.ones(indices.size, dtype=np.int32)
    return sp.csr_matrix((data, indices, indptr), shape=(len(rows), width))


class _Family:
    """The released groups of one kind (aggregates or comments) as rows over respondent positions."""

    def __init__(self) -> None:
        self.labels: list[str] = []
        self.views: list[str] = []
        self.rows: list[np.ndarray] = []
        self.digests: set[bytes] = set()
        self._matrix: sp.csr_matrix | None = None

    def matrix(self, width: int) -> sp.csr_matrix:
        """The released incidence, ``width`` columns wide (at least the positions ever seen)."""
        if self._matrix is None:
            seen = max((int(r.max()) + 1 for r in self.rows if r.size), default=0)  # pragma: no mutate
            self._matrix = _incidence(self.rows, seen)
        if self._matrix.shape[1] == width:
            return self._matrix
        base = self._matrix
        return sp.csr_matrix((base.data, base.indices, base.indptr), shape=(base.shape[0], width))

    def add(self, label: str, view: str, positions: np.ndarray, digest: bytes) -> None:
        if digest in self.digests:
            return  # the same members again: nothing new is disclosed
        self.digests.add(digest)
        self.labels.append(label)
        self.views.append(view)
        self.rows.append(positions)
        self._matrix = None

    def name(self, index: int) -> str:
        view = self.views[index]
        return f"{self.labels[index]} ({view})" if view else self.labels[index]


class DisclosureLedger:
    """Everything one viewer has been shown, and the rule deciding what he may see next.

    Parameters
    ----------
    policy : PrivacyPolicy
        The wave's minimum group sizes.
    viewer : str
        Who the ledger belongs to (a role or user id); used in messages only.
    budget : int
        Largest search the linear audit may run before refusing as "cannot verify".

    Examples
    --------
    >>> from allypath.privacy import Group, PrivacyPolicy
    >>> ledger = DisclosureLedger(PrivacyPolicy(k=5), viewer="hr:alice")
    >>> ledger.release(Group.from_ids("unit=Sales", range(12)), view="stage mix").visible
    True
    >>> ledger.ask(Group.from_ids("unit=Sales & level=Manager", range(10))).reason
    'differencing'
    """

    def __init__(self, policy: PrivacyPolicy, viewer: str = "", *, budget: int = DEFAULT_BUDGET) -> None:
        self.policy = policy
        self.viewer = viewer
        self.budget = budget
        self._index = pd.Index(np.zeros(0, dtype=np.uint64))  # pragma: no mutate
        self._aggregates = _Family()
        self._texts = _Family()

    # ----------------------------------------------------------------- bookkeeping
    @property
    def released(self) -> tuple[str, ...]:
        """Labels of the groups whose figures this viewer has seen, in release order."""
        return tuple(self._aggregates.labels)

    @property
    def released_comments(self) -> tuple[str, ...]:
        """Labels of the groups whose comments this viewer has seen."""
        return tuple(self._texts.labels)

    def _locate(self, groups: Sequence[Group], *, grow: bool) -> list[np.ndarray]:
        """Positions of each group's members, all looked up at once.

        Keys no released group holds get joint positions past the known ones, the same key the
        same position across ``groups``; they join the index only if ``grow``.
        """
        if not groups:
            return []
        everything = np.concatenate([g.keys for g in groups])
        positions = self._index.get_indexer(pd.Index(everything)).astype(np.int64)
        unknown = positions < 0
        if unknown.any():
            fresh = np.unique(everything[unknown])
            positions[unknown] = len(self._index) + np.searchsorted(fresh, everything[unknown])
            if grow:
                self._index = self._index.append(pd.Index(fresh))
        return np.split(positions, np.cumsum([g.n for g in groups])[:-1])

    def _record(self, family: _Family, groups: Sequence[Group], view: str) -> None:
        located = self._locate(groups, grow=True)
        for group, positions in zip(groups, located, strict=True):  # pragma: no mutate
            family.add(group.label, view, positions, _digest(group.keys))

    def record(self, groups: Sequence[Group], view: str = "") -> None:
        """Note that ``groups`` were shown (call only with groups the gate let through)."""
        self._record(self._aggregates, groups, view)

    def record_comments(self, groups: Sequence[Group], view: str = "") -> None:
        """Note that the comments of ``groups`` were shown."""
        self._record(self._texts, groups, view)

    # ----------------------------------------------------------------- the guard
    def screen(self, candidates: Sequence[Group]) -> dict[str, Decision]:
        """Which of ``candidates``, released together, the differencing guard must hide.

        Returns the hidden ones only (label -> decision); the rest may all be shown together.
        Candidates are assumed to have passed the minimum-size rule already.
        """
        blocked: dict[str, Decision] = {}
        live = [g for g in candidates if g.n > 0]
        if len({g.label for g in live}) != len(live):
            raise DataError("groups released together need distinct labels", column="label")
        if not live:
            return blocked
        family = self._aggregates
        rows = self._locate(live, grow=False)  # pragma: no mutate
        width = max(len(self._index), max(int(r.max()) + 1 for r in rows))  # pragma: no mutate
        new = _incidence(rows, width)
        old = family.matrix(width)
        sizes = np.array([g.n for g in live])
        if family.rows:
            old_sizes = np.array([r.size for r in family.rows])
            self._pairwise(live, sizes, (new @ old.T).tocoo(), old_sizes, family, blocked)
        within = sp.triu(new @ new.T, k=1).tocoo()  # pragma: no mutate
        self._pairwise(live, sizes, within, sizes, None, blocked)
        while True:
            keep = [i for i, g in enumerate(live) if g.label not in blocked]
            if not keep:
                return blocked
            finding = self._audit(old, new[keep])
            if finding is None:
                return blocked
            new_rows, old_rows, undecided = finding
            culprits = [keep[i] for i in new_rows] or keep
            victim = min(culprits, key=lambda i: (live[i].n, live[i].label))
            earlier = tuple(family.name(j) for j in old_rows)
            blocked[live[victim].label] = hidden(
                live[victim].n,
                Reason.DIFFERENCING,
                self._audit_message(live[victim].label, earlier, undecided),
                earlier,
            )

    def _pairwise(
        self,
        live: Sequence[Group],
        sizes: np.ndarray,
        overlap: sp.coo_matrix,
        other_sizes: np.ndarray,
        family: _Family | None,
        blocked: dict[str, Decision],
    ) -> None:
        """The pairwise rule between candidates and released groups (``family``) or each other.

        Against a released group the candidate gives way; between two candidates the smaller does.
        """
        k = self.policy.k
        only_new = sizes[overlap.row] - overlap.data
        only_other = other_sizes[overlap.col] - overlap.data
        bad = ((only_new > 0) & (only_new < k)) | ((only_other > 0) & (only_other < k))
        pairs = zip(overlap.row[bad].tolist(), overlap.col[bad].tolist(), strict=True)  # pragma: no mutate
        for i, j in sorted(pairs):
            if family is not None:
                victim, earlier = live[i], family.name(j)
                where = "already shown to this viewer"
            else:
                a, b = live[i], live[j]
                if a.label in blocked or b.label in blocked:
                    continue
                smaller = (a.n, a.label) <= (b.n, b.label)  # pragma: no mutate
                victim, other = (a, b) if smaller else (b, a)
                earlier, where = other.label, "in the same view"
            previous = blocked.get(victim.label)
            blocked[victim.label] = hidden(
                victim.n,
                Reason.DIFFERENCING,
                f"hidden: '{victim.label}' differs from '{earlier}', {where}, by fewer than {k} "
                "respondents, so the two together would single them out",
                (*(previous.conflicts if previous else ()), earlier),
            )

    def _audit(self, old: sp.csr_matrix, new: sp.csr_matrix) -> tuple[list[int], list[int], bool] | None:
        """(new rows, released rows) of a combination isolating a small set, or None if safe."""
        matrix = sp.vstack([old, new]).tocsr()
        n_old = old.shape[0]
        atom_of, weights = _atoms(matrix)
        small = (weights > 0) & (weights < self.policy.k)  # pragma: no mutate
        if not small.any():
            return None
        cover = _cover(matrix, atom_of, weights.size)
        graph = sp.bmat([[None, cover], [cover.T, None]]).tocsr()
        _, component = connected_components(graph, directed=False)  # pragma: no mutate
        group_component = component[: matrix.shape[0]]
        atom_component = component[matrix.shape[0] :]
        touched = np.unique(group_component[n_old:])
        for label in np.intersect1d(touched, np.unique(atom_component[small])):
            groups = np.flatnonzero(group_component == label)
            atoms = np.flatnonzero(atom_component == label)
            if groups.size * atoms.size > MAX_DENSE_CELLS:
                return [int(g) - n_old for g in groups if g >= n_old], [], True
            dense = cover[groups][:, atoms].toarray()
            found = find_small_derivable(dense, weights[atoms], self.policy.k, budget=self.budget)
            if found is None:
                continue
            involved = groups if found.undecided else groups[list(found.groups)]
            return (
                [int(g) - n_old for g in involved if g >= n_old],
                [int(g) for g in involved if g < n_old],
                found.undecided,
            )
        return None

    def _audit_message(self, label: str, earlier: tuple[str, ...], undecided: bool) -> str:
        if undecided:
            return (
                f"hidden: '{label}' overlaps so many views already shown to this viewer that it "
                "cannot be verified safe, so it is refused"
            )
        views = ", ".join(f"'{e}'" for e in earlier) or "other groups of this request"
        return (
            f"hidden: '{label}' combined with {views} would let fewer than {self.policy.k} "
            "respondents be worked out by adding and subtracting counts"
        )

    # ----------------------------------------------------------------- one group at a time
    def ask(self, group: Group) -> Decision:
        """May ``group`` be shown to this viewer now? Records nothing."""
        if 0 < group.n < self.policy.k:
            return hidden(group.n, Reason.BELOW_K)
        return self.screen([group]).get(group.label, shown(group.n))

    def release(self, group: Group, view: str = "") -> Decision:
        """Decide on ``group`` and, if it may be shown, record it as shown."""
        decision = self.ask(group)
        if decision.visible:
            self.record([group], view)
        return decision

    def require(self, group: Group, view: str = "") -> None:
        """Record ``group`` as shown, or raise :class:`PrivacyError` saying which rule refused it."""
        decision = self.release(group, view)
        if not decision.visible:
            raise PrivacyError(f"{decision.reason}: {decision.message}")

    def ask_comments(self, group: Group) -> Decision:
        """May the comments of ``group`` be shown? (k_text, and the Venn-cell rule.) Records nothing."""
        k_text = self.policy.k_text
        if group.n < k_text:
            return hidden(group.n, Reason.BELOW_K_TEXT)
        family = self._texts
        (positions,) = self._locate([group], grow=False)  # pragma: no mutate
        width = max(len(self._index), int(positions.max()) + 1)  # pragma: no mutate
        matrix = sp.vstack([family.matrix(width), _incidence([positions], width)]).tocsr()
        atom_of, weights = _atoms(matrix)
        # the family was safe before, so any small cell now is one this group would cut out
        small = np.flatnonzero((weights > 0) & (weights < k_text))  # pragma: no mutate
        if small.size == 0:
            return shown(group.n)
        cover = _cover(matrix, atom_of, weights.size)
        earlier = tuple(
            family.name(int(j)) for j in np.unique(cover[:, small].tocoo().row) if j < len(family.rows)
        )
        return hidden(
            group.n,
            Reason.DIFFERENCING,
            f"hidden: the comments of '{group.label}' overlap comments already shown to this viewer "
            f"({', '.join(earlier)}) in fewer than {k_text} respondents",
            earlier,
        )

    # ----------------------------------------------------------------- persistence
    def to_dict(self) -> dict[str, object]:
        """A JSON-ready snapshot (keys as hex) that :meth:`from_dict` restores."""
        keys = self._index.to_numpy(dtype=np.uint64)  # pragma: no mutate

        def dump(family: _Family) -> list[dict[str, object]]:
            entries = zip(family.labels, family.views, family.rows, strict=True)  # pragma: no mutate
            return [
                {"label": label, "view": view, "keys": [format(int(k), "x") for k in keys[rows]]}
                for label, view, rows in entries
            ]

        return {
            "viewer": self.viewer,
            "k": self.policy.k,
            "k_text": self.policy.k_text,
            "aggregates": dump(self._aggregates),
            "comments": dump(self._texts),
        }

    @classmethod
    def from_dict(cls, data: dict[str, object], policy: PrivacyPolicy) -> DisclosureLedger:
        """Restore a snapshot made by :meth:`to_dict` under the same policy."""
        if (data.get("k"), data.get("k_text")) != (policy.k, policy.k_text):
            raise PrivacyError("the ledger snapshot was made under a different privacy policy")
        ledger = cls(policy, str(data.get("viewer", "")))
        for name, family in (("aggregates", ledger._aggregates), ("comments", ledger._texts)):
            entries = data.get(name, [])
            if not isinstance(entries, list):
                raise DataError(f"ledger snapshot: field {name!r} must be a list", column=name)
            for entry in entries:
                group = Group.from_keys(entry["label"], [int(k, 16) for k in entry["keys"]])
                ledger._record(family, [group], entry["view"])
        return ledger


def _atoms(matrix: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """Atom id per respondent position (-1 outside every group) and the size of each atom.

    Two random 40-bit signatures per group are summed over each respondent's groups: positions
    with the same memberships get the same pair, and different memberships collide with
    probability about 2**-124 per pair.
    """
    # the seed, range and pairing only need to tell memberships apart: no mutant of them matters
    rng = np.random.default_rng(20260)  # pragma: no mutate
    marks = rng.integers(0, 2**40, size=(matrix.shape[0], 2), dtype=np.int64)  # pragma: no mutate
    signature = matrix.T.astype(np.int64) @ marks  # pragma: no mutate
    member = np.asarray(matrix.getnnz(axis=0)) > 0
    atom_of = np.full(matrix.shape[1], -1, dtype=np.int64)  # pragma: no mutate
    first = pd.factorize(signature[member, 0])[0]  # pragma: no mutate
    second = pd.factorize(signature[member, 1])[0]  # pragma: no mutate
    span = int(second.max(initial=0)) + 1  # pragma: no mutate
    atom_of[member] = pd.factorize(first * span + second)[0]  # pragma: no mutate
    return atom_of, np.bincount(atom_of[member], minlength=int(atom_of.max(initial=-1)) + 1)


def _cover(matrix: sp.csr_matrix, atom_of: np.ndarray, n_atoms: int) -> sp.csr_matrix:
    """(groups x atoms) 0/1: which atoms each group covers."""
    member = atom_of >= 0
    ones = np.ones(int(member.sum()), dtype=np.int32)  # pragma: no mutate
    shape = (matrix.shape[1], n_atoms)  # pragma: no mutate
    cells = (np.flatnonzero(member), atom_of[member])
    onehot = sp.csr_matrix((ones, cells), shape=shape)  # pragma: no mutate
    cover = (matrix @ onehot).tocsr()
    cover.data = np.ones_like(cover.data)
    return cover
