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
    "hidden_row",
    "ledger_for",
    "placed",
    "require",
    "split",
]

ID = "respondent_id"


@dataclass(frozen=True)
class GatedGroup:
    """One group of a view: its attribute values, label, rows (only if shown) and decision."""

    values: dict[str, Hashable]
    label: str
    rows: pd.DataFrame
    decision: Decision

    @property
    def visible(self) -> bool:
        return self.decision.visible


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
    return response_keys(ids)


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


def split(
    frame: pd.DataFrame, by: list[str], filters: Mapping[str, Hashable]
) -> list[tuple[dict[str, Hashable], str, pd.DataFrame, np.ndarray]]:
    """The groups of ``frame`` by ``by``: (values, label, rows, member keys) each, sorted."""
    require(frame, by)
    keys = _keys(frame)
    if not by:  # no breakdown: the filtered rows are the one group (even if empty)
        return [({}, describe(dict(filters)), frame, keys)]
    out: list[tuple[dict[str, Hashable], str, pd.DataFrame, np.ndarray]] = []
    if frame.empty:
        return out
    codes = frame.groupby(by, observed=True, dropna=True, sort=True).indices
    for value, index in codes.items():
        values = dict(zip(by, value if isinstance(value, tuple) else (value,), strict=True))
        plain = {name: (v.item() if isinstance(v, np.generic) else v) for name, v in values.items()}
        label = describe({**filters, **plain})
        out.append((plain, label, frame.iloc[index], keys[index]))
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
    groups = [Group.from_keys(label, keys) for _, label, _, keys in parts]
    parents: dict[str, str] = {}
    total_label = describe(filters)
    if with_total:
        total = Group.from_keys(total_label, _keys(frame))
        parents = {g.label: total_label for g in groups if g.label != total_label}
        groups = [total, *[g for g in groups if g.label != total_label]]
    decisions = release_view(ledger, groups, parents=parents, view=view)
    out = []
    if with_total:
        out.append(
            GatedGroup(
                {},
                total_label,
                frame if decisions[total_label].visible else frame.iloc[:0],
                decisions[total_label],
            )
        )
    for values, label, rows, _ in parts:
        if with_total and label == total_label:
            continue
        decision = decisions[label]
        out.append(GatedGroup(values, label, rows if decision.visible else rows.iloc[:0], decision))
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
        first = first[first[cohort].isin(linked)]
        later = second[second[cohort].isin(linked)].drop_duplicates(cohort).set_index(cohort)
    by_list = by_columns(by)
    parts: dict[str, list[tuple[dict[str, Hashable], str, pd.DataFrame, np.ndarray]]] = {}
    for values, _, rows, _ in split(first, by_list, {}):
        label = describe({**filters, **values})
        if cohort is not None:
            after = later.loc[rows[cohort].to_numpy()].reset_index()
        else:
            after = filtered(second, values)
        parts[label] = [
            (values, describe({**filters, **values, wave_column: waves[0]}), rows, _keys(rows)),
            (values, describe({**filters, **values, wave_column: waves[1]}), after, _keys(after)),
        ]
    if cohort is None:  # groups only present on the second wave still exist (and are hidden)
        for values, _, rows, keys in split(second, by_list, {}):
            label = describe({**filters, **values})
            if label not in parts:
                empty = first.iloc[:0]
                parts[label] = [
                    (values, describe({**filters, **values, wave_column: waves[0]}), empty, _keys(empty)),
                    (values, describe({**filters, **values, wave_column: waves[1]}), rows, keys),
                ]
    pairs = {
        label: (Group.from_keys(a[1], a[3]), Group.from_keys(b[1], b[3])) for label, (a, b) in parts.items()
    }
    decisions = release_trend(ledger, pairs, waves=(str(waves[0]), str(waves[1])), view=view)
    out = []
    for label, (a, b) in parts.items():
        decision = decisions[label]
        out.append(
            (
                GatedGroup(a[0], label, a[2] if decision.visible else a[2].iloc[:0], decision),
                GatedGroup(b[0], label, b[2] if decision.visible else b[2].iloc[:0], decision),
            )
        )
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
