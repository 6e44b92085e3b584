"""Turning a scored frame into published groups: the one path from rows to figures.

Every public analytics function asks :func:`gated_groups` (or :func:`gated_pairs` for two waves)
for its groups; each group carries the cell the organisation's :class:`~allypath.privacy.Release`
published for it, so no figure is ever computed for a group the release hides, and every view
shows the same figure for the same cell. Without a release (a notebook, one file) the view's own
tables are solved on the spot: the filtered total and its breakdown.
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from allypath._kept import Kept
from allypath.errors import DataError, RequestProblem
from allypath.privacy import (
    Breakdown,
    Decision,
    PrivacyPolicy,
    PublishedCell,
    Reason,
    Release,
    describe,
    solve_release,
)
from allypath.privacy.decision import hidden, shown
from allypath.privacy.release import (
    CONTINUING,
    DETAIL_NONE,
    DETAIL_STAGES,
    ENDS,
    RETURNING,
    cohort_flags,
    end_codes,
    solve_answerers,
)

__all__ = [
    "GatedGroup",
    "by_columns",
    "filtered",
    "gated_groups",
    "gated_pairs",
    "group_means",
    "group_means_and_sizes",
    "hidden_row",
    "mean_sizes",
    "placed",
    "require",
    "split",
]

ID = "respondent_id"
WAVE = "wave"


@dataclass(frozen=True)
class AnswerGate:
    """What a mean over the answerers of one question needs besides the group's own cell: the release
    its groups come from, the placed rows it was solved from, and the group's cell key.

    A question a man may skip is averaged over those who answered it, a subgroup of every group that
    no release has checked: "2.5 over the 6 of Sales" and "2.8 over the 5 who answered in Sales/East"
    give the one answer from Sales/West. So such a mean is shown only where the release of that
    question's answerers (:func:`~allypath.privacy.release.solve_answerers`, solved like the
    organisation's over every declared table) shows the group's answerers.
    """

    release: Release
    source: pd.DataFrame
    where: dict[str, Hashable]
    cohort: bool = False  # a panel cohort's cell: no release of its answerers, so nothing shown


@dataclass(frozen=True)
class GatedGroup:
    """One group of a view: attribute values, label, its rows' positions in ``frame``, its cell.

    ``rows`` gives the group's rows only when the release publishes figures for it (an empty frame
    otherwise), so a figure cannot be computed for a hidden group by accident.
    """

    values: dict[str, Hashable]
    label: str
    frame: pd.DataFrame
    index: np.ndarray
    decision: Decision
    cell: PublishedCell | None = None
    gate: AnswerGate | None = None  # None: means over all its rows need nothing more (a pair of waves)

    @property
    def visible(self) -> bool:
        """The group's size is shown."""
        return self.decision.visible

    @property
    def figures(self) -> bool:
        """Figures beyond the size are shown (not for a wave still collecting answers)."""
        return self.visible and (self.cell is None or self.cell.split_reason != "open_wave")

    @property
    def detail(self) -> int:
        """How much of the stage split is shown: 2 every stage, 1 two bands, 0 none."""
        if not self.figures:
            return DETAIL_NONE
        return 2 if self.cell is None else self.cell.detail

    @property
    def rows(self) -> pd.DataFrame:
        return self.frame.iloc[self.index] if self.figures else self.frame.iloc[:0]


Part = tuple[dict[str, Hashable], str, np.ndarray]  # values, label, row positions


def by_columns(by: str | Sequence[str]) -> list[str]:
    return [by] if isinstance(by, str) else list(by)


def require(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    """Raise :class:`DataError` naming the first missing column."""
    for column in columns:
        if column not in frame.columns:
            raise DataError(f"the scored data has no column {column!r}", column=column)


def filtered(frame: pd.DataFrame, filters: Mapping[str, Hashable]) -> pd.DataFrame:
    require(frame, list(filters))
    keep = np.ones(len(frame), dtype=bool)
    for column, value in filters.items():
        keep &= (frame[column] == value).fillna(False).to_numpy(dtype=bool)
    return frame[keep]


def placed(scored: pd.DataFrame) -> pd.DataFrame:
    """Rows whose stage could be placed (``status == "scored"``), or all rows without a status.

    Every view counts these rows and only these (sizes, shares, rates, comments), so two views of
    one group never differ by a few unusable responses.
    """
    if "status" not in scored.columns:
        return scored
    return scored[(scored["status"] == "scored").fillna(False).to_numpy(dtype=bool)]


def split(frame: pd.DataFrame, by: list[str], filters: Mapping[str, Hashable]) -> list[Part]:
    """The groups of ``frame`` by ``by``: (values, label, row positions), sorted."""
    require(frame, by)
    if not by:  # no breakdown: the filtered rows are the one group (even if empty)
        return [({}, describe(dict(filters)), np.arange(len(frame)))]
    out: list[Part] = []
    if frame.empty:
        return out
    codes = frame.groupby(by, observed=True, dropna=True, sort=True).indices
    for value, index in codes.items():
        values = dict(zip(by, value if isinstance(value, tuple) else (value,), strict=True))
        plain = {name: (v.item() if isinstance(v, np.generic) else v) for name, v in values.items()}
        out.append((plain, describe({**filters, **plain}), np.asarray(index, dtype=np.int64)))
    return out


def view_release(
    scored: pd.DataFrame,
    by: Sequence[str],
    filters: Mapping[str, Hashable],
    policy: PrivacyPolicy | None,
    *,
    waves: Sequence[Hashable] = (),
    panel: bool = False,
) -> Release:
    """A release of just this view's tables (the filtered total and its breakdown), for callers
    that have no organisation-wide release (notebooks, one file)."""
    columns = [c for c in filters if c != WAVE]
    tables = [Breakdown(tuple(columns)), Breakdown(tuple(dict.fromkeys([*columns, *by])))]
    wave_column = WAVE if (WAVE in filters or waves) else None
    data = placed(scored)
    if wave_column is None:
        data = filtered(data, {c: v for c, v in filters.items() if c == WAVE})
    return solve_release(
        data,
        [t for t in dict.fromkeys(tables) if t.columns],
        policy or PrivacyPolicy(),
        wave_column=wave_column,
        panel_waves=list(waves) if panel else (),
    )


def _check_size(label: str, cell: PublishedCell, rows: int) -> None:
    # No count in the message: the rows may be a group the release never checked (a message reaches
    # logs and error pages), so it says only that the two disagree.
    if cell.n is not None and cell.n != rows:
        raise DataError(
            f"group {label!r} does not match the published release: the data changed since the release "
            "was solved",
            column="release",
        )


def _check_panel_pair(release: Release, waves: tuple[Hashable, Hashable]) -> None:
    """Refuse a transition between waves the release's cohort cells do not link: only a panel wave
    and the panel wave right after it (the cohorts of other pairs were never checked)."""
    first, second = (str(w) for w in waves)
    following = release.next_panel_wave(first)
    if following == second:
        return
    if first not in release.panel_waves:
        message = f"transitions start from a panel wave; {first} is not one"
    elif following is None:
        message = f"{first} is the latest panel wave, so there is no later wave to compare it with"
    else:
        message = (
            f"transitions compare a panel wave with the panel wave right after it: "
            f"after {first}, choose {following}"
        )
    raise RequestProblem(422, message, field="to_wave", code="not_next_panel_wave")


def _decision(release: Release, cell: PublishedCell) -> Decision:
    if cell.n is not None:
        return shown(cell.n)
    reason = Reason.BELOW_K if cell.reason == "below_k" else Reason.COMPLEMENTARY
    if cell.reason not in ("below_k", "complementary"):
        reason = Reason.NOT_PUBLISHED
    return hidden(0, reason, release.message(cell.reason, cell.wave))


def gated_groups(
    scored: pd.DataFrame,
    by: str | Sequence[str],
    release: Release | None = None,
    *,
    policy: PrivacyPolicy | None = None,
    filters: Mapping[str, Hashable] | None = None,
    with_total: bool = False,
) -> list[GatedGroup]:
    """The groups of ``scored`` by ``by`` (within ``filters``), each with its published cell.

    With ``with_total`` the filtered total comes first. ``scored`` should hold the placed rows.
    """
    filters = dict(filters or {})
    columns = by_columns(by)
    if release is None:
        release = view_release(scored, columns, filters, policy)
    frame = filtered(scored, filters)
    out = []
    if with_total or not columns:
        cell = release.cell(filters)
        _check_size(describe(filters), cell, len(frame))
        gate = AnswerGate(release, scored, dict(filters))
        total = GatedGroup(
            {}, describe(filters), frame, np.arange(len(frame)), _decision(release, cell), cell, gate
        )
        out.append(total)
        if not columns:
            return out
    for values, label, index in split(frame, columns, filters):
        cell = release.cell({**filters, **values})
        _check_size(label, cell, index.size)
        gate = AnswerGate(release, scored, {**filters, **values})
        out.append(GatedGroup(values, label, frame, index, _decision(release, cell), cell, gate))
    return out


def _trend_hidden(label: str, wave: Hashable, message: str) -> Decision:
    return hidden(0, Reason.TREND, f"not shown on {wave} ({message}), so no change can be shown")


def gated_pairs(
    scored: pd.DataFrame,
    by: str | Sequence[str],
    release: Release | None,
    waves: tuple[Hashable, Hashable],
    *,
    policy: PrivacyPolicy | None = None,
    wave_column: str = WAVE,
    filters: Mapping[str, Hashable] | None = None,
    cohort: str | None = None,
) -> list[tuple[GatedGroup, GatedGroup]]:
    """Each group on both waves, shown only where the release shows it on both (the trend rule).

    With ``cohort`` (the panel-key column) a group is its panel members who answered both waves:
    the release's cohort cells (continuing on the first wave, returning on the second), shown only
    where both are published and hold the same people (nobody moved between groups).
    """
    require(scored, [wave_column])
    source = scored  # the placed rows the release was solved from (before the cohort's are taken)
    filters = {c: v for c, v in dict(filters or {}).items() if c != wave_column}
    columns = by_columns(by)
    if release is None:
        both = scored[scored[wave_column].isin(list(waves)).to_numpy()]
        release = view_release(both, columns, filters, policy, waves=waves, panel=cohort is not None)
        source = both
    flags: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    if cohort is not None:
        require(scored, [cohort])
        _check_panel_pair(release, waves)
        # The cohort rows are the release's own: continuing on the first wave, returning on the second,
        # flagged as the release flagged them (over every row, not just the filtered ones), so the
        # membership check below compares two sets the release checked, and can fail.
        keys = pd.DataFrame(
            {wave_column: scored[wave_column].to_numpy(), "panel_key": scored[cohort].to_numpy()}
        )
        marked = cohort_flags(keys, wave_column, release.panel_waves)
        on_first = scored[wave_column].astype(str).to_numpy() == str(waves[0])
        linked = np.where(
            on_first, marked[CONTINUING].to_numpy(dtype=bool), marked[RETURNING].to_numpy(dtype=bool)
        )
        scored = scored[linked]
        flags = ((CONTINUING,), (RETURNING,))
    first, second = (filtered(scored, {**filters, wave_column: w}) for w in waves)
    parts: dict[str, tuple[dict[str, Hashable], np.ndarray, np.ndarray]] = {}
    empty = np.zeros(0, dtype=np.int64)
    for values, label, index in split(first, columns, filters):
        parts[label] = (values, index, empty)
    for values, label, index in split(second, columns, filters):
        before = parts.get(label, (values, empty, index))[1]
        parts[label] = (values, before, index)
    out = []
    for label, (values, a, b) in parts.items():
        cells = [
            release.cell({**filters, **values, wave_column: w}, flags=f)
            for w, f in zip(waves, flags, strict=True)
        ]
        decision: Decision = shown(cells[1].n or 0)
        for wave, cell, index in zip(waves, cells, (a, b), strict=True):
            if cell.n is None:
                decision = _trend_hidden(label, wave, release.message(cell.reason, wave))
                break
            _check_size(label, cell, index.size)
        if decision.visible and cohort is not None:
            same = set(first[cohort].to_numpy()[a]) == set(second[cohort].to_numpy()[b])
            if not same:
                decision = hidden(
                    0, Reason.TREND, "some panel members moved between groups, so their change is not shown"
                )
        if decision.visible and (a.size == 0 or b.size == 0):
            decision = hidden(0, Reason.TREND, "no respondents on one of the two waves")
        # a mean over a question's answerers, on each wave, as gated_groups has it; a panel cohort's
        # answerers have no release of their own: its means of such questions are withheld
        gates = [
            AnswerGate(release, source, {**filters, **values, wave_column: w}, cohort=cohort is not None)
            for w in waves
        ]
        out.append(
            (
                GatedGroup(values, label, first, a, decision, cells[0], gates[0]),
                GatedGroup(values, label, second, b, decision, cells[1], gates[1]),
            )
        )
    return out


def group_means(
    groups: Sequence[GatedGroup],
    frame: pd.DataFrame,
    columns: Sequence[str],
    *,
    scale: tuple[float, float] | None = None,
) -> np.ndarray:
    """(groups x columns) means over each published group's non-missing values (NaN when hidden).

    With ``scale`` (the answers' lowest and highest value) a mean is withheld where it would tell a
    member who knows his own answer what all the others answered (:func:`discloses_answers`).
    """
    return group_means_and_sizes(groups, frame, columns, scale=scale)[0]


def group_means_and_sizes(
    groups: Sequence[GatedGroup],
    frame: pd.DataFrame,
    columns: Sequence[str],
    *,
    scale: tuple[float, float] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`group_means` and, beside each shown mean, the published number of men it is over
    (:func:`mean_sizes`; NaN where the mean is not shown): what its margin is worked out from.

    With ``scale``, a group's mean is also withheld where the release of the column's ends
    (:func:`~allypath.privacy.release.end_codes`, solved over every declared table) hides that group's
    split: a difference of shown means ("the total minus unit A") would give a group of men all at
    one end of the scale, and so every one's answers, though no mean shown on its own does."""
    shown_groups = [(p, g.index) for p, g in enumerate(groups) if g.figures]
    rows = (
        np.concatenate([index for _, index in shown_groups]) if shown_groups else np.zeros(0, dtype=np.int64)
    )
    owner = np.concatenate([np.full(index.size, p) for p, index in shown_groups]) if shown_groups else rows
    out = np.full((len(groups), len(columns)), np.nan)
    sizes = np.full((len(groups), len(columns)), np.nan)
    for j, column in enumerate(columns):
        if column not in frame.columns:
            continue
        values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)[rows]
        known = ~np.isnan(values)
        sums = np.bincount(owner[known], weights=values[known], minlength=len(groups))
        counts = np.bincount(owner[known], minlength=len(groups))
        with np.errstate(invalid="ignore", divide="ignore"):
            means = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
        if scale is not None:
            means = np.where(discloses_answers(means, counts, scale), np.nan, means)
        published = mean_sizes(groups, column, scale=scale)
        gated = np.array([g.figures and g.gate is not None for g in groups], dtype=bool)
        hidden = gated & (np.isnan(published) | _ends_withheld(groups, column, scale))
        out[:, j] = np.where(hidden, np.nan, means)
        sizes[:, j] = np.where(np.isnan(out[:, j]), np.nan, published)
    return out, sizes


def mean_sizes(
    groups: Sequence[GatedGroup], column: str, *, scale: tuple[float, float] | None = None
) -> np.ndarray:
    """Per group, the published number of men a mean of ``column`` is over, for its margin: the
    group's size where every placed man answered ``column`` (or the group has no :class:`AnswerGate`),
    else the group's answerers as the release of ``column``'s answerers shows them. NaN where the
    group shows no figures or that release hides its answerers.

    A mean of a question some men skipped is over fewer men than the group, so a margin from the
    group's size would be too narrow; the answerers' release publishes their number where it shows
    them (its counts pass the same checks as any other), never a count it hides. (With ``scale``
    the release is that of the column's ends, :func:`_ends_withheld`: its counts are the same.)
    """
    sizes = np.array([float(g.decision.n or 0) if g.figures else np.nan for g in groups])
    gate = next((g.gate for g in groups if g.gate is not None), None)  # any: the answerers are org-wide
    if gate is None or column not in gate.source.columns:
        return sizes
    answered = pd.to_numeric(gate.source[column], errors="coerce").notna().to_numpy(dtype=bool)
    if answered.all():
        return sizes
    cohorts_only = all(g.gate is None or g.gate.cohort for g in groups)
    # a cohort's answerers: no release of them, so none shown (and no release solved to say so)
    answerers = None if cohorts_only else _answerers_of(gate, column, scale)
    for position, group in enumerate(groups):
        if group.figures and group.gate is not None:
            found = None if answerers is None or group.gate.cohort else answerers.cell(group.gate.where).n
            sizes[position] = np.nan if found is None else float(found)
    return sizes


#: Answerer releases by (release, column, the rows' answers and their codes, scale): ``solve_answerers``
#: finds one only after grouping every row into its finest cells and hashing them (about 0.3 s per question at
#: 100,000 rows), which a page of a dozen means would pay on every request. The release is kept with
#: its entry, so its id cannot be reused while the entry lives.
_ANSWERER_GATES: Kept[tuple[int, str, str, tuple[float, float] | None], tuple[Release, Release]] = Kept(128)


def _ends_withheld(
    groups: Sequence[GatedGroup], column: str, scale: tuple[float, float] | None
) -> np.ndarray:
    """Per group, whether the release of ``column``'s ends hides it or its split (so its mean is
    withheld).

    A mean pins every member's answer when all of them but one are at the same end of the scale; the
    release of the ends (:func:`~allypath.privacy.release.end_codes`, ``telling=ENDS``) finds that in
    each group and in every difference its shown groups allow, as the stage split's audit does, and
    hides the smaller group's split. A panel cohort's groups have no such release: their means keep
    the per-group rule (:func:`discloses_answers`) only.
    """
    out = np.zeros(len(groups), dtype=bool)
    # any group's gate: the release of the ends is organisation-wide (solved whichever groups a view
    # shows, as prepare_releases solves it for the pages, with or without figures to show)
    gate = next((g.gate for g in groups if g.gate is not None and not g.gate.cohort), None)
    if scale is None or gate is None or column not in gate.source.columns:
        return out
    values = pd.to_numeric(gate.source[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    if not (end_codes(values, scale) != 2).any():
        # no man at either end: no group, shown or worked out, can be pinned there (a line's rest and
        # any set the audit finds hold 0 or at least k men), so there is nothing to solve
        return out
    ends = _answerers_of(gate, column, scale)
    for position, group in enumerate(groups):
        if group.figures and group.gate is not None and not group.gate.cohort:
            # hidden there as a group too: the ends were audited over the groups that release shows,
            # which with panel waves (cohort cells in the organisation's release, none in this one)
            # need not be the groups the page shows; a mean is shown only where both show the group
            cell = ends.cell(group.gate.where)
            out[position] = cell.n is None or cell.detail < DETAIL_STAGES
    return out


def _answerers_of(gate: AnswerGate, column: str, scale: tuple[float, float] | None = None) -> Release:
    """The release of ``column``'s answerers among ``gate.source`` (solved or found by
    :func:`solve_answerers`), with ``scale`` that of its ends (where each answer lies on it); remembered
    for the same release, the same rows and the same codes."""
    values = pd.to_numeric(gate.source[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    answered = ~np.isnan(values)
    codes = np.full(answered.size, 2, dtype=np.int64) if scale is None else end_codes(values, scale)
    rows = hashlib.blake2b(answered.tobytes(), digest_size=16)
    rows.update(codes.tobytes())
    rows.update(np.ascontiguousarray(gate.source.index.to_numpy()).tobytes())
    key = (id(gate.release), column, rows.hexdigest(), scale)
    found = _ANSWERER_GATES.get(key)
    if found is not None and found[0] is gate.release:
        return found[1]
    telling = None if scale is None else ENDS
    solved = solve_answerers(gate.release, gate.source, answered, codes, telling=telling)
    _ANSWERER_GATES.put(key, (gate.release, solved))
    return solved


def discloses_answers(means: np.ndarray, counts: np.ndarray, scale: tuple[float, float]) -> np.ndarray:
    """True where a mean of ``counts`` answers on ``scale`` pins every other member's answer.

    A member who knows his own answer v knows the others' sum, n * mean - v. When that sum is the
    least (or most) n - 1 answers can add up to, every other member answered the scale's end: it
    happens for some v exactly when mean <= ((n - 1) low + high) / n (or the mirror at the top).
    Only the mean and n enter, so every engine decides alike.

    Examples
    --------
    >>> discloses_answers(np.array([1.0, 1.8, 3.0]), np.array([5, 5, 5]), (1.0, 5.0)).tolist()
    [True, True, False]
    """
    low, high = scale
    n = np.maximum(np.asarray(counts, dtype=float), 1.0)
    floor = ((n - 1) * low + high) / n
    ceiling = ((n - 1) * high + low) / n
    with np.errstate(invalid="ignore"):
        return (means <= floor + 1e-9) | (means >= ceiling - 1e-9)


def hidden_row(group: GatedGroup) -> dict[str, object]:
    """The columns every analytics row carries: attribute values, label, size and decision."""
    decision = group.decision
    return {
        **group.values,
        "group": group.label,
        "n": decision.n if decision.visible else pd.NA,
        "visible": decision.visible,
        "reason": decision.reason or pd.NA,
        "message": decision.message or pd.NA,
    }
