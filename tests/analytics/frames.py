"""Small scored-like frames built with numpy: fast, and every value known to the test."""

from __future__ import annotations

import numpy as np
import pandas as pd

from allypath.model import BARRIERS, ENABLERS, NORMS

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
