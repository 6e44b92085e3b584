"""The gate's rules at their edges: exact boundaries, messages, fields and what gets recorded."""

from __future__ import annotations

import numpy as np
import pytest

from allypath.errors import DataError, PrivacyError
from allypath.privacy import (
    Decision,
    DisclosureLedger,
    Group,
    PrivacyPolicy,
    evaluate_view,
    release_trend,
    release_view,
)
from allypath.privacy.audit import _light_subsets

K5 = PrivacyPolicy(k=5, k_text=10)


def people(label: str, start: int, stop: int, prefix: str = "r") -> Group:
    return Group.from_ids(label, [f"{prefix}{i}" for i in range(start, stop)])


def test_light_subsets_lists_every_subset_under_the_limit_lightest_first() -> None:
    subsets = _light_subsets(np.array([2, 1, 1, 4]), 3, 100)
    assert subsets is not None
    assert sorted(subsets) == sorted([(1,), (1, 2), (1, 0), (2,), (2, 0), (0,)])
    assert _light_subsets(np.array([1, 1, 1]), 3, 7) is not None
    assert _light_subsets(np.array([1, 1, 1]), 3, 6) is None  # 7 subsets > 6


def test_the_minimum_size_is_inclusive_at_k_in_every_path() -> None:
    ledger = DisclosureLedger(K5)
    groups = [people("five", 0, 5), people("four", 5, 9)]
    plain = evaluate_view(ledger, groups, complementary=False)
    assert plain["five"] == Decision(5, True)
    assert plain["four"] == Decision(4, False, "below_k")
    assert ledger.ask(people("five", 0, 5)) == Decision(5, True)
    assert ledger.ask(people("four", 0, 4)) == Decision(4, False, "below_k")


def test_without_complementary_a_differencing_refusal_is_kept() -> None:
    ledger = DisclosureLedger(K5)
    ledger.release(people("unit", 0, 12), "v")
    decisions = evaluate_view(
        ledger, [people("unit - 1", 0, 11), people("other", 20, 30)], complementary=False
    )
    assert decisions["unit - 1"].reason == "differencing" and decisions["unit - 1"].n == 11
    assert decisions["other"] == Decision(10, True)


def test_release_view_honours_parents_and_the_complementary_switch() -> None:
    total, a, b = people("unit", 0, 22), people("a", 0, 10), people("b", 10, 20)  # 2 outside
    with_parents = release_view(DisclosureLedger(K5), [total, a, b], parents={"a": "unit", "b": "unit"})
    assert with_parents["a"].reason == "complementary"
    as_roots = release_view(DisclosureLedger(K5), [total, a, b])  # the audit catches it instead
    assert as_roots["a"].reason == "differencing" and as_roots["b"].visible
    ledger = DisclosureLedger(K5)
    plain = release_view(ledger, [people("x", 0, 3), people("y", 3, 10)], complementary=False)
    assert plain["y"].visible and ledger.released == ("y",)


def test_view_errors_name_their_field() -> None:
    ledger = DisclosureLedger(K5)
    with pytest.raises(DataError) as same:
        evaluate_view(ledger, [people("a", 0, 6), people("a", 6, 12)])
    assert (
        same.value.column == "label" and same.value.message == "a view holds two groups with the same label"
    )
    with pytest.raises(DataError) as parent:
        evaluate_view(ledger, [people("a", 0, 6)], parents={"a": "p"})
    assert parent.value.column == "parents" and parent.value.message == "parent 'p' of 'a' is not in the view"
    with pytest.raises(DataError) as trend:
        release_trend(ledger, {"t": (people("u", 0, 6), people("u", 0, 6))})
    assert trend.value.column == "label"
    assert trend.value.message == "trend 't': the two waves' groups need distinct labels"


def test_waves_that_pass_apart_but_not_together_hide_the_trend() -> None:
    # an earlier pooled view covers both waves of the unit plus one more respondent
    before = people("u & wave=1", 0, 10, "a")
    after = people("u & wave=2", 0, 10, "b")
    pooled = Group.from_keys(
        "u, both waves, and x", np.concatenate([before.keys, after.keys, people("x", 0, 1, "z").keys])
    )
    ledger = DisclosureLedger(K5)
    assert ledger.release(pooled, "pooled").visible
    assert ledger.ask(before).visible and ledger.ask(after).visible
    decisions = release_trend(ledger, {"u": (before, after)}, waves=("Q1", "Q2"))
    decision = decisions["u"]
    assert decision.reason == "trend" and decision.n == 10
    assert decision.message.startswith(
        "hidden: 'u' does not pass the privacy rules on Q1 (hidden: 'u & wave=1'"
    )
    assert decision.conflicts == ("u, both waves, and x (pooled)",)
    assert ledger.released == ("u, both waves, and x",)


def test_trend_messages_name_the_group_and_trend_views_are_recorded_under_their_name() -> None:
    ledger = DisclosureLedger(K5)
    pairs = {
        "u1": (people("u1 & w1", 0, 9, "a"), people("u1 & w2", 0, 3, "b")),
        "u2": (people("u2 & w1", 20, 40, "a"), people("u2 & w2", 20, 40, "b")),
        "u3": (people("u3 & w1", 50, 60, "a"), people("u3 & w2", 50, 56, "b")),  # hidden with u1
    }
    decisions = release_trend(ledger, pairs)
    assert decisions["u1"].message.startswith(
        "hidden: 'u1' does not pass the privacy rules on the second wave"
    )
    assert decisions["u1"].n == 3
    assert ledger.ask(people("u2 & w1 - 1", 20, 39, "a")).conflicts == ("u2 & w1",)
    named = DisclosureLedger(K5)
    release_trend(named, {"u2": pairs["u2"]}, view="trend")
    assert named.ask(people("u2 & w1 - 1", 20, 39, "a")).conflicts == ("u2 & w1 (trend)",)
    first = release_trend(
        DisclosureLedger(K5), {"u": (people("u & w1", 0, 2, "a"), people("u & w2", 0, 9, "b"))}
    )
    assert first["u"].message.startswith("hidden: 'u' does not pass the privacy rules on the first wave")
    assert first["u"].n == 2


def test_audit_messages_in_full() -> None:
    ledger = DisclosureLedger(K5)
    blocked = ledger.screen([people("A", 0, 10), people("B", 9, 20), people("A or B", 0, 20)])
    assert list(blocked) == ["A"]
    assert blocked["A"].message == (
        "hidden: 'A' combined with other groups of this request would let fewer than 5 respondents "
        "be worked out by adding and subtracting counts"
    )
    ledger.release(people("A", 0, 10), "v1")
    ledger.release(people("B", 9, 20), "v2")
    decision = ledger.ask(people("A or B", 0, 20))
    assert decision.message == (
        "hidden: 'A or B' combined with 'A (v1)', 'B (v2)' would let fewer than 5 respondents "
        "be worked out by adding and subtracting counts"
    )
    stingy = DisclosureLedger(K5, budget=0)
    stingy.release(people("A", 0, 10))
    stingy.release(people("B", 9, 20))
    assert stingy.ask(people("A or B", 0, 20)).message == (
        "hidden: 'A or B' overlaps so many views already shown to this viewer that it cannot be "
        "verified safe, so it is refused"
    )


def test_require_records_under_the_view_name() -> None:
    ledger = DisclosureLedger(K5)
    ledger.require(people("unit", 0, 9), "overview")
    assert ledger.ask(people("unit - 1", 0, 8)).conflicts == ("unit (overview)",)
    with pytest.raises(PrivacyError) as refused:
        ledger.require(people("unit - 1", 0, 8))
    assert str(refused.value).startswith("differencing: hidden: 'unit - 1' differs from 'unit (overview)'")


def test_comment_decisions_in_detail() -> None:
    ledger = DisclosureLedger(K5)
    assert ledger.ask_comments(people("nine", 0, 9)) == Decision(9, False, "below_k_text")
    assert ledger.ask_comments(people("ten", 0, 10)) == Decision(10, True)
    ledger.record_comments([people("first", 0, 20)])
    ledger.record_comments([people("second", 100, 120)], "page 2")
    one_over = ledger.ask_comments(people("first plus one", 0, 21))  # a cell of exactly 1
    assert one_over.reason == "differencing" and one_over.n == 21 and one_over.conflicts == ()
    both = ledger.ask_comments(Group.from_ids("across", [f"r{i}" for i in (*range(5, 20), *range(100, 115))]))
    assert both.conflicts == ("first", "second (page 2)")
    assert both.message == (
        "hidden: the comments of 'across' overlap comments already shown to this viewer "
        "(first, second (page 2)) in fewer than 10 respondents"
    )


def test_snapshots_keep_the_viewer_and_write_lowercase_hex() -> None:
    ledger = DisclosureLedger(K5, "hr:bob")
    ledger.release(people("unit", 0, 10), "mix")
    data = ledger.to_dict()
    keys = data["aggregates"][0]["keys"]  # type: ignore[index]
    assert all(k == k.lower() and int(k, 16) >= 0 for k in keys) and len(keys) == 10
    assert data["aggregates"][0]["view"] == "mix" and data["comments"] == []  # type: ignore[index]
    assert DisclosureLedger.from_dict(data, K5).viewer == "hr:bob"
    with pytest.raises(PrivacyError) as other:
        DisclosureLedger.from_dict(data, PrivacyPolicy(k=6, k_text=10))
    assert str(other.value) == "the ledger snapshot was made under a different privacy policy"
    with pytest.raises(DataError) as bad:
        DisclosureLedger.from_dict({**data, "comments": {}}, K5)
    assert bad.value.column == "comments"


# ---------------------------------------------------------------- the audit and siblings at their edges
def test_audit_keeps_searching_after_a_subset_that_is_not_a_set() -> None:
    from allypath.privacy import find_small_derivable

    # V = span{a - b, d}: the lightest pivot gives a - b (not a set), the next one d alone
    incidence = np.array([[1, 0, 1, 0], [0, 1, 1, 0], [0, 0, 0, 1]])
    found = find_small_derivable(incidence, np.array([1, 1, 9, 2]), k=5)
    assert found is not None and found.atoms == (3,) and found.size == 2 and found.groups == (2,)


def test_audit_ignores_signed_combinations_even_with_a_positive_total() -> None:
    from allypath.privacy import find_small_derivable

    # a - b is derivable and weighs 2 - 1 = 1 but is not a set of people
    assert find_small_derivable(np.array([[1, 0, 1], [0, 1, 1]]), np.array([2, 1, 9]), k=5) is None


def test_audit_counts_non_pivot_members_towards_the_size() -> None:
    from allypath.privacy import find_small_derivable

    # the one derivable set {a, b} weighs 2 + 3 = 5 = k: not a disclosure
    assert find_small_derivable(np.array([[1, 1]]), np.array([2, 3]), k=5) is None
    found = find_small_derivable(np.array([[1, 1]]), np.array([2, 2]), k=5)
    assert found is not None and found.size == 4 and found.atoms == (0, 1)


def test_an_undecided_audit_reports_nothing_else() -> None:
    from allypath.privacy import find_small_derivable

    found = find_small_derivable(
        np.array([[1, 1, 0], [0, 1, 1], [1, 1, 1]]), np.array([4, 1, 4]), k=5, budget=2
    )
    assert found is not None
    assert (found.atoms, found.size, found.groups, found.undecided) == ((), 0, (), True)


def test_sibling_ties_break_on_the_text_of_the_label() -> None:
    from allypath.privacy import decide_siblings

    decisions = decide_siblings({10: 6, 9: 6, 1: 2}, K5)  # "10" sorts before "9"
    assert decisions[10] == Decision(6, False, "complementary")
    assert decisions[9] == Decision(6, True)


def test_negative_sizes_name_the_group() -> None:
    from allypath.privacy import decide_siblings

    with pytest.raises(DataError) as bad:
        decide_siblings({"unit=A": -2}, K5)
    assert bad.value.column == "unit=A" and bad.value.message == "group 'unit=A' has a negative size -2"


def test_an_empty_wave_hides_the_trend_with_its_size() -> None:
    decisions = release_trend(DisclosureLedger(K5), {"u": (people("u1", 0, 8, "a"), people("u2", 0, 0, "b"))})
    assert decisions["u"] == Decision(0, False, "trend", "hidden: 'u' has no respondents on the second wave")


def test_a_pair_refused_together_leaves_the_other_pairs_alone() -> None:
    before = people("u & wave=1", 0, 10, "a")
    after = people("u & wave=2", 0, 10, "b")
    pooled = Group.from_keys("pooled", np.concatenate([before.keys, after.keys, people("x", 0, 1, "z").keys]))
    ledger = DisclosureLedger(K5)
    ledger.release(pooled)
    other = (people("v & wave=1", 50, 60, "a"), people("v & wave=2", 50, 60, "b"))
    decisions = release_trend(ledger, {"u": (before, after), "v": other})
    assert decisions["u"].reason == "trend" and decisions["v"] == Decision(10, True)
    assert ledger.released == ("pooled", "v & wave=1", "v & wave=2")


def test_asking_about_comments_does_not_grow_the_ledger() -> None:
    ledger = DisclosureLedger(K5)
    ledger.record_comments([people("first", 0, 20)])
    known = len(ledger._index)
    ledger.ask_comments(people("new people", 100, 120))
    ledger.ask(people("more new people", 200, 220))
    assert len(ledger._index) == known == 20


# ---------------------------------------------------------------- the screen's bookkeeping
def test_a_refused_group_is_not_judged_again_against_later_groups_of_its_request() -> None:
    ledger = DisclosureLedger(K5)
    p, x, y = people("P", 0, 20), people("X", 0, 18), people("Y", 0, 15)  # P-X: 2, X-Y: 3, P-Y: 5
    q, r = people("Q", 50, 62), people("R", 50, 60)  # a second clash, later in the request
    blocked = ledger.screen([p, x, y, q, r])
    assert list(blocked) == ["X", "R"]
    assert blocked["X"].conflicts == ("P",)
    assert blocked["X"].message == (
        "hidden: 'X' differs from 'P', in the same view, by fewer than 5 respondents, "
        "so the two together would single them out"
    )


def test_one_more_respondent_is_a_pairwise_refusal() -> None:
    ledger = DisclosureLedger(K5)
    ledger.release(people("unit", 0, 10))
    assert ledger.ask(people("unit + 1", 0, 11)).message.startswith("hidden: 'unit + 1' differs from 'unit'")


def test_ask_sizes_at_the_edges() -> None:
    ledger = DisclosureLedger(K5)
    assert ledger.ask(people("one", 0, 1)) == Decision(1, False, "below_k")
    assert ledger.ask(people("none", 0, 0)) == Decision(0, True)


def test_a_single_respondent_passed_to_the_screen_is_caught() -> None:
    ledger = DisclosureLedger(K5)
    ledger.release(people("unit", 0, 10))
    assert list(ledger.screen([people("one", 0, 1)])) == ["one"]


def test_screen_errors_name_the_field() -> None:
    with pytest.raises(DataError) as same:
        DisclosureLedger(K5).screen([people("a", 0, 6), people("a", 6, 12)])
    assert same.value.column == "label"
    assert same.value.message == "groups released together need distinct labels"


def test_the_audit_hides_only_groups_in_the_combination() -> None:
    ledger = DisclosureLedger(K5)
    ledger.release(people("A", 0, 10))
    ledger.release(people("B", 9, 20))
    blocked = ledger.screen([people("A or B", 0, 20), people("elsewhere", 40, 46)])
    assert list(blocked) == ["A or B"]
    stingy = DisclosureLedger(K5, budget=0)
    stingy.release(people("A", 0, 10))
    stingy.release(people("B", 9, 20))
    assert list(stingy.screen([people("A or B", 0, 20), people("elsewhere", 40, 46)])) == ["A or B"]
    # in an undecided part every new group is a culprit, the smallest first
    assert list(stingy.screen([people("W", 9, 15), people("A or B", 0, 20)])) == ["W", "A or B"]


def test_the_audit_searches_every_part_of_the_ledger_a_request_touches() -> None:
    ledger = DisclosureLedger(K5)
    for label, start, stop in (("A", 0, 10), ("B", 9, 20), ("C", 100, 110), ("D", 109, 120)):
        ledger.release(people(label, start, stop))
    blocked = ledger.screen([people("A again", 0, 10), people("C or D", 100, 120)])
    assert list(blocked) == ["C or D"]


def test_defaults_name_nothing() -> None:
    ledger = DisclosureLedger(K5)
    assert ledger.viewer == ""
    ledger.record([people("unit", 0, 10)])
    assert ledger.ask(people("unit - 1", 0, 9)).conflicts == ("unit",)
