"""Answers from one continuous trait and no stages at all: the data the structure test must not call
"stages" (issue 15, point 1).

Each respondent has a trait ``theta`` (normal, or uniform with the same variance) instead of a
stage. An item written for stage t is answered by the scoring model's ordered logit with a location
that changes smoothly with theta: the default affinity table's column t, read as a curve through the
four stages placed at theta = -1.5, -0.5, 0.5, 1.5 and interpolated by a quadratic (so Apathy items
fall, Energised items rise and the middle items peak, as the stage model has them, but nobody is *at*
a stage). Acquiescence, thresholds, slopes and blanks are as in :func:`allypath.simulate`.

Because a quadratic in theta is what the structure test's continuum fits, this is the continuum's
best case for the normal trait; the uniform trait is outside the fitted family (the density is
flat-topped with hard edges), which is the harder case for the test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import expit

from allypath.instrument import Instrument, load_instrument
from allypath.scoring import StageModel, load_stage_model

__all__ = ["simulate_continuum"]

_POSITIONS = np.array([-1.5, -0.5, 0.5, 1.5])


def simulate_continuum(
    n: int,
    *,
    seed: int = 0,
    trait: str = "normal",
    instrument: Instrument | None = None,
    model: StageModel | None = None,
    acquiescence_sd: float = 0.3,
    missing_rate: float = 0.03,
) -> pd.DataFrame:
    """``n`` respondents answering the stage and context items from a continuous trait.

    Parameters
    ----------
    trait : {"normal", "uniform"}
        Distribution of theta (both with mean 0 and SD 1).

    Returns
    -------
    pandas.DataFrame
        ``respondent_id``, ``theta`` and one column per stage or context item (raw answers 1-5,
        blank for missing).

    Examples
    --------
    >>> frame = simulate_continuum(50, seed=1, trait="uniform")
    >>> bool(frame["theta"].abs().max() <= 3 ** 0.5)
    True
    """
    if trait not in ("normal", "uniform"):
        raise ValueError(f"trait must be 'normal' or 'uniform', not {trait!r}")
    instrument = instrument or load_instrument()
    model = model or load_stage_model()
    rng = np.random.default_rng(seed)
    theta = rng.normal(size=n) if trait == "normal" else rng.uniform(-(3**0.5), 3**0.5, size=n)
    acquiescence = rng.normal(0.0, acquiescence_sd, size=n)
    curves = [np.polyfit(_POSITIONS, model.affinity[:, t], 2) for t in range(4)]
    columns: dict[str, np.ndarray] = {}
    for item in model.stage_items(instrument):
        assert item.stage is not None
        assert item.scale is not None
        slope = model.discrimination.get(item.kind, 1.0)
        direction = -1.0 if item.reverse else 1.0
        location = np.polyval(curves[item.stage - 1], theta) + direction * acquiescence
        below = expit(slope * (model.thresholds[None, :] - location[:, None]))  # P(x <= c)
        scored = 1 + (rng.random(n)[:, None] > below).sum(axis=1)
        raw = (item.scale.min + item.scale.max - scored if item.reverse else scored).astype(float)
        raw[rng.random(n) < missing_rate] = np.nan
        columns[item.id] = raw
    frame = pd.DataFrame(columns)
    frame.insert(0, "theta", theta)
    frame.insert(0, "respondent_id", [f"c{seed}-{i}" for i in range(n)])
    return frame
