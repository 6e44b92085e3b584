"""numpy and pandas values as plain Python, for JSON, templates and the database.

One rule everywhere: numpy scalars become Python ones, and a missing value (``None``, ``pd.NA``,
``pd.NaT``, NaN) or a non-finite number becomes ``None`` (JSON has no NaN or infinity).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["plain", "plain_deep", "records"]


def plain(value: Any) -> Any:
    """One cell as plain Python: numpy scalars unwrapped, missing and non-finite numbers ``None``."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def plain_deep(value: Any) -> Any:
    """:func:`plain` through dicts (keys as strings), lists and tuples (as lists)."""
    if isinstance(value, dict):
        return {str(k): plain_deep(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain_deep(v) for v in value]
    return plain(value)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain dicts with ``None`` for every missing value (templates and JSON)."""
    return [{str(k): plain(v) for k, v in row.items()} for row in frame.to_dict("records")]
