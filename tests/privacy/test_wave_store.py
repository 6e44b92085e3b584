"""Each wave's solved cells kept by the digest of what they were solved from (release.wave_store): read
back, they give the very release a full solve gives, and only the waves whose cells changed are solved
again (a new answer in the open wave; with panel waves, the previous wave's cohorts too)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from allypath.privacy import release as release_module
from allypath.privacy.release import PublishedCell, wave_store

from .scenarios import _organisation


class DictStore:
    def __init__(self) -> None:
        self.kept: dict[str, list[PublishedCell]] = {}
        self.solved = 0

    def get(self, digest: str) -> list[PublishedCell] | None:
        return self.kept.get(digest)

    def put(self, digest: str, cells: list[PublishedCell], seconds: float) -> None:
        self.solved += 1
        self.kept[digest] = cells


def solve_with(store: DictStore, org) -> dict:
    token = wave_store.set(store)
    try:
        return org.solve().to_dict()
    finally:
        wave_store.reset(token)


def one_more_answer(org, wave: str, unit: str) -> None:
    """A new respondent in ``wave``, in ``unit`` (a unit no other wave has, when new)."""
    row = org.rows[org.rows["wave"] == wave].iloc[[0]].copy()
    row["respondent_id"] = f"new-{len(org.rows)}"
    row["panel_key"] = f"new-{len(org.rows)}"
    row["unit"], row["unit2"] = unit, f"{unit}/T0"
    org.rows = pd.concat([org.rows, row], ignore_index=True)


@pytest.mark.parametrize("seed", range(12))
def test_kept_waves_give_the_full_solves_release_and_only_changed_waves_are_solved_again(seed):
    rng = np.random.default_rng(seed)
    org = _organisation(rng, k=int(rng.integers(3, 6)), people=int(rng.integers(20, 60)), waves=3)
    org.panel = seed % 2 == 0
    org.open_wave = "W3" if seed % 3 else None
    store = DictStore()
    assert solve_with(store, org) == org.solve().to_dict()
    assert store.solved == 3
    assert solve_with(store, org) == org.solve().to_dict()  # everything read back
    assert store.solved == 3

    # one more answer in the last wave, in a unit of its own (every code of that column shifts)
    one_more_answer(org, "W3", "D-new")
    assert solve_with(store, org) == org.solve().to_dict()
    # only the last wave: a newcomer is in no cohort of the wave before
    assert store.solved == 3 + 1


def test_a_panel_member_answering_the_next_wave_changes_the_previous_waves_cohorts():
    rng = np.random.default_rng(3)
    org = _organisation(rng, k=3, people=40, waves=2)
    org.panel, org.open_wave = True, "W2"
    store = DictStore()
    solve_with(store, org)
    before = store.solved
    # someone of W1 who had not answered W2 answers it now: W1's continuing cohort grows
    w1 = set(org.rows.loc[org.rows["wave"] == "W1", "panel_key"])
    w2 = set(org.rows.loc[org.rows["wave"] == "W2", "panel_key"])
    key = sorted(w1 - w2)[0]
    row = org.rows[(org.rows["wave"] == "W1") & (org.rows["panel_key"] == key)].copy()
    row["wave"], row["respondent_id"] = "W2", "returning-one"
    org.rows = pd.concat([org.rows, row], ignore_index=True)
    assert solve_with(store, org) == org.solve().to_dict()
    assert store.solved == before + 2


def test_another_policy_or_other_tables_are_solved_afresh():
    rng = np.random.default_rng(5)
    org = _organisation(rng, k=4, people=40, waves=2)
    store = DictStore()
    solve_with(store, org)
    org.k = 5
    assert solve_with(store, org) == org.solve().to_dict()
    assert store.solved == 4
    org.breakdowns = org.breakdowns[:1]
    assert solve_with(store, org) == org.solve().to_dict()
    assert store.solved == 6


def test_a_change_to_the_solvers_code_makes_every_kept_wave_stale(monkeypatch):
    rng = np.random.default_rng(7)
    org = _organisation(rng, k=3, people=30, waves=2)
    store = DictStore()
    solve_with(store, org)
    monkeypatch.setattr(release_module, "_solver_digest", lambda: b"another version of the rules")
    solve_with(store, org)
    assert store.solved == 4


def test_a_whole_group_joining_the_next_wave_is_seen_though_its_counts_stay_the_same():
    # Five people of one finest cell of W1 (unit A) all answer W2 too: that cell keeps its count and its
    # values, only its cohort flag changes, and the previous wave's continuing cohort with it.
    def people(wave: str, unit: str, keys: list[str]) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "respondent_id": [f"{wave}-{k}" for k in keys],
                "wave": wave,
                "unit": unit,
                "unit2": f"{unit}/T0",
                "level": "IC",
                "region": "EMEA",
                "panel_key": keys,
                "stage": [i % 4 + 1 for i in range(len(keys))],
                "status": "scored",
            }
        )

    group = [f"a{i}" for i in range(5)]
    others = [f"b{i}" for i in range(6)]
    org = _organisation(np.random.default_rng(1), k=3, people=10, waves=2)
    org.rows = pd.concat([people("W1", "A", group), people("W1", "B", others[:5]), people("W2", "B", others)])
    org.panel, org.open_wave = True, None
    store = DictStore()
    solve_with(store, org)
    org.rows = pd.concat([org.rows, people("W2", "A", group)], ignore_index=True)
    assert solve_with(store, org) == org.solve().to_dict()
