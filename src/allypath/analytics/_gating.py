"""Turning a scored frame into gated groups: the one path from rows to figures.

Every public analytics function asks :func:`gated_groups` (or :func:`gated_pairs` for two waves)
which groups it may compute, so no figure is ever produced for a group the gate hid.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from allypath.errors import DataError
from allypath.privacy import (
    Decision,
    DisclosureLedger,
    Group,
    PrivacyPolicy,
    describe,
    release_trend,
    release_view,
    response_keys,
)

__all__ = [
    "GatedGroup",
    "by_columns",
    "filtered",
    "gated_groups",
    "gated_pairs",
    "group_means",
    "hidden_row",
    "ledger_for",
    "placed",
    "require",
    "split",
]

ID = "respondent_id"


@dataclass(frozen=True)
class GatedGroup:
    """One group of a view: attribute values, label, its rows' positions in ``frame``, decision.

    ``rows`` gives the group's rows only when the gate shows it (an empty frame otherwise), so a
    figure cannot be computed for a hidden group by accident.
    """

    values: dict[str, Hashable]
    label: str
    frame: pd.DataFrame
    index: np.ndarray
    decision: Decision

    @property
    def visible(self) -> bool:
        return self.decision.visible

    @property
    def rows(self) -> pd.DataFrame:
        return self.frame.iloc[self.index] if self.decision.visible else self.frame.iloc[:0]


Part = tuple[dict[str, Hashable], str, np.ndarray, np.ndarray]  # values, label, row positions, keys


def ledger_for(ledger: DisclosureLedger | None, policy: PrivacyPolicy | None) -> DisclosureLedger:
    """The viewer's ledger, or a fresh one (no memory: only the per-view rules apply)."""
    if ledger is not None:
        if policy is not None and policy != ledger.policy:
            raise DataError("the policy differs from the ledger's policy", column="policy")
        return ledger
    return DisclosureLedger(policy or PrivacyPolicy())


def by_columns(by: str | Sequence[str]) -> list[str]:
    return [by] if isinstance(by, str) else list(by)


def require(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    """Raise :class:`DataError` naming the first missing column."""
    for column in columns:
        if column not in frame.columns:
            raise DataError(f"the scored data has no column {column!r}", column=column)


def _keys(frame: pd.DataFrame) -> np.ndarray:
    """Member keys of the rows: from ``respondent_id``, else from the frame's index.

    Without response ids the ledger can only recognise rows of the same frame again, which is
    enough for one report but not for a dashboard session: give every response an id.
    """
    if ID not in frame.columns:
        return response_keys(pd.Series(frame.index.astype(str), dtype="string"))
    ids = frame[ID]
    if ids.isna().any():
        raise DataError("every response needs a respondent_id for the privacy gate", column=ID)
    keys = response_keys(ids)
    if pd.Series(keys).duplicated().any():  # two rows, one response: every count would be off
        raise DataError("respondent_id must be unique within the data", column=ID)
    return keys


def filtered(frame: pd.DataFrame, filters: Mapping[str, Hashable]) -> pd.DataFrame:
    require(frame, list(filters))
    keep = np.ones(len(frame), dtype=bool)
    for column, value in filters.items():
        keep &= (frame[column] == value).fillna(False).to_numpy(dtype=bool)
    return frame[keep]


def placed(scored: pd.DataFrame) -> pd.DataFrame:
    """Rows whose stage could be placed (``status == "scored"``), or all rows without a status."""
    if "status" not in scored.columns:
        return scored
    return scored[(scored["status"] == "scored").fillna(False).to_numpy(dtype=bool)]


def split(frame: pd.DataFrame, by: list[str], filters: Mapping[str, Hashable]) -> list[Part]:
    """The groups of ``frame`` by ``by``: (values, label, row positions, member keys), sorted."""
    require(frame, by)
    keys = _keys(frame)
    if not by:  # no breakdown: the filtered rows are the one group (even if empty)
        return [({}, describe(dict(filters)), np.arange(len(frame)), keys)]
    out: list[Part] = []
    if frame.empty:
        return out
    codes = frame.groupby(by, observed=True, dropna=True, sort=True).indices
    for value, index in codes.items():
        values = dict(zip(by, value if isinstance(value, tuple) else (value,), strict=True))
        plain = {name: (v.item() if isinstance(v, np.generic) else v) for name, v in values.items()}
        positions = np.asarray(index, dtype=np.int64)
        out.append((plain, describe({**filters, **plain}), positions, keys[positions]))
    return out


def gated_groups(
    scored: pd.DataFrame,
    by: str | Sequence[str],
    ledger: DisclosureLedger,
    *,
    filters: Mapping[str, Hashable] | None = None,
    view: str = "",
    with_total: bool = False,
) -> list[GatedGroup]:
    """The groups of ``scored`` by ``by`` (within ``filters``), each decided by the gate.

    With ``with_total`` the filtered total is a group of the view too (the groups are its
    children), so "total minus shown groups" is protected as well. Shown groups are recorded in
    the ledger; hidden ones carry an empty frame.
    """
    filters = dict(filters or {})
    frame = filtered(scored, filters)
    parts = split(frame, by_columns(by), filters)
    groups = [Group.from_keys(label, keys, distinct=True) for _, label, _, keys in parts]
    parents: dict[str, str] = {}
    total_label = describe(filters)
    if with_total:
        total = Group.from_keys(total_label, _keys(frame), distinct=True)
        parents = {g.label: total_label for g in groups if g.label != total_label}
        groups = [total, *[g for g in groups if g.label != total_label]]
    decisions = release_view(ledger, groups, parents=parents, view=view)
    out = []
    if with_total:
        out.append(GatedGroup({}, total_label, frame, np.arange(len(frame)), decisions[total_label]))
    for values, label, index, _ in parts:
        if not (with_total and label == total_label):
            out.append(GatedGroup(values, label, frame, index, decisions[label]))
    return out


def gated_pairs(
    scored: pd.DataFrame,
    by: str | Sequence[str],
    ledger: DisclosureLedger,
    waves: tuple[Hashable, Hashable],
    *,
    wave_column: str = "wave",
    filters: Mapping[str, Hashable] | None = None,
    view: str = "",
    cohort: str | None = None,
) -> list[tuple[GatedGroup, GatedGroup]]:
    """Each group on both waves, shown only where it passes on both (the trend rule).

    With ``cohort`` (a panel-key column) a group is the panel members in it on the first wave
    who answered the second wave too; their two rows form the pair.
    """
    require(scored, [wave_column])
    filters = dict(filters or {})
    first, second = (filtered(scored, {**filters, wave_column: w}) for w in waves)
    if cohort is not None:
        require(scored, [cohort])
        linked = np.intersect1d(first[cohort].dropna().to_numpy(), second[cohort].dropna().to_numpy())
        first = first[first[cohort].isin(linked).to_numpy()].drop_duplicates(cohort)
        second = second[second[cohort].isin(linked).to_numpy()].drop_duplicates(cohort)
    by_list = by_columns(by)
    parts: dict[str, tuple[dict[str, Hashable], np.ndarray, np.ndarray]] = {}
    for values, label, index, _ in split(first, by_list, filters):
        parts[label] = (values, index, np.zeros(0, dtype=np.int64))
    if cohort is not None:
        position = pd.Series(np.arange(len(second)), index=second[cohort].to_numpy()).groupby(level=0).first()
        for label, (values, index, _) in parts.items():
            parts[label] = (values, index, position.loc[first[cohort].to_numpy()[index]].to_numpy())
    else:  # groups only present on the second wave exist too (and are hidden)
        for values, label, index, _ in split(second, by_list, filters):
            before = parts.get(label, (values, np.zeros(0, dtype=np.int64), index))[1]
            parts[label] = (values, before, index)
    first_keys, second_keys = _keys(first), _keys(second)
    pairs = {
        label: (
            Group.from_keys(
                describe({**filters, **values, wave_column: waves[0]}), first_keys[a], distinct=True
            ),
            Group.from_keys(
                describe({**filters, **values, wave_column: waves[1]}), second_keys[b], distinct=True
            ),
        )
        for label, (values, a, b) in parts.items()
    }
    decisions = release_trend(ledger, pairs, waves=(str(waves[0]), str(waves[1])), view=view)
    return [
        (
            GatedGroup(values, label, first, a, decisions[label]),
            GatedGroup(values, label, second, b, decisions[label]),
        )
        for label, (values, a, b) in parts.items()
    ]


def group_means(groups: Sequence[GatedGroup], frame: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """(groups x columns) means over each shown group's non-missing values (NaN when hidden).

    One pass over the shown groups' rows for all of them (groups may overlap, e.g. a total and
    its breakdown), so a view of hundreds of groups costs about a group-by.
    """
    shown = [(p, g.index) for p, g in enumerate(groups) if g.visible]
    rows = np.concatenate([index for _, index in shown]) if shown else np.zeros(0, dtype=np.int64)
    owner = np.concatenate([np.full(index.size, p) for p, index in shown]) if shown else rows
    out = np.full((len(groups), len(columns)), np.nan)
    for j, column in enumerate(columns):
        if column not in frame.columns:
            continue
        values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)[rows]
        known = ~np.isnan(values)
        sums = np.bincount(owner[known], weights=values[known], minlength=len(groups))
        counts = np.bincount(owner[known], minlength=len(groups))
        with np.errstate(invalid="ignore", divide="ignore"):
            out[:, j] = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    return out


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
