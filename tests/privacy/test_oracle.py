"""The attacker oracle (DESIGN §6): whatever one viewer asks, no group of 1..k-1 can be derived.

Random organisations (divisions, units, levels, regions, up to three waves with panel-linked
responses) and random request sequences go through the gate; the attacker gets every count and
score sum the gate released and combines them: differences of nested pairs and chains,
inclusion-exclusion, least squares for every individual's score, and every union of
indistinguishable respondents lighter than k against the row space of the released equations.

The property tests run a fixed number of cases each, counted and asserted; together at least
``ORACLE_CASES``. The honesty tests show the same attacker does breach a gate without memory
(no differencing guard) and a gate with only the pairwise rule, so the oracle can fail.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from allypath.privacy import DisclosureLedger, Group, PrivacyPolicy
from privacy.attacker import Attacker
from privacy.scenarios import Scenario, run, scenarios

ORACLE_CASES = 10_000
CASES = {"views": 5_000, "many_requests": 2_500, "large_k": 2_500}
assert sum(CASES.values()) >= ORACLE_CASES
# scripts/mutation.sh runs the oracle at a fraction of its size for each of hundreds of mutants;
# `make test` always runs it whole.
SCALE = float(os.environ.get("ALLYPATH_ORACLE_SCALE", "1"))

_SETTINGS = {
    "deadline": None,
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}


def _assert_safe(scenario: Scenario, attacker: Attacker) -> None:
    breaches = attacker.breaches(scenario.org.k)
    assert not breaches, (
        f"k={scenario.org.k}: {breaches[0].how} isolates {breaches[0].members} "
        f"(derived count {breaches[0].derived_count}) after {scenario.requests}"
    )


def _cases(name: str) -> int:
    return max(1, round(CASES[name] * SCALE))


def _run_property(name: str, strategy: object) -> int:
    seen = 0

    @settings(max_examples=_cases(name), **_SETTINGS)  # type: ignore[arg-type]
    @given(strategy)
    def check(scenario: Scenario) -> None:
        nonlocal seen
        seen += 1
        _assert_safe(scenario, run(scenario))

    check()
    return seen


def test_no_small_group_is_derivable_from_random_view_sequences() -> None:
    assert _run_property("views", scenarios()) >= _cases("views")


def test_no_small_group_is_derivable_from_long_sequences_on_small_organisations() -> None:
    assert _run_property("many_requests", scenarios(max_people=14, max_requests=12)) >= _cases(
        "many_requests"
    )


def test_no_small_group_is_derivable_from_larger_organisations() -> None:
    assert _run_property("large_k", scenarios(max_people=40, max_requests=5)) >= _cases("large_k")


# ---------------------------------------------------------------- the oracle can fail
class PairwiseOnlyLedger(DisclosureLedger):
    """The differencing guard with its linear audit switched off (pairwise rule only)."""

    def _audit(self, old: object, new: object) -> None:  # type: ignore[override]
        return None


def _honest_sweep(**kwargs: object) -> tuple[int, int, list[str]]:
    breached = total = 0
    hows: list[str] = []

    @settings(max_examples=400, **_SETTINGS)  # type: ignore[arg-type]
    @given(scenarios())
    def sweep(scenario: Scenario) -> None:
        nonlocal breached, total
        total += 1
        attacker = run(scenario, **kwargs)  # type: ignore[arg-type]
        found = attacker.breaches(scenario.org.k)
        if found:
            breached += 1
            hows.extend(b.how for b in found)
            for breach in found:  # the attacker's numbers are right: it really found that group
                assert breach.derived_count == pytest.approx(len(breach.members))
                if breach.how == "individual score":
                    assert breach.derived_total == pytest.approx(scenario.org.score[breach.members[0]])

    sweep()
    return breached, total, hows


def test_the_attacker_breaks_a_gate_without_memory() -> None:
    breached, total, hows = _honest_sweep(memory=False)
    assert total >= 400
    assert breached >= 10, f"only {breached} of {total} scenarios breached without the ledger"
    assert "nested difference" in hows


def test_the_attacker_breaks_a_gate_with_only_the_pairwise_rule() -> None:
    breached, _, hows = _honest_sweep(ledger_type=PairwiseOnlyLedger)
    assert breached >= 1
    assert "linear combination" in hows or "inclusion-exclusion" in hows


def test_the_attacker_recovers_an_individual_score_when_views_differ_by_one() -> None:
    ids = [f"r{i}" for i in range(9)]
    scores = np.arange(9, dtype=float) + 1.5
    attacker = Attacker(9)
    policy = PrivacyPolicy(k=5)
    for members in (range(9), range(8)):  # "unit" and "unit & level": one person apart
        ledger = DisclosureLedger(policy)  # no memory between the two requests
        group = Group.from_ids(f"n={len(members)}", [ids[i] for i in members])
        assert ledger.release(group).visible
        attacker.see(group.label, np.array(members), len(members), scores[list(members)].sum())
    (individual,) = attacker.individuals()
    assert individual.members == (8,)
    assert individual.derived_total == pytest.approx(scores[8])


def test_the_attacker_finds_a_three_view_combination_the_pairwise_rule_misses() -> None:
    ids = [f"r{i}" for i in range(20)]
    a, b, union = range(10), range(9, 20), range(20)  # |A ∩ B| = 1
    policy = PrivacyPolicy(k=5)
    naive, guarded = PairwiseOnlyLedger(policy), DisclosureLedger(policy)
    attacker = Attacker(20)
    for name, members in (("A", a), ("B", b), ("A or B", union)):
        group = Group.from_ids(name, [ids[i] for i in members])
        assert naive.release(group).visible
        attacker.see(name, np.array(members), len(members), float(len(members)))
        last = guarded.release(group)
    found = attacker.breaches(5)
    assert {b.members for b in found} == {(9,)}
    assert {b.how for b in found} == {"inclusion-exclusion", "individual score", "linear combination"}
    assert not last.visible and last.reason == "differencing"
    assert set(last.conflicts) == {"A", "B"}
