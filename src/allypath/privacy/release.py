"""The release: one publication per organisation, solved once, read by every view (docs/privacy.md).

:func:`solve_release` takes the usable responses of every wave and the organisation's declared
breakdowns and decides, for every cell of every declared table, what may be shown: its size, its
stage split (in full, in two bands or not at all) and its comments. The decisions depend on the
data and the declared set only, so every viewer sees the same figure for the same cell, in any
order, from any account; colluding accounts hold nothing more than one of them.

Views ask :meth:`Release.cell` for the cell of their filters (the wave, then attribute values). A
combination outside the declared tables is answered with a refusal, never computed on the fly.

Finest cells can be computed by any engine (:func:`finest_cells` for a DataFrame; the DuckDB path
runs the same group-by in SQL), so the in-memory and out-of-core paths publish the same cells.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Hashable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from allypath._kept import Kept
from allypath.errors import DataError
from allypath.privacy.breakdowns import Breakdown, check_columns
from allypath.privacy.decision import Decision, Reason, hidden, shown
from allypath.privacy.finest import COMMENT_COLUMNS, _in_order, _json, finest_cells
from allypath.privacy.policy import PrivacyPolicy
from allypath.privacy.reasons import comment_band, plain_reason
from allypath.privacy.solve import DETAIL_BANDS, DETAIL_NONE, DETAIL_STAGES, FinestCells, Table, solve_wave

__all__ = [
    "COHORT_FLAGS",
    "COMMENT_COLUMNS",
    "DETAIL_BANDS",
    "DETAIL_NONE",
    "DETAIL_STAGES",
    "ENDS",
    "AnswererStore",
    "PublishedCell",
    "Release",
    "WaveStore",
    "answerer_store",
    "cell_rows",
    "cells_of_rows",
    "cohort_flags",
    "comment_band",
    "end_codes",
    "finest_cells",
    "plain_reason",
    "solve_answerers",
    "solve_release",
    "wave_store",
]

#: Flag columns marking panel members linked to the previous / next panel wave.
RETURNING, CONTINUING = "returning", "continuing"
COHORT_FLAGS = (RETURNING, CONTINUING)
SINGLE_WAVE = "all responses"
EMPTY = "\x00empty"  # marks filters that select nobody (a unit and another unit not above it)


@dataclass(frozen=True)
class PublishedCell:
    """What everyone in the organisation may see of one cell.

    ``n`` is the number of usable responses (None when hidden); ``detail`` says how much of the
    stage split is shown (2 every stage, 1 two bands, 0 none); ``comments`` whether its comment list
    is shown, with ``comment_band`` instead of an exact count.
    """

    wave: Hashable
    columns: tuple[str, ...]
    values: tuple[Hashable, ...]
    flags: tuple[str, ...]
    n: int | None
    reason: str = ""
    detail: int = DETAIL_NONE
    split_reason: str = ""
    comments: bool = False
    comment_reason: str = ""
    comment_band: str = ""
    declared: bool = True

    @property
    def shown(self) -> bool:
        return self.n is not None

    @property
    def filters(self) -> dict[str, Hashable]:
        return dict(zip(self.columns, self.values, strict=True))


def _key(wave: Hashable, filters: Mapping[str, Hashable], flags: Iterable[str] = ()) -> tuple[Any, ...]:
    return (str(wave), tuple(sorted((str(c), str(v)) for c, v in filters.items())), tuple(sorted(flags)))


@dataclass
class Release:
    """The solved publication of one organisation (or one file): every declared cell, decided."""

    policy: PrivacyPolicy
    breakdowns: tuple[Breakdown, ...]
    wave_column: str | None
    cells: dict[tuple[Any, ...], PublishedCell] = field(default_factory=dict)
    open_waves: frozenset[str] = frozenset()
    hierarchy: tuple[str, ...] = ()
    panel_waves: tuple[str, ...] = ()  # in order: cohort cells link each to the one right after it
    # a wave's own tables where they are fewer than ``breakdowns`` (the web fixes each wave's when its
    # first figures are published: a release solved anew over other tables could be subtracted from it)
    wave_breakdowns: dict[str, tuple[Breakdown, ...]] = field(default_factory=dict)
    # the ones declared now, where some of ``breakdowns`` are only earlier waves' (empty: all of them)
    current: tuple[Breakdown, ...] = ()
    # a wave's own minimum sizes where they differ from ``policy`` (fixed with its tables: solved anew
    # with another k, its secondary suppression could show a cell it had hidden)
    wave_policies: dict[str, PrivacyPolicy] = field(default_factory=dict)

    # ------------------------------------------------------------------ look-ups
    def declares(self, columns: Iterable[str], wave: Hashable | None = None) -> bool:
        """``columns`` name a declared table (of ``wave``, when given)."""
        wanted = set(columns)
        tables = self.breakdowns if wave is None else self.wave_breakdowns.get(str(wave), self.breakdowns)
        return not wanted or any(set(b.columns) == wanted for b in tables)

    def cell(
        self, filters: Mapping[str, Hashable], *, flags: Iterable[str] = (), wave: Hashable | None = None
    ) -> PublishedCell:
        """The published cell of ``filters`` (the wave column among them, or ``wave``)."""
        filters = dict(filters)
        if self.wave_column is not None:
            if self.wave_column in filters:
                wave = filters.pop(self.wave_column)
            if wave is None:
                return self._refused(SINGLE_WAVE, filters, tuple(flags), "pooled")
        else:
            wave = SINGLE_WAVE
        flags = tuple(sorted(flags))
        filters = self._deepest(filters)
        if EMPTY in filters:
            del filters[EMPTY]
            return PublishedCell(wave, tuple(filters), tuple(filters.values()), flags, None, "below_k")
        found = self.cells.get(_key(wave, filters, flags))
        if found is not None:
            return found
        if not self.declares(filters):
            return self._refused(wave, filters, flags, "not_declared")
        if not self.declares(filters, wave):
            now = not self.current or any(set(b.columns) == set(filters) for b in self.current)
            return self._refused(wave, filters, flags, "not_declared_wave" if now else "not_declared")
        # a declared combination with no usable response: nothing to show, and no one to single out
        return PublishedCell(wave, tuple(filters), tuple(filters.values()), flags, None, "below_k")

    def _deepest(self, filters: dict[str, Hashable]) -> dict[str, Hashable]:
        """A unit and a unit below it name the lower one's group: keep the deepest unit column."""
        levels = [c for c in self.hierarchy if c in filters]
        if len(levels) < 2:
            return filters
        deepest = levels[-1]
        lower = str(filters[deepest])
        for column in levels[:-1]:  # unit paths: a unit below another starts with its path
            upper = str(filters[column])
            if "/" in lower and not lower.startswith(upper + "/"):
                return {**filters, EMPTY: True}  # two units, one not inside the other: nobody
        return {c: v for c, v in filters.items() if c not in levels or c == deepest}

    def _refused(
        self, wave: Hashable, filters: Mapping[str, Hashable], flags: tuple[str, ...], reason: str
    ) -> PublishedCell:
        return PublishedCell(
            wave, tuple(filters), tuple(filters.values()), flags, None, reason, declared=False
        )

    def decision(self, filters: Mapping[str, Hashable], *, flags: Iterable[str] = ()) -> Decision:
        """The cell of ``filters`` as a gate :class:`~allypath.privacy.Decision` (plain message)."""
        cell = self.cell(filters, flags=flags)
        if cell.shown:
            assert cell.n is not None
            return shown(cell.n)
        reason = {
            "below_k": Reason.BELOW_K,
            "complementary": Reason.COMPLEMENTARY,
        }.get(cell.reason, Reason.NOT_PUBLISHED)
        return hidden(0, reason, self.message(cell.reason, cell.wave))

    def policy_of(self, wave: Hashable | None) -> PrivacyPolicy:
        """The minimum sizes ``wave`` was solved with (the release's without a wave)."""
        return self.policy if wave is None else self.wave_policies.get(str(wave), self.policy)

    def message(self, code: str, wave: Hashable | None = None) -> str:
        """The reason ``code`` in words, with ``wave``'s minimum sizes."""
        return plain_reason(code, self.policy_of(wave))

    def is_open(self, wave: Hashable) -> bool:
        return str(wave) in self.open_waves

    def next_panel_wave(self, wave: Hashable) -> str | None:
        """The panel wave right after ``wave`` (None for the last one or a wave outside the panel):
        the only wave its cohort cells link it to, so the only one a transition may compare it with."""
        order = list(self.panel_waves)
        if str(wave) not in order:
            return None
        position = order.index(str(wave))
        return order[position + 1] if position + 1 < len(order) else None

    # ------------------------------------------------------------------ what was decided, in numbers
    def shown_share(self) -> float:
        """Share of declared cells whose size is shown."""
        cells = list(self.cells.values())
        return sum(c.shown for c in cells) / len(cells) if cells else 1.0

    def fingerprint(self) -> str:
        """A digest of every decision (two releases with the same digest show the same things)."""
        payload = json.dumps(self.to_dict(), sort_keys=True, default=str).encode()
        return hashlib.blake2b(payload, digest_size=16).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        return {
            "k": self.policy.k,
            "k_text": self.policy.k_text,
            "breakdowns": [b.key for b in self.breakdowns],
            "wave_column": self.wave_column,
            "open_waves": sorted(self.open_waves),
            "hierarchy": list(self.hierarchy),
            "panel_waves": list(self.panel_waves),
            **self._per_wave(),
            "cells": cell_rows(self.cells.values()),
        }

    def _per_wave(self) -> dict[str, Any]:
        """The waves' own tables and sizes and the current declaration, where a wave differs (none:
        nothing, so a release without them stores what it did before they existed)."""
        per_wave: dict[str, Any] = {}
        if self.wave_breakdowns:
            per_wave["wave_breakdowns"] = {
                w: [b.key for b in t] for w, t in sorted(self.wave_breakdowns.items())
            }
        if self.current:
            per_wave["current"] = [b.key for b in self.current]
        if self.wave_policies:
            per_wave["wave_policies"] = {w: [p.k, p.k_text] for w, p in sorted(self.wave_policies.items())}
        return per_wave

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Release:
        policy = PrivacyPolicy(k=int(data["k"]), k_text=int(data["k_text"]))

        def tables(keys: Iterable[str]) -> tuple[Breakdown, ...]:
            return tuple(Breakdown(tuple(b.split("*")) if b else ()) for b in keys)

        release = cls(
            policy,
            tables(data["breakdowns"]),
            data["wave_column"],
            open_waves=frozenset(data["open_waves"]),
            hierarchy=tuple(data.get("hierarchy", ())),
            panel_waves=tuple(data.get("panel_waves", ())),
            wave_breakdowns={w: tables(keys) for w, keys in data.get("wave_breakdowns", {}).items()},
            current=tables(data.get("current", ())),
            wave_policies={
                w: PrivacyPolicy(k=int(k), k_text=int(k_text))
                for w, (k, k_text) in data.get("wave_policies", {}).items()
            },
        )
        for cell in cells_of_rows(data["cells"]):
            release.cells[_key(cell.wave, cell.filters, cell.flags)] = cell
        return release


def cell_rows(cells: Iterable[PublishedCell]) -> list[list[Any]]:
    """``cells`` as JSON-ready rows (:meth:`Release.to_dict`, the wave store)."""
    return [
        [
            str(c.wave),
            list(c.columns),
            [_json(v) for v in c.values],
            list(c.flags),
            c.n,
            c.reason,
            c.detail,
            c.split_reason,
            c.comments,
            c.comment_reason,
            c.comment_band,
        ]
        for c in cells
    ]


def cells_of_rows(rows: Iterable[Sequence[Any]]) -> list[PublishedCell]:
    """The cells of :func:`cell_rows`' rows."""
    return [
        PublishedCell(wave, tuple(columns), tuple(values), tuple(flags), n, *rest)
        for wave, columns, values, flags, n, *rest in rows
    ]


def cohort_flags(rows: pd.DataFrame, wave_column: str, panel_waves: Sequence[Hashable]) -> pd.DataFrame:
    """``returning``/``continuing`` per row: its panel key answered the previous / next panel wave.

    The release's cohort cells are solved on these flags; views that read cohort rows (transitions)
    select them with this same function, so they hold exactly the people the release checked.
    """
    rows = rows.copy()
    order = {str(w): position for position, w in enumerate(panel_waves)}
    wave = rows[wave_column].astype(str).map(order).fillna(-1).to_numpy(dtype=np.int64)
    key, _ = pd.factorize(rows["panel_key"], use_na_sentinel=True)  # -1: no panel key
    width = int(key.max(initial=-1)) + 1
    linked = (wave >= 0) & (key >= 0)
    answered = np.unique(wave[linked] * width + key[linked])  # (panel wave, key) pairs that answered
    rows[RETURNING] = linked & (wave > 0) & np.isin((wave - 1) * width + key, answered)
    rows[CONTINUING] = linked & (wave + 1 < len(order)) & np.isin((wave + 1) * width + key, answered)
    return rows


def _placed(rows: pd.DataFrame) -> pd.DataFrame:
    if "status" not in rows.columns:
        return rows
    return rows[(rows["status"] == "scored").fillna(False).to_numpy(dtype=bool)]


def solve_release(
    responses: pd.DataFrame,
    breakdowns: Sequence[Breakdown],
    policy: PrivacyPolicy,
    *,
    wave_column: str | None = "wave",
    hierarchy: Sequence[str] = (),
    open_waves: Iterable[Hashable] = (),
    panel_waves: Sequence[Hashable] = (),
    finest: pd.DataFrame | None = None,
    spare_parents: bool = False,
    telling: Sequence[int] | None = None,
    wave_breakdowns: Mapping[str, Sequence[Breakdown]] | None = None,
    current: Sequence[Breakdown] = (),
    wave_policies: Mapping[str, PrivacyPolicy] | None = None,
) -> Release:
    """Solve the publication of ``responses`` over ``breakdowns`` (the total is always included).

    Parameters
    ----------
    responses : scored rows (``stage``, optional ``status``: only ``scored`` rows count, as in every
        view), the declared columns, the wave column, ``panel_key`` for panel waves, comments.
    breakdowns : the declared tables.
    policy : minimum group sizes.
    wave_column : the wave column, or None when the data is one wave.
    hierarchy : the unit columns from the top (``unit``, ``unit2``, ...): one level refines the other.
    open_waves : waves still collecting answers (counts only).
    panel_waves : panel waves in order: their returning and continuing members become cohort cells.
    finest : the finest cells already computed (e.g. by DuckDB); ``responses`` is then ignored.
    spare_parents : where a parent's split minus its children's would tell its rest's answers, hide
        the smallest child's split rather than the parent's (``solve_answerers``).
    telling : the stages (0..3) whose "all but one" would tell members' answers (None: every stage;
        ``solve_answerers``' ends of a scale: the two ends only).
    wave_breakdowns : a wave's own tables, some of ``breakdowns``, where it publishes fewer (a wave
        not named publishes them all).
    current : the breakdowns declared now, where ``breakdowns`` also holds earlier waves' (they word
        why a wave lacks a table: added after it, or no longer declared).
    wave_policies : a wave's own minimum sizes, where they differ from ``policy``.

    Examples
    --------
    >>> import pandas as pd
    >>> from allypath.privacy import Breakdown, PrivacyPolicy
    >>> rows = pd.DataFrame({"unit": ["a"] * 6 + ["b"] * 3, "stage": [1, 2, 3, 4, 1, 2, 3, 4, 1]})
    >>> release = solve_release(rows, [Breakdown.of("unit")], PrivacyPolicy(k=5), wave_column=None)
    >>> release.cell({"unit": "a"}).n is None, release.cell({"unit": "b"}).reason
    (True, 'below_k')
    """
    columns = sorted({c for b in breakdowns for c in b.columns})
    flags = [f for f in COHORT_FLAGS if panel_waves]
    if finest is None:
        rows = _placed(responses)
        check_columns(breakdowns, rows.columns)
        if wave_column is not None and wave_column not in rows.columns:
            raise DataError(f"the data has no wave column {wave_column!r}", column=wave_column)
        if "respondent_id" in rows.columns:
            # two rows of one response would count him twice in every cell; one man answering two
            # waves is a panel (each wave's cells count him once)
            key = [wave_column, "respondent_id"] if wave_column is not None else ["respondent_id"]
            ids = rows[key].dropna(subset=["respondent_id"])
            if ids.duplicated().any():
                within = " within a wave" if wave_column is not None else " within the data"
                raise DataError(f"respondent_id must be unique{within}", column="respondent_id")
        if "stage" not in rows.columns:
            raise DataError("the data is not scored (no stage column)", column="stage")
        if panel_waves:
            rows = cohort_flags(rows, wave_column or "wave", panel_waves)
        group = [*([wave_column] if wave_column else []), *columns, *flags]
        finest = finest_cells(rows, group)
    else:
        # given by an engine (DuckDB's group-by, a tally) in its own order: put in finest_cells' order,
        # as the solver's choices (which cell of a leak to hide first) follow the cells' order
        finest = _in_order(finest, [*([wave_column] if wave_column else []), *columns, *flags])
    levels = list(hierarchy)
    parent_of = {child: parent for parent, child in pairwise(levels)}
    own = {str(w): tuple(b) for w, b in (wave_breakdowns or {}).items()}
    for wave, tables_of_wave in own.items():
        if not set(tables_of_wave) <= set(breakdowns):
            raise ValueError(f"wave {wave}'s breakdowns must be among the declared ones")
    tables = _tables(breakdowns, flags)
    arrays = FinestCells.of(finest.reset_index(drop=True), tables)  # read once, cut by wave below
    opened = {str(w) for w in open_waves}
    release = Release(
        policy,
        tuple(breakdowns),
        wave_column,
        open_waves=frozenset(opened),
        hierarchy=tuple(levels),
        panel_waves=tuple(str(w) for w in panel_waves),
        wave_breakdowns=own,
        current=tuple(current),
        wave_policies={str(w): p for w, p in (wave_policies or {}).items()},
    )
    waves = [SINGLE_WAVE] if wave_column is None else sorted({str(w) for w in finest[wave_column].dropna()})
    wave_text = finest[wave_column].astype(str).to_numpy() if wave_column is not None else None
    store = wave_store.get()
    for wave in waves:
        part = arrays if wave_text is None else arrays.take(np.flatnonzero(wave_text == wave))
        one = _Wave(
            wave,
            part,
            tuple(tables) if wave not in own else tuple(_tables(own[wave], flags)),
            release.policy_of(wave),
            parent_of,
            wave in opened,
            spare_parents,
            None if telling is None else tuple(telling),
        )
        digest = one.digest() if store else ""
        cells = store.get(digest) if store else None
        if cells is None:
            started = time.perf_counter()
            cells = one.solve()
            if store:
                store.put(digest, cells, time.perf_counter() - started)
        for published in cells:
            release.cells[_key(wave, published.filters, published.flags)] = published
    return release


def _tables(breakdowns: Sequence[Breakdown], flags: Sequence[str]) -> list[Table]:
    """The total and the declared tables, and with panel waves the cohorts of the total and of every
    one-column table, on both sides."""
    tables = [Table(())] + [Table(b.columns) for b in breakdowns if b.columns]
    cohort = [t for t in tables if len(t.columns) <= 1]
    return tables + [Table(t.columns, (flag,)) for flag in flags for t in cohort]


@dataclass(frozen=True)
class _Wave:
    """One wave's part of the solve: everything its decisions depend on."""

    wave: str
    part: FinestCells
    tables: tuple[Table, ...]
    policy: PrivacyPolicy
    parent_of: dict[str, str]
    is_open: bool
    spare_parents: bool = False
    telling: tuple[int, ...] | None = None

    def solve(self) -> list[PublishedCell]:
        solved = solve_wave(
            self.part,
            self.tables,
            self.policy,
            hierarchy=self.parent_of,
            open_wave=self.is_open,
            spare_parents=self.spare_parents,
            telling=self.telling,
        )
        return [
            PublishedCell(
                self.wave,
                cell.table.columns,
                cell.values,
                cell.table.flags,
                cell.n if cell.shown else None,
                cell.reason,
                cell.detail,
                cell.split_reason,
                cell.comments,
                cell.comment_reason,
                comment_band(cell.commenters, self.policy.k_text) if cell.comments else "",
            )
            for cell in solved
        ]

    def digest(self) -> str:
        """What the decisions depend on: the wave's finest cells by their values (not by codes, which
        shift when another wave brings a new value), the tables, the hierarchy, the policy and the
        solver's code."""
        digest = hashlib.blake2b(_solver_digest(), digest_size=20)
        settings = [
            self.wave,
            self.is_open,
            *(["spare_parents"] if self.spare_parents else []),  # the main release's digests unchanged
            *([["telling", list(self.telling)]] if self.telling is not None else []),
            self.policy.k,
            self.policy.k_text,
            [[list(t.columns), list(t.flags)] for t in self.tables],
            sorted(self.parent_of.items()),
        ]
        digest.update(json.dumps(settings, default=str).encode())
        part = self.part
        for array in (part.counts, part.stages, part.commenters):
            digest.update(np.ascontiguousarray(array, dtype=np.int64).tobytes())
        for column, (found, uniques) in sorted(part.codes.items()):
            values = [None if code < 0 else uniques[code] for code in found.tolist()]
            digest.update(json.dumps([column, values], default=str).encode())
        for flag, on in sorted(part.flags.items()):
            digest.update(flag.encode() + np.ascontiguousarray(on, dtype=bool).tobytes())
        return digest.hexdigest()


# ---------------------------------------------------------------------- each wave's solve, kept


class WaveStore(Protocol):
    """Where one wave's solved cells are kept, by the digest of everything they were solved from
    (:meth:`_Wave.digest`). Each wave is solved on its own (the audit never mixes waves), so while
    one wave collects answers the others' decisions can be read back instead of solved again."""

    def get(self, digest: str) -> list[PublishedCell] | None: ...

    def put(self, digest: str, cells: list[PublishedCell], seconds: float) -> None: ...


#: The store :func:`solve_release` reads and fills, set by the caller (None: every wave is solved).
wave_store: ContextVar[WaveStore | None] = ContextVar("wave_store", default=None)

_SOLVER_FILES = (
    "solve.py",
    "audit.py",
    "probe.py",
    "halves.py",
    "comments.py",
    "decision.py",
    "release.py",
    "finest.py",
    "reasons.py",
)


@cache
def _solver_digest() -> bytes:
    """The solver's own code: a change to any rule makes every kept wave be solved again."""
    folder = Path(__file__).parent
    digest = hashlib.blake2b(digest_size=16)
    for name in _SOLVER_FILES:
        digest.update((folder / name).read_bytes())
    return digest.digest()


# ---------------------------------------------------------------------- the answerers of a question

#: Answerer releases already solved, by the content they were solved from (see solve_answerers).
_ANSWERERS: Kept[str, Release] = Kept(64)


class AnswererStore(Protocol):
    """Where answerer releases are kept beyond this process, by the digest of what they were solved
    from (the web keeps them beside the organisation's release: solved once per state of the data,
    as that one is, not once per process)."""

    def get(self, digest: str) -> Release | None: ...

    def put(self, digest: str, release: Release, seconds: float) -> None: ...


#: The store :func:`solve_answerers` reads and fills, set by the caller around its views (None: this
#: process's memory only).
answerer_store: ContextVar[AnswererStore | None] = ContextVar("answerer_store", default=None)


#: The stages :func:`end_codes` puts the two ends of a scale in (1 and 4; 2 is "between"): the
#: ``telling`` stages of a release of a scale's ends.
ENDS = (0, 3)


def end_codes(values: Any, scale: tuple[float, float]) -> np.ndarray:
    """Each value as the code of where it lies on ``scale``: 1 at its low end, 4 at its high end, 2
    between (and for a missing value). With ``telling=ENDS``, :func:`solve_answerers` then withholds
    a group's split, and with it its mean, where all its members but one would be known to be at an
    end: a mean pins everyone's answers exactly there, across differences of groups too.

    >>> end_codes([1.0, 2.5, 5.0, float("nan")], (1.0, 5.0)).tolist()
    [1, 2, 4, 2]
    """
    numbers = np.asarray(values, dtype=float)
    low, high = scale
    with np.errstate(invalid="ignore"):
        return np.where(numbers <= low + 1e-9, 1, np.where(numbers >= high - 1e-9, 4, 2)).astype(np.int64)


def solve_answerers(
    release: Release,
    placed_rows: pd.DataFrame,
    answered: Any,
    yes: Any,
    *,
    telling: Sequence[int] | None = None,
) -> Release:
    """The release of the respondents who answered a question, solved like ``release`` itself.

    Why a second release rather than "at least k answerers" per cell: the answerers of a question
    are a subgroup of every cell, and per cell the test cannot see the others. "6 answered
    overall, 5 in unit A" (both at least k) tells that 1 answered in unit B, and the two shares
    then tell his answer. So the answerers are solved as a population of their own over the very
    tables, hierarchy and open waves of ``release``, with the same primary, complementary and
    linear-audit suppression: no combination of shown answerer counts isolates 1..k-1 answerers,
    and as a share is published only with its count, no yes-count of such a group either (its
    derivation would need the same combination). ``yes`` enters as the stage split (stage 1 yes,
    2 no), so the solver's attribute rule, which also checks differences of cells, says where a
    share would tell every other answerer's answer (``detail`` below ``DETAIL_STAGES``). Where a
    difference would tell it ("all 10 minus the 5 of unit A" is unit B, all of whom said yes), the
    smaller cell's share is hidden, not the larger's (``spare_parents``): most fine cells of a rare
    answer are all "no", and hiding parents there climbed to the whole organisation's share.

    ``placed_rows`` are the rows ``release`` was solved from (placed ones); ``answered`` and
    ``yes`` are arrays aligned with them: ``yes`` boolean, or integer codes 1..4 for an answer of
    up to four kinds (further along, behind, the same), each audited like a stage; ``telling``
    names the codes (as stages 0..3) whose "all but one" tells an answer (None: every code; for a
    mean, :data:`ENDS` of :func:`end_codes`: "all between the ends" tells nothing). The result
    depends on the data and the declared tables only, never on which cells anyone asked for
    before, so it is cached by that content.
    """
    answered = np.asarray(answered, dtype=bool)
    yes = np.asarray(yes)
    # a yes/no answer is split 1 yes, 2 no; an answer of up to four kinds (codes 1..4) as it is
    codes = yes.astype(np.int64) if np.issubdtype(yes.dtype, np.integer) else np.where(yes.astype(bool), 1, 2)
    if release.wave_column and release.open_waves:
        # An open wave's answer figures are never shown (counts only), and each new answer would
        # change the digest and solve again in the next request: its rows are left out.
        answered = answered & ~placed_rows[release.wave_column].isin(release.open_waves).to_numpy()
    columns = sorted({c for b in release.breakdowns for c in b.columns})
    group = [*([release.wave_column] if release.wave_column else []), *columns]
    check_columns(release.breakdowns, placed_rows.columns)
    rows = placed_rows.loc[answered, group].copy()  # no comment columns: only counts are solved
    rows["stage"] = codes[answered]
    finest = finest_cells(rows, group)
    settings = json.dumps(
        [
            "spare_parents",
            *([["telling", list(telling)]] if telling is not None else []),
            release.policy.k,
            release.policy.k_text,
            [b.key for b in release.breakdowns],
            release.wave_column,
            list(release.hierarchy),
            sorted(release.open_waves),
            *([release._per_wave()] if release._per_wave() else []),
        ]
    )
    # the solver's code too, as each wave's solve is stored (a stored release of an older solver's
    # decisions is never read back)
    digest = hashlib.blake2b(
        _solver_digest() + settings.encode() + finest.to_csv(index=False).encode(), digest_size=16
    ).hexdigest()
    store = answerer_store.get()
    solved = _ANSWERERS.get(digest)
    if solved is None and store is not None:
        solved = store.get(digest)
    if solved is None:
        started = time.perf_counter()
        solved = solve_release(
            rows,
            release.breakdowns,
            release.policy,
            wave_column=release.wave_column,
            hierarchy=release.hierarchy,
            open_waves=release.open_waves,
            finest=finest,
            spare_parents=True,
            telling=telling,
            wave_breakdowns=release.wave_breakdowns,
            current=release.current,
            wave_policies=release.wave_policies,
        )
        if store is not None:
            store.put(digest, solved, time.perf_counter() - started)
    _ANSWERERS.put(digest, solved)
    return solved
