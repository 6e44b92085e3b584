"""Simulated panels for the test-retest tests: the same men (ids ``p<stage>-<i>``) answer every wave,
each at one true stage, with answers (and answering style) drawn afresh in each wave."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

import allypath

STUDY_ORGS = inspect.signature(allypath.simulate).parameters["orgs"].default


def men_at(stage: int, n: int, seed: int, wave: str) -> pd.DataFrame:
    """``n`` men at ``stage`` answering wave ``wave``, ids ``p<stage>-<i>``: the same men in every wave."""
    mix = tuple(1.0 if s == stage else 0.0 for s in range(1, 5))
    orgs = tuple(dataclasses.replace(org, stage_mix=mix) for org in STUDY_ORGS)
    men = allypath.simulate(n, seed=seed, orgs=orgs, wave=wave)
    men["respondent_id"] = [f"p{stage}-{i}" for i in range(n)]
    return men


def panel_answers(
    per_stage: Mapping[int, int], waves: Sequence[str] = ("Spring", "Autumn"), *, seed: int = 0
) -> pd.DataFrame:
    """Raw answers of ``per_stage[s]`` men at each stage s in each of ``waves`` (seed ``seed + 10 s + k``
    for the k-th wave), without the true stage."""
    parts = [
        men_at(stage, n, seed + 10 * stage + k, wave)
        for stage, n in per_stage.items()
        for k, wave in enumerate(waves)
    ]
    return pd.concat(parts, ignore_index=True).drop(columns=["true_stage"])


def dealt_to_strangers(frame: pd.DataFrame, wave: str, seed: int) -> pd.DataFrame:
    """``frame`` with ``wave``'s ids dealt out at random: each man of that wave paired with a stranger."""
    out = frame.copy()
    rows = out["wave"] == wave
    out.loc[rows, "respondent_id"] = np.random.default_rng(seed).permutation(out.loc[rows, "respondent_id"])
    return out
