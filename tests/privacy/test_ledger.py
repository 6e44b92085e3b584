"""The disclosure ledger: memory per viewer, the differencing guard, comments and snapshots."""

from __future__ import annotations

import numpy as np
import pytest

from allypath.errors import DataError, PrivacyError
from allypath.privacy import DisclosureLedger, Group, PrivacyPolicy, find_small_derivable
from allypath.privacy import ledger as ledger_module

K5 = PrivacyPolicy(k=5, k_text=10)


def people(label: str, start: int, stop: int) -> Group:
    return Group.from_ids(label, [f"r{i}" for i in range(start, stop)])


def test_each_viewer_has_his_own_memory() -> None:
    alice, bob = DisclosureLedger(K5, "alice"), DisclosureLedger(K5, "bob")
    assert alice.release(people("unit", 0, 10)).visible
    assert alice.ask(people("unit - 1", 0, 9)).reason == "differencing"
    assert bob.ask(people("unit - 1", 0, 9)).visible
    assert (alice.viewer, bob.viewer) == ("alice", "bob")


def test_ask_records_nothing_and_release_records_only_what_it_shows() -> None:
    ledger = DisclosureLedger(K5)
    assert ledger.ask(people("a", 0, 10)).visible and ledger.released == ()
    assert ledger.release(people("tiny", 0, 3)).reason == "below_k"
    assert ledger.released == ()
    assert ledger.release(people("a", 0, 10), "v").visible
    assert ledger.released == ("a",)


def test_the_same_members_again_are_allowed_and_recorded_once() -> None:
    ledger = DisclosureLedger(K5)
    ledger.release(people("unit", 0, 10), "v1")
    assert ledger.release(people("unit again", 0, 10), "v2").visible
    assert ledger.released == ("unit",)


def test_a_late_response_makes_the_same_filter_a_different_group() -> None:
    ledger = DisclosureLedger(K5)
    ledger.release(people("unit=Sales", 0, 6), "monday")
    decision = ledger.ask(people("unit=Sales", 0, 7))
    assert decision.reason == "differencing"
    assert decision.conflicts == ("unit=Sales (monday)",)


@pytest.mark.parametrize(
    ("start", "stop", "visible"), [(0, 5, True), (0, 6, False), (0, 9, False), (4, 14, False), (5, 15, True)]
)
def test_pairwise_differences_must_be_zero_or_at_least_k(start: int, stop: int, visible: bool) -> None:
    ledger = DisclosureLedger(K5)
    ledger.release(people("earlier", 0, 10))
    assert ledger.ask(people("new", start, stop)).visible is visible


def test_pairwise_refusals_collect_every_earlier_view_they_clash_with() -> None:
    ledger = DisclosureLedger(K5)
    ledger.release(people("x", 0, 10), "v1")
    ledger.release(people("y", 10, 20), "v2")
    decision = ledger.ask(people("x and y but two", 1, 19))
    assert decision.conflicts == ("x (v1)", "y (v2)")


def test_within_one_request_the_smaller_of_two_clashing_groups_gives_way() -> None:
    ledger = DisclosureLedger(K5)
    blocked = ledger.screen([people("big", 0, 12), people("almost", 0, 10), people("other", 20, 30)])
    assert list(blocked) == ["almost"]
    assert blocked["almost"].conflicts == ("big",)
    assert "in the same view" in blocked["almost"].message
    # equal sizes: the label decides, so the answer does not depend on the order asked
    blocked = ledger.screen([people("b", 0, 10), people("a", 1, 11)])
    assert list(blocked) == ["a"]
    blocked = ledger.screen([people("a", 1, 11), people("b", 0, 10)])
    assert list(blocked) == ["a"]


def test_screen_of_nothing_blocks_nothing() -> None:
    ledger = DisclosureLedger(K5)
    assert ledger.screen([]) == {}
    assert ledger.screen([people("empty", 0, 0)]) == {}


def test_unknown_respondents_of_several_candidates_are_numbered_jointly() -> None:
    ledger = DisclosureLedger(K5)
    ledger.release(people("old", 100, 110))
    # both candidates hold new respondents; they overlap in all but 2
    blocked = ledger.screen([people("p", 0, 12), people("q", 0, 10)])
    assert list(blocked) == ["q"]


def test_the_audit_stops_at_its_budget_and_refuses() -> None:
    ledger = DisclosureLedger(K5, budget=0)
    ledger.release(people("A", 0, 10), "v1")
    ledger.release(people("B", 9, 20), "v2")
    decision = ledger.ask(people("A or B", 0, 20))
    assert decision.reason == "differencing"
    assert "cannot be verified safe" in decision.message


def test_components_too_large_for_a_dense_search_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    ledger = DisclosureLedger(K5)
    ledger.release(people("A", 0, 10))
    ledger.release(people("B", 9, 20))
    monkeypatch.setattr(ledger_module, "MAX_DENSE_CELLS", 9)  # 3 groups x 3 atoms still searched
    assert ledger.ask(people("A or B", 0, 20)).conflicts == ("A", "B")
    monkeypatch.setattr(ledger_module, "MAX_DENSE_CELLS", 8)
    decision = ledger.ask(people("A or B", 0, 20))
    assert "cannot be verified safe" in decision.message
    assert ledger.ask(people("far away", 50, 60)).visible  # no small atom: no search needed


def test_small_atoms_in_untouched_parts_of_the_ledger_need_no_search() -> None:
    ledger = DisclosureLedger(K5)
    ledger.release(people("A", 0, 10))
    ledger.release(people("B", 9, 20))  # A and B share one respondent: an atom of 1
    assert ledger.ask(people("elsewhere", 30, 40)).visible
    assert ledger.ask(people("A again", 0, 10)).visible


# ---------------------------------------------------------------- comments (k_text)
def test_comments_need_k_text_respondents() -> None:
    ledger = DisclosureLedger(K5)
    assert ledger.ask_comments(people("unit", 0, 9)).reason == "below_k_text"
    assert ledger.ask_comments(people("unit", 0, 10)).visible
    assert ledger.ask_comments(people("unit", 0, 0)).reason == "below_k_text"


def test_comment_lists_may_not_overlap_in_fewer_than_k_text() -> None:
    ledger = DisclosureLedger(K5)
    ledger.record_comments([people("unit", 0, 20)], "comments")
    # 12 of the 20 plus 3 others: the intersection of the verbatim lists is fine, the rest is not
    decision = ledger.ask_comments(people("filter", 8, 23))
    assert decision.reason == "differencing"
    assert decision.conflicts == ("unit (comments)",)
    assert "fewer than 10 respondents" in decision.message
    assert ledger.ask_comments(people("disjoint", 20, 30)).visible
    assert ledger.ask_comments(people("split", 0, 10)).visible
    assert ledger.released_comments == ("unit",)
    assert ledger.released == ()  # comments and figures are separate families


# ---------------------------------------------------------------- snapshots
def test_a_snapshot_restores_the_same_memory() -> None:
    ledger = DisclosureLedger(K5, "hr:alice")
    ledger.release(people("unit", 0, 10), "mix")
    ledger.record_comments([people("org", 0, 30)], "comments")
    data = ledger.to_dict()
    assert data["viewer"] == "hr:alice" and data["k"] == 5 and data["k_text"] == 10
    restored = DisclosureLedger.from_dict(data, K5)
    assert restored.released == ("unit",) and restored.released_comments == ("org",)
    assert restored.ask(people("unit - 1", 0, 9)).conflicts == ("unit (mix)",)
    assert restored.ask_comments(people("part", 0, 25)).reason == "differencing"


def test_a_snapshot_under_another_policy_or_malformed_is_refused() -> None:
    data = DisclosureLedger(K5).to_dict()
    with pytest.raises(PrivacyError, match="different privacy policy"):
        DisclosureLedger.from_dict(data, PrivacyPolicy(k=6, k_text=10))
    with pytest.raises(PrivacyError, match="different privacy policy"):
        DisclosureLedger.from_dict(data, PrivacyPolicy(k=5, k_text=12))
    with pytest.raises(DataError, match="'aggregates' must be a list"):
        DisclosureLedger.from_dict({**data, "aggregates": "x"}, K5)
    assert DisclosureLedger.from_dict({"k": 5, "k_text": 10}, K5).viewer == ""


# ---------------------------------------------------------------- the audit on its own
def test_audit_finds_the_intersection_of_two_groups_and_their_union() -> None:
    incidence = np.array([[1, 1, 0], [0, 1, 1], [1, 1, 1]])
    found = find_small_derivable(incidence, np.array([4, 1, 4]), k=5)
    assert found is not None
    assert (found.atoms, found.size, set(found.groups), found.undecided) == ((1,), 1, {0, 1, 2}, False)


def test_audit_finds_nothing_in_margins_or_without_small_atoms() -> None:
    # rows: level a, level b, region n, region s over cells an, as, bn, bs
    margins = np.array([[1, 1, 0, 0], [0, 0, 1, 1], [1, 0, 1, 0], [0, 1, 0, 1]])
    assert find_small_derivable(margins, np.array([2, 10, 9, 11]), k=5) is None
    assert find_small_derivable(margins, np.array([5, 10, 9, 11]), k=5) is None
    assert find_small_derivable(np.zeros((0, 2)), np.array([1, 1]), k=5) is None


def test_audit_finds_unions_of_small_atoms_and_respects_their_weight() -> None:
    # a group of two small atoms (2 + 2) is itself released: 4 < 5 but 6 >= 5 is fine
    assert find_small_derivable(np.array([[1, 1, 0], [0, 0, 1]]), np.array([2, 2, 9]), k=5).size == 4
    assert find_small_derivable(np.array([[1, 1, 0], [0, 0, 1]]), np.array([3, 3, 9]), k=5) is None
    # only small atoms, none derivable alone: a + b and b + c
    assert find_small_derivable(np.array([[1, 1, 0], [0, 1, 1]]), np.array([3, 3, 3]), k=5) is None
    found = find_small_derivable(np.array([[1, 1, 0], [0, 1, 1], [1, 0, 0]]), np.array([1, 1, 3]), k=5)
    assert found is not None and found.atoms == (0,) and found.size == 1


def test_audit_reports_undecided_when_over_budget() -> None:
    incidence = np.array([[1, 1, 0], [0, 1, 1], [1, 1, 1]])
    found = find_small_derivable(incidence, np.array([4, 1, 4]), k=5, budget=2)
    assert found is not None and found.undecided and found.atoms == ()
    # all three atoms are below k: three single-atom subsets to try, no pair is light enough
    assert find_small_derivable(incidence, np.array([4, 1, 4]), k=5, budget=3).atoms == (1,)


def test_audit_rejects_combinations_with_fractional_or_signed_entries() -> None:
    # a - b is in the row space (support 2 < 5) but is not a set: nothing is derivable
    incidence = np.array([[1, 0, 1], [0, 1, 1]])
    assert find_small_derivable(incidence, np.array([1, 1, 9]), k=5) is None
    # a + b derivable with weight 4 + 4 = 8 >= 5 is not a disclosure
    assert find_small_derivable(np.array([[1, 1]]), np.array([4, 4]), k=5) is None
