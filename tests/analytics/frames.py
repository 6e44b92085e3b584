"""Small scored-like frames built with numpy: fast, and every value known to the test."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

import allypath
from allypath.model import BARRIERS, ENABLERS, NORMS
from allypath.scoring import CarelessRules, load_stage_model

CONSTRUCTS = sorted({f.construct for f in (*BARRIERS, *NORMS, *ENABLERS)})
CONTEXTS = ("team_meetings", "hiring_promotion")


def scored_frame(
    n: int, *, seed: int = 0, units: int = 3, waves: int = 1, panel: bool = False
) -> pd.DataFrame:
    """``n`` responses per wave with the scored-output columns the analytics read."""
    rng = np.random.default_rng(seed)
    frames = []
    people = np.arange(n)
    unit_of = rng.integers(0, units, size=n)
    level_of = rng.integers(0, 2, size=n)
    for wave in range(waves):
        stage = rng.integers(1, 5, size=n)
        probabilities = rng.dirichlet(np.ones(4), size=n)
        frame = pd.DataFrame(
            {
                "respondent_id": [f"w{wave}-r{i}-{seed}" for i in people],
                "org": "Org",
                "unit": [f"U{u}" for u in unit_of],
                "level": np.where(level_of == 0, "IC", "Manager"),
                "wave": f"W{wave + 1}",
                "status": "scored",
                "stage": pd.array(stage, dtype="Int8"),
                "p_apathy": probabilities[:, 0],
                "p_ambivalence": probabilities[:, 1],
                "p_reflective": probabilities[:, 2],
                "p_energised": probabilities[:, 3],
                "index": rng.uniform(0, 100, size=n),
                "between_stages": rng.random(n) < 0.1,
                "perceived_stage": pd.array(np.clip(stage + rng.integers(-1, 2, size=n), 1, 4), dtype="Int8"),
                "score_knowledge_claimed": rng.uniform(1, 5, size=n),
                "score_knowledge_check": rng.integers(0, 5, size=n) / 4,
                "participation_count": rng.integers(0, 3, size=n),
            }
        )
        frame["perception_gap"] = frame["perceived_stage"].astype(int) - frame["stage"].astype(int)
        for construct in CONSTRUCTS:
            frame[f"score_{construct}"] = rng.uniform(1, 5, size=n)
        for context in CONTEXTS:
            frame[f"context_{context}_stage"] = rng.integers(1, 5, size=n)
        if panel:
            frame["panel_key"] = [f"p{i}" for i in people]
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def answers_frame(units: Mapping[str, Sequence[float]], column: str) -> pd.DataFrame:
    """One wave, one level; per unit its men's values of ``column`` (NaN: skipped the question)."""
    rows = []
    for unit, answers in units.items():
        for i, answer in enumerate(answers):
            rows.append(
                {
                    "respondent_id": f"{unit}{i}",
                    "wave": "W1",
                    "unit": unit,
                    "level": "Staff",
                    "stage": [1, 2, 3, 4][i % 4],
                    "status": "scored",
                    column: answer,
                }
            )
    return pd.DataFrame(rows)


def simulated_teams(teams: Mapping[str, int], *, seed: int = 21) -> pd.DataFrame:
    """``sum(teams)`` simulated men scored, each in a team of ``teams``' sizes (shuffled).

    The team sizes count placed rows, so no row is set aside as careless here (those checks have
    their own tests)."""
    model = dataclasses.replace(load_stage_model(), careless=CarelessRules.off())
    frame = allypath.score(allypath.simulate(sum(teams.values()), seed=seed), model=model)
    team = np.concatenate([[t] * n for t, n in teams.items()])
    np.random.default_rng(1).shuffle(team)
    frame["team"] = pd.array(team, dtype="string")
    return frame
