"""The attacker oracle through the analytics functions a dashboard calls, all reading one release.

On a random small organisation (units, levels, one or two waves) the release is solved once over
its declared breakdowns; then several accounts call random analytics (stage mix with and without
totals, heatmaps, response rates, awareness, perception gap, change between waves, summaries,
plans) and pool what they saw. The attacker reads every shown row: its group (known from its
values), its size and a score sum (a mean times the size). No set of 1..k-1 respondents may be
derivable, and every shown size is the size of the group the row names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from allypath.analytics import (
    action_plan,
    factor_heatmap,
    perception_gap,
    policy_awareness,
    response_rates,
    stage_mix,
    summarise_groups,
    wave_change,
)
from allypath.privacy import PrivacyPolicy, Release, default_breakdowns, solve_release
from analytics.frames import scored_frame
from privacy.attacker import Attacker

CASES = 200
ACCOUNTS = 4  # three viewers and an analyst, pooling what they saw


def _members(frame: pd.DataFrame, values: Mapping[str, object]) -> np.ndarray:
    keep = np.ones(len(frame), dtype=bool)
    for name, value in values.items():
        keep &= (frame[name].astype(str) == str(value)).to_numpy()
    return np.flatnonzero(keep)


def _see(
    attacker: Attacker,
    frame: pd.DataFrame,
    table: pd.DataFrame,
    filters: Mapping[str, object],
    by: list[str],
    mean: str,
    column: str,
) -> None:
    if table.empty:
        return
    for _, row in table[table["visible"]].iterrows():
        values = {**filters, **{c: row[c] for c in by if c in row and not pd.isna(row[c])}}
        members = _members(frame, values)
        assert len(members) == row["n"]  # the shown size is the size of the named group
        if pd.isna(row[mean]):
            attacker.see(row["group"], members, row["n"], float("nan"))
            continue
        attacker.see(row["group"], members, row["n"], row[mean] * row["n"])
        assert np.isclose(row[mean] * row["n"], frame[column].to_numpy(dtype=float)[members].sum())


def _call(
    kind: str, frame: pd.DataFrame, release: Release, attacker: Attacker, draw: Callable[..., object]
) -> None:
    by = str(draw(st.sampled_from(["unit", "level", "unit*level"])))
    by_cols = by.split("*")
    wave = str(draw(st.sampled_from(sorted(frame["wave"].unique()))))
    filters: dict[str, object] = {"wave": wave}
    if draw(st.booleans()) and "unit" not in by_cols:
        filters["unit"] = draw(st.sampled_from(sorted(frame["unit"].unique())))
    if kind == "mix":
        table = stage_mix(
            frame, by_cols, release=release, filters=filters, with_total=bool(draw(st.booleans()))
        )
        _see(
            attacker,
            frame,
            table.assign(stage1=table["share_apathy"]),
            filters,
            by_cols,
            "stage1",
            "is_apathy",
        )
    elif kind == "heatmap":
        table = factor_heatmap(frame, by_cols, release=release, filters=filters)
        _see(attacker, frame, table, filters, by_cols, "fear", "score_barrier_fear")
    elif kind == "rates":
        lookup = (frame.groupby(by_cols).size() + 3).reset_index(name="invited")
        table = response_rates(frame, lookup, by_cols, release=release, filters=filters)
        _see(attacker, frame, table.assign(one=1.0), filters, by_cols, "one", "one")
    elif kind == "awareness":
        table = policy_awareness(frame, by_cols, release=release, filters=filters)
        _see(attacker, frame, table, filters, by_cols, "participation_share", "took_part")
    elif kind == "gap":
        table = perception_gap(frame, by_cols, release=release, filters=filters)
        _see(attacker, frame, table, filters, by_cols, "mean_gap", "perception_gap")
    elif kind == "summary":
        for summary in summarise_groups(frame, "unit", release=release, filters={"wave": wave}):
            if summary.visible:
                members = _members(frame, {"unit": summary.group, "wave": wave})
                attacker.see(f"{summary.group}@{wave}", members, summary.n, summary.stage_mix[1] * summary.n)
    elif kind == "plan":
        for item in action_plan(frame, by_cols, release=release, filters=filters):
            members = _members(frame, item.filters)
            attacker.see(item.group, members, len(members), float(len(members)))
    elif kind == "change" and frame["wave"].nunique() == 2:
        table = wave_change(frame, by_cols, ("W1", "W2"), release=release, metrics=["index"])
        for _, row in table[table["visible"]].iterrows():
            values = {c: row[c] for c in by_cols if c in row}
            for wave_name, suffix in (("W1", "before"), ("W2", "after")):
                members = _members(frame, {**values, "wave": wave_name})
                attacker.see(
                    f"{row['group']}@{wave_name}",
                    members,
                    len(members),
                    row[f"index_{suffix}"] * len(members),
                )


def test_no_small_group_is_derivable_through_the_analytics_by_colluding_accounts() -> None:
    seen = 0

    @settings(max_examples=CASES, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.data())
    def check(data: st.DataObject) -> None:
        nonlocal seen
        seen += 1
        k = data.draw(st.integers(3, 5))
        frame = scored_frame(
            data.draw(st.integers(k, 30)),
            seed=data.draw(st.integers(0, 10_000)),
            units=data.draw(st.integers(1, 4)),
            waves=data.draw(st.integers(1, 2)),
        )
        frame["is_apathy"] = (frame["stage"] == 1).astype(float)
        frame["one"] = 1.0
        frame["took_part"] = (frame["participation_count"] > 0).astype(float)
        release = solve_release(frame, default_breakdowns(["level"], ["unit"]), PrivacyPolicy(k=k, k_text=10))
        attacker = Attacker(len(frame))
        kinds = ["mix", "heatmap", "rates", "awareness", "gap", "summary", "plan", "change"]
        for _ in range(ACCOUNTS):  # each account asks its own views; the attacker pools them all
            for kind in data.draw(st.lists(st.sampled_from(kinds), min_size=1, max_size=4)):
                _call(kind, frame, release, attacker, data.draw)
        breaches = attacker.breaches(k)
        assert not breaches, f"{breaches[0]}"

    check()
    assert seen >= CASES
