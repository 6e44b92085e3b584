"""The gate's rules one by one: minimum size, complementary suppression, views, trends."""

from __future__ import annotations

import pytest

from allypath.errors import ConfigurationError, DataError
from allypath.privacy import (
    K_FLOOR,
    Decision,
    DisclosureLedger,
    Group,
    PrivacyPolicy,
    Reason,
    decide_siblings,
    describe,
    evaluate_view,
    release_trend,
    release_view,
    response_keys,
)

K5 = PrivacyPolicy(k=5)


def people(label: str, start: int, stop: int, prefix: str = "r") -> Group:
    return Group.from_ids(label, [f"{prefix}{i}" for i in range(start, stop)])


# ---------------------------------------------------------------- policy, groups, decisions
def test_policy_defaults_and_floor() -> None:
    assert (PrivacyPolicy().k, PrivacyPolicy().k_text) == (5, 10)
    assert K_FLOOR == 3
    assert PrivacyPolicy(k=3, k_text=3).k == 3


@pytest.mark.parametrize(("k", "k_text"), [(2, 10), (5, 4), (5.0, 10), (5, "10")])
def test_policy_refuses_a_k_below_the_floor_or_a_k_text_below_k(k: object, k_text: object) -> None:
    with pytest.raises(ConfigurationError, match="k"):
        PrivacyPolicy(k=k, k_text=k_text)  # type: ignore[arg-type]


def test_describe_is_canonical_and_names_everyone_for_no_filter() -> None:
    assert describe({"wave": "Q1", "unit": "Sales"}) == describe({"unit": "Sales", "wave": "Q1"})
    assert describe({"wave": "Q1", "unit": "Sales"}) == "unit=Sales & wave=Q1"
    assert describe({}) == "everyone"


def test_groups_are_their_members_whatever_the_order_or_repeats() -> None:
    a = Group.from_ids("a", ["x", "y", "z", "y"])
    b = Group.from_ids("b", ["z", "y", "x"])
    assert a.n == 3 and (a.keys == b.keys).all()
    assert not a.keys.flags.writeable
    assert repr(a) == "Group('a', n=3)"
    assert Group.from_keys("k", [3, 1, 3]).keys.tolist() == [1, 3]
    assert Group.from_keys("k", [3, 1, 2], distinct=True).keys.tolist() == [1, 2, 3]
    assert not Group.from_keys("k", [3, 1], distinct=True).keys.flags.writeable


def test_response_keys_are_stable_and_treat_ids_as_text() -> None:
    import pandas as pd

    keys = response_keys(["7", 7, "8"])
    assert keys[0] == keys[1] != keys[2]
    assert (response_keys(pd.Series(["7", "8"])) == keys[[0, 2]]).all()
    assert response_keys(pd.Series(["a", None])).dtype.name == "uint64"


def test_decision_messages_and_json() -> None:
    assert Decision(7, True).message == ""
    assert Decision(7, True).to_dict() == {
        "visible": True,
        "n": 7,
        "reason": None,
        "message": None,
        "conflicts": [],
    }
    hidden = Decision(2, False, "below_k")
    assert hidden.message == "hidden: fewer respondents than the minimum group size"
    assert hidden.to_dict()["n"] is None and hidden.to_dict()["reason"] == "below_k"
    assert "subtraction" in Decision(9, False, "complementary").message
    assert "already shown to this viewer" in Decision(9, False, "differencing").message
    assert "both waves" in Decision(9, False, "trend").message
    assert "comments" in Decision(9, False, "below_k_text").message
    assert Decision(9, False, "differencing", "custom").message == "custom"
    assert Decision(9, False, "unknown").message == "hidden"
    assert Decision(9, False, "trend", conflicts=("a",)).to_dict()["conflicts"] == ["a"]
    assert [r.value for r in Reason] == ["below_k", "complementary", "differencing", "trend", "below_k_text"]


# ---------------------------------------------------------------- siblings
def test_siblings_below_k_are_hidden_and_empty_ones_shown() -> None:
    decisions = decide_siblings({"a": 5, "b": 4, "c": 0, "d": 12}, K5)
    assert decisions["a"].visible is False  # complementary: b alone would be 4
    assert decisions["b"] == Decision(4, False, "below_k")
    assert decisions["c"] == Decision(0, True)
    assert decisions["d"].visible


def test_complementary_hides_the_smallest_until_the_hidden_total_reaches_k() -> None:
    decisions = decide_siblings({"a": 20, "b": 1, "c": 6, "d": 5}, K5)
    assert [decisions[g].reason for g in "abcd"] == ["", "below_k", "", "complementary"]
    assert decide_siblings({"a": 20, "b": 5, "c": 6}, K5)["b"].visible


def test_complementary_stops_once_the_hidden_total_is_exactly_k() -> None:
    decisions = decide_siblings({"a": 9, "b": 2, "c": 3, "d": 7}, K5)
    assert [decisions[g].visible for g in "abcd"] == [True, False, False, True]


def test_complementary_ties_break_on_the_name() -> None:
    decisions = decide_siblings({"b": 6, "a": 6, "x": 2}, K5)
    assert [decisions[g].reason for g in ("a", "b", "x")] == ["complementary", "", "below_k"]


def test_members_outside_every_sibling_count_as_hidden() -> None:
    assert decide_siblings({"a": 10, "b": 8}, K5, outside=2)["b"].reason == "complementary"
    assert decide_siblings({"a": 10, "b": 8}, K5, outside=5)["b"].visible
    assert decide_siblings({"a": 10, "b": 8}, K5, outside=0)["b"].visible


def test_forced_decisions_are_kept_and_count_towards_the_hidden_total() -> None:
    forced = {"a": Decision(6, False, "differencing")}
    decisions = decide_siblings({"a": 6, "b": 7, "c": 2}, K5, forced=forced)
    assert decisions["a"] is forced["a"]
    assert decisions["b"].visible  # 6 + 2 hidden already: nothing more to hide


def test_a_lone_small_group_with_no_sibling_to_hide_stays_alone() -> None:
    assert decide_siblings({"a": 3}, K5) == {"a": Decision(3, False, "below_k")}


def test_negative_sizes_are_bad_input() -> None:
    with pytest.raises(DataError, match="negative size"):
        decide_siblings({"a": -1}, K5)


# ---------------------------------------------------------------- views
def test_a_breakdown_under_its_total_hides_what_subtraction_would_reveal() -> None:
    ledger = DisclosureLedger(K5, "hr")
    total = people("org", 0, 30)
    units = [people("u1", 0, 12), people("u2", 12, 27), people("u3", 27, 30)]
    decisions = release_view(ledger, [total, *units], parents={u.label: "org" for u in units}, view="mix")
    assert [decisions[g].reason for g in ("org", "u1", "u2", "u3")] == ["", "complementary", "", "below_k"]
    assert ledger.released == ("org", "u2")


def test_a_breakdown_that_does_not_cover_its_total_protects_the_rest() -> None:
    ledger = DisclosureLedger(K5)
    total = people("unit", 0, 22)  # 2 respondents have no level
    levels = [people("level=a", 0, 10), people("level=b", 10, 20)]
    decisions = evaluate_view(ledger, [total, *levels], parents={"level=a": "unit", "level=b": "unit"})
    assert decisions["level=a"].reason == "complementary"
    assert decisions["level=b"].visible and decisions["unit"].visible
    assert ledger.released == ()  # evaluate records nothing


def test_views_check_their_input() -> None:
    ledger = DisclosureLedger(K5)
    with pytest.raises(DataError, match="same label"):
        evaluate_view(ledger, [people("a", 0, 6), people("a", 6, 12)])
    with pytest.raises(DataError, match="not in the view"):
        evaluate_view(ledger, [people("a", 0, 6)], parents={"a": "missing"})
    with pytest.raises(DataError, match="distinct labels"):
        ledger.screen([people("a", 0, 6), people("a", 6, 12)])


def test_without_complementary_only_the_minimum_size_applies() -> None:
    ledger = DisclosureLedger(K5)
    groups = [people("a", 0, 3), people("b", 3, 9), people("c", 9, 9)]
    decisions = evaluate_view(ledger, groups, complementary=False)
    assert [decisions[g].reason for g in "abc"] == ["below_k", "", ""]
    assert decisions["c"] == Decision(0, True)
    with_rule = evaluate_view(ledger, groups)
    assert with_rule["b"].reason == "complementary"


def test_empty_groups_are_shown_but_not_recorded() -> None:
    ledger = DisclosureLedger(K5)
    decisions = release_view(ledger, [people("a", 0, 8), people("empty", 0, 0)])
    assert decisions["empty"].visible and ledger.released == ("a",)


def test_a_group_refused_for_differencing_is_hidden_within_its_view() -> None:
    ledger = DisclosureLedger(K5, "hr")
    release_view(ledger, [people("unit", 0, 20)], view="overview")
    decisions = release_view(ledger, [people("unit & manager", 0, 18)], view="levels")
    assert decisions["unit & manager"].reason == "differencing"
    assert decisions["unit & manager"].conflicts == ("unit (overview)",)
    assert "'unit (overview)'" in decisions["unit & manager"].message
    assert ledger.released == ("unit",)


def test_a_new_request_joining_two_earlier_views_is_refused_naming_them() -> None:
    ledger = DisclosureLedger(K5, "hr")
    assert ledger.release(people("A", 0, 10), "v1").visible
    assert ledger.release(people("B", 9, 20), "v2").visible
    decision = ledger.release(people("A or B", 0, 20), "v3")
    assert decision.reason == "differencing"
    assert set(decision.conflicts) == {"A (v1)", "B (v2)"}
    assert "would let fewer than 5 respondents be worked out" in decision.message
    assert ledger.released == ("A", "B")


def _table(cells: dict[tuple[str, str], int]) -> dict[tuple[str, str], list[str]]:
    return {cell: [f"{cell[0]}{cell[1]}{i}" for i in range(n)] for cell, n in cells.items()}


def _margin(ids: dict[tuple[str, str], list[str]], axis: int, value: str, name: str) -> Group:
    return Group.from_ids(f"{name}={value}", [i for c, v in ids.items() if c[axis] == value for i in v])


def test_cross_cutting_breakdowns_are_allowed_when_no_cell_can_be_isolated() -> None:
    ledger = DisclosureLedger(K5)
    # level x region, 3 x 3, one cell of 2: the margins alone never isolate a cell
    ids = _table({(lv, r): 2 if (lv, r) == ("a", "n") else 6 for lv in "abc" for r in "nse"})
    levels = [_margin(ids, 0, lv, "level") for lv in "abc"]
    regions = [_margin(ids, 1, r, "region") for r in "nse"]
    assert all(d.visible for d in release_view(ledger, levels).values())
    assert all(d.visible for d in release_view(ledger, regions).values())
    assert ledger.release(Group.from_ids("everyone", [i for v in ids.values() for i in v])).visible
    assert ledger.release(Group.from_ids("a & s", ids[("a", "s")]), "cell").visible
    # level=a minus (a, s) minus (a, e) would leave the (a, n) cell of 2
    decision = ledger.ask(Group.from_ids("a & e", ids[("a", "e")]))
    assert decision.reason == "differencing"
    assert "level=a" in decision.conflicts and "a & s (cell)" in decision.conflicts
    assert "'a & s (cell)'" in decision.message


def test_the_pairwise_rule_refuses_one_sided_differences_below_k() -> None:
    ledger = DisclosureLedger(K5)
    ids = _table({("a", "n"): 2, ("a", "s"): 10, ("b", "n"): 9, ("b", "s"): 11})
    release_view(ledger, [_margin(ids, 0, lv, "level") for lv in "ab"])
    decisions = release_view(ledger, [_margin(ids, 1, r, "region") for r in "ns"])
    assert decisions["region=n"].conflicts == ("level=b",)  # region=n minus level=b is the cell of 2
    assert decisions["region=s"].conflicts == ("level=a",)
    assert (
        "differs from 'level=b', already shown to this viewer, by fewer than 5"
        in decisions["region=n"].message
    )


def test_require_raises_privacy_error_naming_the_rule() -> None:
    from allypath.errors import PrivacyError

    ledger = DisclosureLedger(K5)
    ledger.require(people("unit", 0, 9))
    with pytest.raises(PrivacyError, match=r"^below_k: hidden: fewer respondents"):
        ledger.require(people("tiny", 0, 2))
    with pytest.raises(PrivacyError, match=r"^differencing: hidden: 'unit minus one' differs from 'unit'"):
        ledger.require(people("unit minus one", 0, 8))
    assert ledger.released == ("unit",)


# ---------------------------------------------------------------- trends
def _waves(sizes_a: dict[str, int], sizes_b: dict[str, int]) -> dict[str, tuple[Group, Group]]:
    pairs = {}
    start = 0
    for unit in sizes_a:
        a = people(f"{unit} & wave=1", start, start + sizes_a[unit], "w1-")
        b = people(f"{unit} & wave=2", start, start + sizes_b[unit], "w2-")
        pairs[unit] = (a, b)
        start += 100
    return pairs


def test_a_trend_is_shown_only_where_the_group_passes_on_both_waves() -> None:
    ledger = DisclosureLedger(K5)
    pairs = _waves({"u1": 9, "u2": 8, "u3": 12, "u4": 7}, {"u1": 10, "u2": 3, "u3": 11, "u4": 9})
    decisions = release_trend(ledger, pairs, waves=("2026-Q1", "2026-Q3"), view="trend")
    assert decisions["u1"] == Decision(10, True)
    assert decisions["u2"].reason == "trend"
    assert "on 2026-Q3 (hidden: fewer respondents" in decisions["u2"].message
    assert decisions["u4"].reason == "trend"  # complementary for u2 on the second wave
    assert "on 2026-Q3 (hidden: shown alone" in decisions["u4"].message
    assert decisions["u3"].visible
    assert ledger.released == ("u1 & wave=1", "u1 & wave=2", "u3 & wave=1", "u3 & wave=2")


def test_a_trend_hidden_on_the_first_wave_names_it() -> None:
    ledger = DisclosureLedger(K5)
    decisions = release_trend(ledger, _waves({"u1": 2, "u2": 30}, {"u1": 9, "u2": 30}))
    assert "on the first wave (hidden: fewer" in decisions["u1"].message
    assert decisions["u2"].reason == "trend"


def test_a_trend_is_refused_when_one_wave_differs_from_an_earlier_view() -> None:
    ledger = DisclosureLedger(K5)
    pairs = _waves({"u1": 12, "u2": 12}, {"u1": 12, "u2": 12})
    ledger.release(people("u1 earlier", 100, 111, "w2-"), "earlier")  # u2's second wave minus one
    decisions = release_trend(ledger, pairs, waves=("Q1", "Q2"))
    assert decisions["u1"].visible
    assert decisions["u2"].reason == "trend" and "on Q2" in decisions["u2"].message
    assert decisions["u2"].conflicts == ("u1 earlier (earlier)",)


def test_trend_pairs_need_distinct_labels() -> None:
    same = people("u", 0, 9)
    with pytest.raises(DataError, match="distinct labels"):
        release_trend(DisclosureLedger(K5), {"u": (same, same)})


def test_a_trend_with_an_empty_wave_is_hidden_and_says_which() -> None:
    ledger = DisclosureLedger(K5)
    pairs = _waves({"u1": 9, "u2": 0, "u3": 12}, {"u1": 0, "u2": 9, "u3": 12})
    decisions = release_trend(ledger, pairs, waves=("Q1", "Q2"))
    assert (
        decisions["u1"].reason == "trend"
        and decisions["u1"].message == "hidden: 'u1' has no respondents on Q2"
    )
    assert decisions["u2"].message == "hidden: 'u2' has no respondents on Q1"
    assert decisions["u3"].visible
    assert ledger.released == ("u3 & wave=1", "u3 & wave=2")
