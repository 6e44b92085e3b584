"""Groups as the gate sees them: a label and the set of responses in it.

A group is identified by its members, not by its description: a description such as
``unit=Sales`` names different people as responses arrive, and the disclosure ledger must notice
when "the same" filter now covers one more respondent. Members are 64-bit keys hashed from the
response ids, so any engine (pandas, DuckDB, Spark) can produce them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["Group", "describe", "response_keys"]


def response_keys(ids: Iterable[object] | pd.Series) -> np.ndarray:
    """Stable 64-bit keys for response ids (the same id always gives the same key).

    Ids are compared as text, so ``7`` and ``"7"`` are the same response.
    """
    if isinstance(ids, pd.Series):
        values = ids.astype("string").fillna("<NA>").to_numpy(dtype=object)  # pragma: no mutate
    else:
        values = np.array([str(i) for i in ids], dtype=object)
    return pd.util.hash_array(values, categorize=False).astype(np.uint64, copy=False)  # pragma: no mutate


def describe(filters: Mapping[str, object]) -> str:
    """Canonical label of a filter, independent of the order its parts were given in.

    Examples
    --------
    >>> describe({"wave": "2026-Q1", "unit": "Sales"})
    'unit=Sales & wave=2026-Q1'
    """
    if not filters:
        return "everyone"
    return " & ".join(f"{name}={filters[name]}" for name in sorted(filters))


@dataclass(frozen=True, slots=True, eq=False)
class Group:
    """A candidate group: ``label`` describes it to people, ``keys`` are its members (unique, sorted).

    Build it with :meth:`from_ids` (response ids) or :meth:`from_keys` (keys already hashed).
    """

    label: str
    keys: np.ndarray

    @classmethod
    def from_keys(cls, label: str, keys: Iterable[int] | np.ndarray, *, distinct: bool = False) -> Group:
        """A group of the given keys; ``distinct=True`` promises no key repeats (only sorts)."""
        array = np.asarray(keys, dtype=np.uint64)  # pragma: no mutate
        array = np.sort(array) if distinct else np.unique(array)
        array.flags.writeable = False
        return cls(label, array)

    @classmethod
    def from_ids(cls, label: str, ids: Iterable[object] | pd.Series) -> Group:
        return cls.from_keys(label, response_keys(ids))

    @property
    def n(self) -> int:
        """Number of responses in the group."""
        return int(self.keys.size)

    def __repr__(self) -> str:
        return f"Group({self.label!r}, n={self.n})"
