"""The attacker oracle through the analytics functions a dashboard calls.

One viewer calls a random sequence of analytics (stage mix with and without totals, heatmaps,
response rates, awareness, perception gap, change between waves, summaries, plans) on a random
small organisation; the attacker reads every shown row: its group (known from the filter), its
size and a score sum (a mean times the size). No set of 1..k-1 respondents may be derivable.
"""

from __future__ import annotations

from collections.abc import Callable

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
from allypath.privacy import DisclosureLedger, PrivacyPolicy
from analytics.frames import scored_frame
from privacy.attacker import Attacker

CASES = 200


def _members(frame: pd.DataFrame, label: str, wave: str | None = None) -> np.ndarray:
    keep = np.ones(len(frame), dtype=bool)
    if label != "everyone":
        for part in label.split(" & "):
            name, value = part.split("=", 1)
            keep &= (frame[name].astype(str) == value).to_numpy()
    if wave is not None:
        keep &= (frame["wave"] == wave).to_numpy()
    return np.flatnonzero(keep)


def _see(attacker: Attacker, frame: pd.DataFrame, table: pd.DataFrame, mean: str, column: str) -> None:
    for _, row in table[table["visible"]].iterrows():
        members = _members(frame, row["group"])
        assert len(members) == row["n"]  # the shown size is the size of the filter's group
        attacker.see(row["group"], members, row["n"], row[mean] * row["n"])
        assert np.isclose(row[mean] * row["n"], frame[column].to_numpy(dtype=float)[members].sum())


def _call(
    kind: str, frame: pd.DataFrame, ledger: DisclosureLedger, attacker: Attacker, draw: Callable[..., object]
) -> None:
    by = str(draw(st.sampled_from(["unit", "level", ["unit", "level"]])))
    by_cols = [by] if by in ("unit", "level") else ["unit", "level"]
    wave = str(draw(st.sampled_from(sorted(frame["wave"].unique()))))
    filters: dict[str, object] = {"wave": wave}
    if draw(st.booleans()) and "unit" not in by_cols:
        filters["unit"] = draw(st.sampled_from(sorted(frame["unit"].unique())))
    if kind == "mix":
        table = stage_mix(
            frame, by_cols, ledger=ledger, filters=filters, with_total=bool(draw(st.booleans()))
        )
        _see(attacker, frame, table.assign(stage1=table["share_apathy"]), "stage1", "is_apathy")
    elif kind == "heatmap":
        _see(
            attacker,
            frame,
            factor_heatmap(frame, by_cols, ledger=ledger, filters=filters),
            "fear",
            "score_barrier_fear",
        )
    elif kind == "rates":
        invited = frame.groupby(by_cols).size() + 3
        lookup = invited.reset_index(name="invited")
        table = response_rates(frame, lookup, by_cols, ledger=ledger, filters=filters)
        _see(attacker, frame, table.assign(one=1.0), "one", "one")
    elif kind == "awareness":
        table = policy_awareness(frame, by_cols, ledger=ledger, filters=filters)
        _see(attacker, frame, table, "participation_share", "took_part")
    elif kind == "gap":
        _see(
            attacker,
            frame,
            perception_gap(frame, by_cols, ledger=ledger, filters=filters),
            "mean_gap",
            "perception_gap",
        )
    elif kind == "summary":
        for summary in summarise_groups(frame[frame["wave"] == wave], "unit", ledger=ledger):
            if summary.visible:
                members = _members(frame, f"unit={summary.group}", wave)
                attacker.see(f"{summary.group}@{wave}", members, summary.n, summary.stage_mix[1] * summary.n)
    elif kind == "plan":
        for item in action_plan(frame, by_cols, ledger=ledger, filters=filters):
            members = _members(frame, item.group)
            attacker.see(item.group, members, len(members), float(len(members)))
    elif kind == "change" and frame["wave"].nunique() == 2:
        table = wave_change(frame, by_cols, ("W1", "W2"), ledger=ledger, metrics=["index"])
        for _, row in table[table["visible"]].iterrows():
            for wave_name, suffix in (("W1", "before"), ("W2", "after")):
                members = _members(frame, row["group"], wave_name)
                attacker.see(
                    f"{row['group']}@{wave_name}",
                    members,
                    len(members),
                    row[f"index_{suffix}"] * len(members),
                )


def test_no_small_group_is_derivable_through_the_analytics() -> None:
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
        ledger = DisclosureLedger(PrivacyPolicy(k=k, k_text=10), "viewer")
        attacker = Attacker(len(frame))
        kinds = data.draw(
            st.lists(
                st.sampled_from(["mix", "heatmap", "rates", "awareness", "gap", "summary", "plan", "change"]),
                min_size=1,
                max_size=6,
            )
        )
        for kind in kinds:
            _call(kind, frame, ledger, attacker, data.draw)
        breaches = attacker.breaches(k)
        assert not breaches, f"{breaches[0]} after {kinds}"

    check()
    assert seen >= CASES
