"""Random organisations, their release, and colluding accounts reading it, for the attacker oracle.

An organisation is a pool of people with a unit hierarchy (``unit`` and ``unit2`` below it), a
level and a region; on each wave a random subset responds (panel organisations link a person's
rows by ``panel_key``); the last wave may still be open. Stages are random, and now and then a
whole unit or level shares one stage, so the attribute rule has something to do. Comments are
random too. The release is solved over a random declared set (always the unit hierarchy).

Accounts (three viewers and an analyst scoped to one unit) ask random views: a filter and a
breakdown. What each is shown goes to one shared :class:`Attacker`: sizes, score sums, stage or
band counts, and comment lists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import product

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from allypath.privacy import Breakdown, PrivacyPolicy, Release, default_breakdowns, solve_release
from privacy.attacker import Attacker

HIERARCHY = ("unit", "unit2")
ATTRIBUTES = ("level", "region")
ACCOUNTS = 4  # three viewers and an analyst with a scope


@dataclass
class Organisation:
    k: int
    rows: pd.DataFrame
    breakdowns: list[Breakdown]
    panel: bool
    open_wave: str | None
    # every wave launched, in order, answered or not (a panel wave nobody answered still sits
    # between its neighbours: "returning" means the wave just before)
    launched: list[str] = field(default_factory=list)

    @property
    def policy(self) -> PrivacyPolicy:
        return PrivacyPolicy(k=self.k, k_text=self.k + 2)

    @property
    def waves(self) -> list[str]:
        return self.launched or sorted(self.rows["wave"].unique())

    def solve(self, breakdowns: list[Breakdown] | None = None) -> Release:
        return solve_release(
            self.rows,
            breakdowns or self.breakdowns,
            self.policy,
            hierarchy=HIERARCHY,
            open_waves=[self.open_wave] if self.open_wave else [],
            panel_waves=self.waves if self.panel else [],
        )

    def members(self, filters: dict[str, object], flags: tuple[str, ...] = ()) -> np.ndarray:
        if not hasattr(self, "_arrays"):
            self._arrays = {c: self.rows[c].to_numpy(dtype=object) for c in self.rows.columns}
        keep = np.ones(len(self.rows), dtype=bool)
        for name, value in filters.items():
            keep &= self._arrays[name] == value
        for flag in flags:
            keep &= self._arrays[flag].astype(bool)
        return np.flatnonzero(keep)


Request = tuple[int, dict[str, object], tuple[str, ...]]  # account, filters, breakdown


@dataclass
class Scenario:
    org: Organisation
    requests: list[Request] = field(default_factory=list)


def _organisation(rng: np.random.Generator, k: int, people: int, waves: int) -> Organisation:
    divisions = int(rng.integers(1, 3))
    division = rng.integers(0, divisions, size=people)
    team = rng.integers(0, int(rng.integers(1, 4)), size=people)
    level = rng.integers(0, int(rng.integers(1, 3)) + 1, size=people)
    region = rng.integers(0, 2, size=people)
    base = rng.integers(1, 5, size=people)
    if rng.random() < 0.5:  # one unit (or one level) all at one stage: the attribute rule's case
        same = (division == division[0]) & (team == team[0]) if rng.random() < 0.6 else level == level[0]
        base[same] = int(rng.integers(1, 5))
    # built column by column (numpy draws per wave): the oracle makes 11,000 of these
    parts = []
    for wave in range(waves):
        who = np.flatnonzero(rng.random(people) < rng.uniform(0.55, 1.0))
        drift = (rng.random(who.size) < 0.2) * rng.choice([-1, 1], size=who.size)
        known = rng.random(who.size) > 0.05
        parts.append(
            pd.DataFrame(
                {
                    "respondent_id": [f"r{wave}-{p}" for p in who],
                    "wave": f"W{wave + 1}",
                    "unit": [f"D{d}" for d in division[who]],
                    "unit2": [f"D{d}/T{t}" for d, t in zip(division[who], team[who], strict=True)],
                    "level": [
                        ["IC", "Manager", "Senior"][v] if ok else None
                        for v, ok in zip(level[who], known, strict=True)
                    ],
                    "region": [["EMEA", "APAC"][v] for v in region[who]],
                    "panel_key": [f"p{p}" for p in who],
                    "stage": np.clip(base[who] + drift, 1, 4),
                    "status": "scored",
                    "ot1": np.where(rng.random(who.size) < 0.7, "a comment", None),
                    "score": rng.integers(1, 6, size=who.size).astype(float),
                }
            )
        )
    rows = pd.concat(parts, ignore_index=True)
    rows["level"] = rows["level"].astype(object)
    # cohorts, worked out here independently: answered the previous / the next wave too
    order = [f"W{w + 1}" for w in range(waves)]
    keys = {w: set(rows.loc[rows["wave"] == w, "panel_key"]) for w in order}
    rows["returning"] = [
        order.index(w) > 0 and p in keys[order[order.index(w) - 1]]
        for w, p in zip(rows["wave"], rows["panel_key"], strict=True)
    ]
    rows["continuing"] = [
        order.index(w) + 1 < waves and p in keys[order[order.index(w) + 1]]
        for w, p in zip(rows["wave"], rows["panel_key"], strict=True)
    ]
    every = default_breakdowns(ATTRIBUTES, HIERARCHY)
    chosen = [b for b in every if b.columns[0] in HIERARCHY and len(b.columns) == 1]
    chosen += [b for b in every if b not in chosen and rng.random() < 0.6]
    panel = bool(rng.random() < 0.5)
    open_wave = f"W{waves}" if waves > 1 and rng.random() < 0.3 else None
    return Organisation(k, rows, chosen, panel, open_wave, order)


def _requests(rng: np.random.Generator, org: Organisation, count: int) -> list[Request]:
    out: list[Request] = []
    if org.rows.empty:
        return out
    for _ in range(count):
        account = int(rng.integers(0, ACCOUNTS))
        table = org.breakdowns[int(rng.integers(0, len(org.breakdowns)))].columns
        row = org.rows.iloc[int(rng.integers(0, len(org.rows)))]
        keep = [c for c in table if rng.random() < 0.5]
        filters: dict[str, object] = {c: row[c] for c in keep if row[c] is not None and not pd.isna(row[c])}
        filters["wave"] = row["wave"]
        if account == ACCOUNTS - 1:  # the analyst always looks within his unit
            scope = org.rows.iloc[0]["unit"]
            if str(filters.get("unit2", scope + "/")).startswith(scope + "/"):
                filters["unit"] = scope
            else:
                filters = {"unit": scope, "wave": filters["wave"]}
        by = tuple(c for c in table if c not in filters)
        out.append((account, filters, by))
    return out


@st.composite
def scenarios(draw: Callable[..., object], max_people: int = 24, max_requests: int = 10) -> Scenario:
    k = int(draw(st.integers(3, 5)))  # type: ignore[call-overload]
    people = int(draw(st.integers(k, max_people)))  # type: ignore[call-overload]
    waves = int(draw(st.integers(1, 3)))  # type: ignore[call-overload]
    requests = int(draw(st.integers(1, max_requests)))  # type: ignore[call-overload]
    seed = int(draw(st.integers(0, 2**32 - 1)))  # type: ignore[call-overload]
    rng = np.random.default_rng(seed)
    org = _organisation(rng, k, people, waves)
    return Scenario(org, _requests(rng, org, requests))


def _groups(org: Organisation, filters: dict[str, object], by: tuple[str, ...]) -> list[dict[str, object]]:
    """The filter's own group and each group of its breakdown that has respondents."""
    inside = org.members(filters)
    out = [dict(filters)]
    if by and inside.size:
        org.members({})
        values = [sorted({v for v in org._arrays[c][inside] if v is not None and not pd.isna(v)}) for c in by]
        out += [{**filters, **dict(zip(by, combo, strict=True))} for combo in product(*values)]
    return out


def show(
    release: Release, org: Organisation, filters: dict[str, object], attacker: Attacker, texts: list
) -> None:
    """Hand the attacker everything ``release`` shows of one cell (and its comment list)."""
    cell = release.cell(filters)
    if cell.n is None:
        return
    members = org.members(filters)
    assert cell.n == members.size, (filters, cell.n, members.size)  # the figure is the truth
    stages = np.bincount(org.rows["stage"].to_numpy(dtype=int)[members] - 1, minlength=4)
    split = (
        stages
        if cell.detail == 2
        else np.array([stages[:2].sum(), stages[2:].sum()])
        if cell.detail == 1
        else None
    )
    label = " & ".join(f"{k}={v}" for k, v in sorted(filters.items()))
    attacker.see(label, members, cell.n, float(org.rows["score"].to_numpy()[members].sum()), split)
    if cell.comments:
        wrote = org.rows["ot1"].notna().to_numpy()[members]
        texts.append(members[wrote])
    if release.is_open(cell.wave):
        assert cell.detail == 0 and not cell.comments  # an open wave shows counts only


def serve(scenario: Scenario, releases: Callable[[int], Release], attacker: Attacker, texts: list) -> None:
    """Every account's requests, each answered from ``releases(account)``."""
    org = scenario.org
    for account, filters, by in scenario.requests:
        release = releases(account)
        for group in _groups(org, filters, by):
            show(release, org, group, attacker, texts)
        if org.panel and not by:  # the cohorts a transitions view reads
            for flag in ("returning", "continuing"):
                cell = release.cell(filters, flags=(flag,))
                if cell.n is not None:
                    members = org.members(filters, (flag,))
                    assert cell.n == members.size
                    stages = np.bincount(org.rows["stage"].to_numpy(dtype=int)[members] - 1, minlength=4)
                    split = stages if cell.detail == 2 else None
                    attacker.see(f"{filters} {flag}", members, cell.n, float("nan"), split)


def comment_breaches(lists: list[np.ndarray], k_text: int) -> list[tuple[int, ...]]:
    """Venn cells of the shown comment lists holding 1..k_text-1 commenters."""
    if not lists:
        return []
    everyone = np.unique(np.concatenate(lists))
    signature = {int(p): tuple(int(p) in set(lst.tolist()) for lst in lists) for p in everyone}
    cells: dict[tuple[bool, ...], list[int]] = {}
    for person, key in signature.items():
        cells.setdefault(key, []).append(person)
    return [tuple(v) for v in cells.values() if 0 < len(v) < k_text]
