"""The persistent disclosure ledger: one per (user, organisation), safe under concurrent requests of the
same viewer, and kept when a later wave raises the minimum group size."""

from __future__ import annotations

import pytest

from allypath.privacy import Group
from allypath.web.plans import ledger as ledgers
from allypath.web.plans.ledger import LedgerBusyError, org_policy, with_ledger
from allypath.web.plans.models import ViewerLedger

pytestmark = [pytest.mark.db, pytest.mark.django_db]


def group(label: str, n: int) -> Group:
    return Group.from_ids(label, [f"r{i}" for i in range(n)])


def test_what_a_viewer_was_shown_is_kept_between_requests(northwind, bob):
    assert with_ledger(bob, northwind.org, lambda ledger: ledger.release(group("A", 20)).visible)
    refused = with_ledger(bob, northwind.org, lambda ledger: ledger.release(group("A minus 2", 18)))
    assert not refused.visible and refused.reason == "differencing"
    stored = ViewerLedger.objects.get(user=bob, org=northwind.org)
    assert (stored.version, stored.groups, stored.k, stored.k_text) == (1, 1, 5, 10)


def test_a_request_that_shows_nothing_new_writes_nothing(northwind, bob):
    with_ledger(bob, northwind.org, lambda ledger: ledger.release(group("A", 20)))
    with_ledger(bob, northwind.org, lambda ledger: ledger.release(group("A again", 20)))
    assert ViewerLedger.objects.get(user=bob, org=northwind.org).version == 1


def test_two_requests_of_one_viewer_at_once_are_judged_one_after_the_other(northwind, bob):
    runs: list[bool] = []

    def slow_request(ledger):
        if not runs:  # meanwhile, another request of bob's is shown A and stored first
            with_ledger(bob, northwind.org, lambda other: other.release(group("A", 20)))
        decision = ledger.release(group("A minus 2", 18))
        runs.append(decision.visible)
        return decision

    decision = with_ledger(bob, northwind.org, slow_request)
    # the first run saw an old ledger and would have shown the 18; it was redone, unseen, and refused
    assert runs == [True, False] and not decision.visible
    stored = ViewerLedger.objects.get(user=bob, org=northwind.org)
    assert stored.version == 1 and stored.groups == 1


def test_a_viewer_whose_ledger_keeps_changing_is_asked_to_try_again(northwind, bob, monkeypatch):
    monkeypatch.setattr(ledgers, "ATTEMPTS", 2)
    counter = iter(range(100))

    def always_raced(ledger):
        n = next(counter)
        with_ledger(bob, northwind.org, lambda other: other.release(group(f"B{n}", 40 + 10 * n)))
        ledger.release(group(f"C{n}", 200 + 10 * n))

    with pytest.raises(LedgerBusyError):
        with_ledger(bob, northwind.org, always_raced)


def test_the_strictest_k_of_the_organisations_waves_applies_and_history_is_kept(northwind, bob, make_wave):
    with_ledger(bob, northwind.org, lambda ledger: ledger.release(group("A", 20)))
    make_wave(northwind.org, name="stricter", form="full", k=8, k_text=12)
    assert (org_policy(northwind.org).k, org_policy(northwind.org).k_text) == (8, 12)
    decision = with_ledger(bob, northwind.org, lambda ledger: ledger.release(group("A minus 6", 14)))
    assert not decision.visible and decision.reason == "differencing"  # 6 < 8, fine under k=5
    stored = ViewerLedger.objects.get(user=bob, org=northwind.org)
    assert (stored.k, stored.k_text) == (8, 12)
