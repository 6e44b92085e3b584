"""Score one submission with the core (``allypath.score`` on a one-row table) into JSON-safe values."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

import allypath
from allypath.instrument import Instrument
from allypath.web.survey.answers import wide_row

__all__ = ["score_one"]


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def score_one(clean: Mapping[str, Any], instrument: Instrument, form: str) -> dict[str, Any]:
    """The scored-output row (DESIGN §5) for one respondent's clean answers."""
    active = instrument.form(form)
    row = wide_row(clean, active)
    frame = pd.DataFrame([row], columns=list(row))
    text_columns = [c.id for c in active.columns if c.is_text]
    numeric = [c for c in frame.columns if c not in text_columns]
    frame[numeric] = frame[numeric].astype("float64")
    scored = allypath.score(frame.drop(columns=text_columns), instrument, form=form, on_error="mark")
    result = {str(k): _plain(v) for k, v in scored.iloc[0].to_dict().items()}
    # The wide answers are stored separately; keep only the scored columns here.
    return {k: v for k, v in result.items() if not active.has_column(k)}
