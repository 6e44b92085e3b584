"""Random organisations and random request sequences for the attacker oracle.

An organisation is a pool of people with a fixed division, unit (inside its division), level and
region; on each wave a random subset of them responds (rows are responses, so a person who
answers twice is two rows, linked by ``person`` as in panel mode). One viewer then asks a random
sequence of views: breakdowns by one or two attributes under a filter (with or without the total
row), single filtered groups, the division -> unit tree, and trends between two waves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st

from allypath.privacy import (
    DisclosureLedger,
    Group,
    PrivacyPolicy,
    describe,
    release_trend,
    release_view,
    response_keys,
)
from privacy.attacker import Attacker

ATTRIBUTES = ("division", "unit", "level", "region")


@dataclass
class Organisation:
    k: int
    ids: np.ndarray  # response ids (strings)
    keys: np.ndarray  # their 64-bit keys, hashed once
    person: np.ndarray  # panel key of each response
    attrs: dict[str, np.ndarray]  # attribute -> value per response, including "wave"
    score: np.ndarray

    @property
    def size(self) -> int:
        return int(self.ids.size)

    def mask(self, filters: dict[str, int]) -> np.ndarray:
        keep = np.ones(self.size, dtype=bool)
        for name, value in filters.items():
            keep &= self.attrs[name] == value
        return keep

    def values(self, name: str, within: np.ndarray) -> list[int]:
        return sorted({int(v) for v in self.attrs[name][within]})


Request = tuple[object, ...]


@dataclass
class Scenario:
    org: Organisation
    requests: list[Request]


def _organisation(rng: np.random.Generator, k: int, people: int, waves: int) -> Organisation:
    divisions = int(rng.integers(1, 4))
    division = rng.integers(0, divisions, size=people)
    unit = division * 10 + rng.integers(0, int(rng.integers(1, 4)), size=people)
    level = rng.integers(0, int(rng.integers(1, 4)), size=people)
    region = rng.integers(0, 2, size=people)
    rows = []
    for wave in range(waves):
        answered = np.flatnonzero(rng.random(people) < rng.uniform(0.5, 1.0))
        rows.extend((wave, p) for p in answered)
    wave_of = np.array([w for w, _ in rows], dtype=int)
    person = np.array([p for _, p in rows], dtype=int)
    attrs = {
        "wave": wave_of,
        "division": division[person],
        "unit": unit[person],
        "level": level[person],
        "region": region[person],
    }
    ids = np.array([f"r{w}-{p}" for w, p in rows], dtype=object)
    score = rng.integers(1, 6, size=len(rows)).astype(float) + rng.random(len(rows)).round(2)
    return Organisation(k, ids, response_keys(ids), person, attrs, score)


def _filter(
    rng: np.random.Generator, org: Organisation, waves: int, avoid: tuple[str, ...]
) -> dict[str, int]:
    filters: dict[str, int] = {}
    if waves == 1 or rng.random() < 0.85:  # now and then a view pools the waves
        filters["wave"] = int(rng.integers(0, waves))
    for name in ATTRIBUTES:
        if name not in avoid and rng.random() < 0.3 and org.size:
            filters[name] = int(org.attrs[name][int(rng.integers(0, org.size))])
    return filters


def _requests(rng: np.random.Generator, org: Organisation, waves: int, count: int) -> list[Request]:
    out: list[Request] = []
    for _ in range(count):
        kind = rng.choice(["breakdown", "breakdown", "single", "cross", "tree", "trend"])
        if kind == "trend" and waves < 2:
            kind = "breakdown"
        attr = str(rng.choice(ATTRIBUTES))
        if kind == "breakdown":
            out.append(("breakdown", attr, _filter(rng, org, waves, (attr,)), bool(rng.random() < 0.6)))
        elif kind == "single":
            out.append(("single", _filter(rng, org, waves, ())))
        elif kind == "cross":
            other = str(rng.choice([a for a in ATTRIBUTES if a != attr]))
            out.append(
                ("cross", attr, other, _filter(rng, org, waves, (attr, other)), bool(rng.random() < 0.5))
            )
        elif kind == "tree":
            out.append(("tree", _filter(rng, org, waves, ("division", "unit"))))
        else:
            a, b = (int(w) for w in rng.choice(waves, size=2, replace=False))
            out.append(("trend", attr, a, b))
    return out


@st.composite
def scenarios(draw: Callable[..., object], max_people: int = 26, max_requests: int = 7) -> Scenario:
    k = int(draw(st.integers(3, 5)))  # type: ignore[call-overload]
    people = int(draw(st.integers(k, max_people)))  # type: ignore[call-overload]
    waves = int(draw(st.integers(1, 3)))  # type: ignore[call-overload]
    requests = int(draw(st.integers(1, max_requests)))  # type: ignore[call-overload]
    seed = int(draw(st.integers(0, 2**32 - 1)))  # type: ignore[call-overload]
    rng = np.random.default_rng(seed)
    org = _organisation(rng, k, people, waves)
    return Scenario(org, _requests(rng, org, waves, requests))


def _group(org: Organisation, filters: dict[str, int]) -> tuple[Group, np.ndarray]:
    members = np.flatnonzero(org.mask(filters))
    return Group.from_keys(describe(filters), org.keys[members]), members


def serve(ledger: DisclosureLedger, org: Organisation, request: Request, attacker: Attacker) -> None:
    """Pass one request through the gate and hand every released figure to the attacker."""
    groups: list[tuple[Group, np.ndarray]] = []
    parents: dict[str, str] = {}
    kind = request[0]
    if kind == "trend":
        _, attr, a, b = request
        pairs, members = {}, {}
        for value in org.values(str(attr), org.attrs["wave"] >= 0):
            before, m_a = _group(org, {str(attr): value, "wave": int(a)})  # type: ignore[call-overload]
            after, m_b = _group(org, {str(attr): value, "wave": int(b)})  # type: ignore[call-overload]
            pairs[f"{attr}={value}"] = (before, after)
            members[f"{attr}={value}"] = (m_a, m_b)
        for label, decision in release_trend(ledger, pairs).items():
            if decision.visible:
                for group, m in zip(pairs[label], members[label], strict=True):
                    attacker.see(group.label, m, m.size, org.score[m].sum())
        return
    if kind == "single":
        group, members = _group(org, dict(request[1]))  # type: ignore[call-overload]
        if ledger.release(group, "single").visible and group.n:
            attacker.see(group.label, members, members.size, org.score[members].sum())
        return
    if kind == "breakdown":
        _, attr, filters, with_total = request
        levels = [(str(attr),)]
    elif kind == "cross":
        _, a1, a2, filters, with_total = request
        levels = [(str(a1), str(a2))]
    else:
        _, filters = request
        with_total = True
        levels = [("division",), ("division", "unit")]
    filters = dict(filters)  # type: ignore[call-overload]
    total, total_members = _group(org, filters)
    if with_total:
        groups.append((total, total_members))
    within = org.mask(filters)
    for depth, names in enumerate(levels):
        combos = {tuple(int(org.attrs[n][i]) for n in names) for i in np.flatnonzero(within)}
        for combo in sorted(combos):
            group, members = _group(org, {**filters, **dict(zip(names, combo, strict=True))})
            groups.append((group, members))
            if depth > 0:
                parents[group.label] = describe({**filters, names[0]: combo[0]})
            elif with_total:
                parents[group.label] = total.label
    decisions = release_view(ledger, [g for g, _ in groups], parents=parents, view=str(kind))
    for group, members in groups:
        if decisions[group.label].visible and group.n:
            attacker.see(group.label, members, members.size, org.score[members].sum())


def run(
    scenario: Scenario, *, memory: bool = True, ledger_type: type[DisclosureLedger] = DisclosureLedger
) -> Attacker:
    """Serve every request to one viewer; without ``memory`` each request gets a fresh ledger."""
    org = scenario.org
    policy = PrivacyPolicy(k=org.k, k_text=max(10, org.k))
    attacker = Attacker(org.size)
    ledger = ledger_type(policy, "viewer")
    for request in scenario.requests:
        serve(ledger if memory else ledger_type(policy, "viewer"), org, request, attacker)
    return attacker
