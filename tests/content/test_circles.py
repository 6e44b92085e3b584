"""Ally circles: every circle meets HR's constraints, mixes stages, has a host; the same volunteers
give the same circles; and nothing a member or HR obtains tells anyone another man's stage."""

from __future__ import annotations

import dataclasses
import doctest
import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allypath.content import GUIDE_MIXES, SESSIONS_PER_GUIDE, circles, load_circle_guides
from allypath.content.circles import (
    Circle,
    CircleRules,
    Formation,
    Volunteer,
    form_circles,
    guide_mix,
    meeting_guide,
)

UNITS = ["sales", "ops", "finance", "it", None]


@st.composite
def volunteer_pools(draw, max_size: int = 36) -> list[Volunteer]:
    n = draw(st.integers(0, max_size))
    ids = [f"v{i:03d}" for i in range(n)]
    pool = []
    for vid in ids:
        pool.append(
            Volunteer(
                id=vid,
                stage=draw(st.integers(1, 4)),
                unit=draw(st.sampled_from(UNITS)),
                manager_id=draw(st.none() | st.sampled_from(ids)) if ids else None,
                can_host=draw(st.booleans()),
            )
        )
    return pool


rules_strategy = st.builds(
    lambda lo, extra, managers, unit, seed: CircleRules(
        min_size=lo, max_size=lo + extra, separate_managers=managers, max_same_unit=unit, seed=seed
    ),
    st.integers(3, 5),
    st.integers(0, 2),
    st.booleans(),
    st.none() | st.integers(1, 3),
    st.integers(0, 2**31),
)


def check_constraints(pool: list[Volunteer], formation: Formation, rules: CircleRules) -> None:
    by_id = {v.id: v for v in pool}
    placed = [m for c in formation.circles for m in c.members]
    assert len(placed) == len(set(placed)), "someone is in two circles"
    assert set(placed) | set(formation.waiting) == set(by_id) and not set(placed) & set(formation.waiting)
    guides = load_circle_guides()
    for circle in formation.circles:
        members = [by_id[m] for m in circle.members]
        assert rules.min_size <= len(members) <= rules.max_size
        assert len({m.stage for m in members}) >= 2, "a single-stage circle"
        assert any(m.stage in (3, 4) and m.can_host for m in members), "no one able to host"
        if rules.separate_managers:
            for a, b in itertools.permutations(members, 2):
                assert a.manager_id != b.id, f"{a.id} is in a circle with his manager {b.id}"
        if rules.max_same_unit is not None:
            units = [m.unit for m in members if m.unit is not None]
            assert all(units.count(u) <= rules.max_same_unit for u in units)
        assert circle.guide == guides.for_mix(guide_mix(m.stage for m in members)).id
        assert list(circle.members) == sorted(circle.members)


@settings(max_examples=200, deadline=None)
@given(volunteer_pools(), rules_strategy)
def test_every_formed_circle_meets_the_constraints(pool, rules):
    check_constraints(pool, form_circles(pool, rules), rules)


@settings(max_examples=100, deadline=None)
@given(volunteer_pools(), rules_strategy, st.randoms(use_true_random=False))
def test_the_same_volunteers_in_any_order_give_the_same_circles(pool, rules, rnd):
    shuffled = pool[:]
    rnd.shuffle(shuffled)
    assert form_circles(pool, rules) == form_circles(shuffled, rules) == form_circles(pool, rules)


def consistent_stages(size: int, own: int, guide_id: str) -> list[tuple[int, ...]]:
    """Every assignment of stages to the other members that fits what a member can see."""
    guides = load_circle_guides()
    out = []
    for others in itertools.product((1, 2, 3, 4), repeat=size - 1):
        stages = (own, *others)
        if (
            len(set(stages)) >= 2
            and any(s in (3, 4) for s in stages)
            and guides.for_mix(guide_mix(stages)).id == guide_id
        ):
            out.append(others)
    return out


@settings(max_examples=150, deadline=None)
@given(volunteer_pools(max_size=24), rules_strategy)
def test_no_member_can_tell_another_members_stage(pool, rules):
    """A member knows his own stage, the rules, his circle's members and its guide (not the others'
    answers, nor who else volunteered). For every other member, at least two stages stay possible."""
    by_id = {v.id: v for v in pool}
    formation = form_circles(pool, rules)
    for circle in formation.circles:
        for member in circle.members:
            seen = formation.circle_of(member)
            assert seen == circle
            worlds = consistent_stages(len(circle.members), by_id[member].stage, circle.guide)
            actual = tuple(by_id[m].stage for m in circle.members if m != member)
            assert actual in worlds
            for position in range(len(circle.members) - 1):
                assert len({w[position] for w in worlds}) >= 2


def test_every_circle_size_allowed_keeps_each_stage_uncertain_from_any_seat():
    """The same check without formation: every size 3-8, every own stage, every guide."""
    for size in range(3, 9):
        for own in (1, 2, 3, 4):
            for guide in load_circle_guides():
                worlds = consistent_stages(size, own, guide.id)
                for position in range(size - 1):
                    assert not worlds or len({w[position] for w in worlds}) >= 2


def test_what_comes_out_carries_no_stage():
    assert {f.name for f in dataclasses.fields(Circle)} == {"number", "members", "guide"}
    assert {f.name for f in dataclasses.fields(Formation)} == {"circles", "waiting"}
    pool = [Volunteer(f"v{i}", 1 + i % 4, can_host=True) for i in range(12)]
    formation = form_circles(pool, CircleRules(min_size=4, max_size=4))
    assert set(formation.summary_for_hr()) == {"volunteers", "circles"}
    assert formation.summary_for_hr() == {"volunteers": 12, "circles": 3}
    text = repr(formation)
    assert "stage" not in text


def test_hr_sees_the_same_summary_whatever_the_stages():
    ids = [f"v{i}" for i in range(10)]
    a = [Volunteer(v, 1 + i % 2 + 2 * (i % 3 == 0), can_host=True) for i, v in enumerate(ids)]
    b = [
        Volunteer(v, 4 - i % 2, can_host=True) if i < 3 else Volunteer(v, 1 + i % 2)
        for i, v in enumerate(ids)
    ]
    rules = CircleRules(min_size=5, max_size=5)
    assert form_circles(a, rules).summary_for_hr() == form_circles(b, rules).summary_for_hr()


@settings(max_examples=150, deadline=None)
@given(volunteer_pools(), st.integers(3, 5), st.integers(0, 3), st.integers(0, 1000))
def test_without_constraints_a_feasible_pool_always_gets_at_least_one_circle(pool, lo, extra, seed):
    rules = CircleRules(min_size=lo, max_size=lo + extra, separate_managers=False, seed=seed)
    feasible = len(pool) >= lo and any(v.hosts for v in pool) and len({v.stage for v in pool}) >= 2
    if feasible:
        assert form_circles(pool, rules).circles


def test_nobody_is_with_his_own_manager_even_when_that_costs_a_place():
    boss = Volunteer("boss", 4, can_host=True, manager_id=None)
    pool = [boss, *(Volunteer(f"r{i}", 1 + i % 2, manager_id="boss") for i in range(3))]
    formation = form_circles(pool, CircleRules(min_size=3, max_size=4))
    assert formation.circles == ()
    assert formation.waiting == ("boss", "r0", "r1", "r2")
    relaxed = form_circles(pool, CircleRules(min_size=3, max_size=4, separate_managers=False))
    assert len(relaxed.circles) == 1


def test_across_units_at_most_one_member_per_unit():
    pool = [Volunteer(f"v{i}", 1 + i % 4, unit=f"u{i % 6}", can_host=True) for i in range(24)]
    formation = form_circles(pool, CircleRules(min_size=4, max_size=6, max_same_unit=1))
    check_constraints(pool, formation, CircleRules(min_size=4, max_size=6, max_same_unit=1))
    assert len(formation.circles) >= 4


def test_a_pool_with_no_possible_host_waits():
    pool = [Volunteer(f"v{i}", 1 + i % 2) for i in range(10)] + [Volunteer("x", 3, can_host=False)]
    formation = form_circles(pool)
    assert formation.circles == () and len(formation.waiting) == 11


def test_a_single_stage_pool_forms_no_circle():
    pool = [Volunteer(f"v{i}", 3, can_host=True) for i in range(10)]
    assert form_circles(pool).circles == ()


def test_a_different_seed_may_group_differently_but_is_just_as_valid():
    pool = [Volunteer(f"v{i:02d}", 1 + i % 4, can_host=i % 3 == 0) for i in range(30)]
    results = {form_circles(pool, CircleRules(seed=s)) for s in range(5)}
    assert len(results) > 1
    for formation in results:
        check_constraints(pool, formation, CircleRules())


def test_repeated_ids_and_bad_rules_are_refused():
    with pytest.raises(ValueError, match="volunteer ids must be unique; repeated: a"):
        form_circles([Volunteer("a", 1), Volunteer("a", 3)])
    with pytest.raises(ValueError, match="min_size must be at least 3"):
        CircleRules(min_size=2)
    with pytest.raises(ValueError, match="max_size must be between"):
        CircleRules(min_size=5, max_size=4)
    with pytest.raises(ValueError, match="max_same_unit must be at least 1"):
        CircleRules(max_same_unit=0)
    with pytest.raises(ValueError, match="stage must be 1-4"):
        Volunteer("a", 0)


def test_members_get_their_circle_and_its_six_session_guide():
    pool = [Volunteer(f"v{i}", 1 + i % 4, can_host=True) for i in range(8)]
    formation = form_circles(pool, CircleRules(min_size=4, max_size=4))
    circle = formation.circle_of("v3")
    assert circle is not None and "v3" in circle.members
    guide = meeting_guide(circle)
    assert len(guide.sessions) == SESSIONS_PER_GUIDE
    assert formation.circle_of("nobody") is None


def test_the_guide_follows_the_share_of_possible_hosts():
    assert guide_mix([1, 2, 2, 3]) == GUIDE_MIXES[0]
    assert guide_mix([1, 2, 3, 4]) == GUIDE_MIXES[1]
    assert guide_mix([1, 3, 4]) == GUIDE_MIXES[1]


def test_the_packaged_guides_have_six_sessions_each_with_a_theme_prompts_and_one_action():
    guides = load_circle_guides()
    assert {g.mix for g in guides} == set(GUIDE_MIXES)
    for guide in guides:
        assert [s.number for s in guide.sessions] == list(range(1, SESSIONS_PER_GUIDE + 1))
        for session in guide.sessions:
            assert len(session.prompts) >= 2
            for text in (session.theme, session.one_action, *session.prompts):
                assert set(text) == {"en", "fr", "ar"}


def test_the_docstring_examples_run():
    assert doctest.testmod(circles, raise_on_error=False).failed == 0


def test_formation_of_a_large_pool_is_quick():
    import time

    rng = random.Random(5)
    pool = [
        Volunteer(f"v{i:04d}", rng.randint(1, 4), unit=f"u{rng.randint(0, 20)}", can_host=rng.random() < 0.5)
        for i in range(600)
    ]
    start = time.perf_counter()
    formation = form_circles(pool, CircleRules(max_same_unit=2))
    assert time.perf_counter() - start < 20
    check_constraints(pool, formation, CircleRules(max_same_unit=2))
