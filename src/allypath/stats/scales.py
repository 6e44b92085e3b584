"""The choices a scale's reliability rests on: which columns (and reverse keys) make an instrument
construct's scale, and how many group factors omega hierarchical is computed with."""

from __future__ import annotations

from typing import TYPE_CHECKING

from allypath.errors import StatsError
from allypath.stats._correlation import Missing
from allypath.stats.efa import max_identifiable_factors
from allypath.stats.reliability import omega

if TYPE_CHECKING:
    import pandas as pd

    from allypath.instrument import Instrument

__all__ = ["construct_keys", "omega_h_factors", "scale_omega_h"]


def construct_keys(instrument: Instrument, construct: str) -> list[str]:
    """The rating items of ``construct``, a reverse-keyed one written ``-id`` (psych's keys).

    Raises
    ------
    StatsError
        The construct is unknown (the constructs with a scale are named) or has fewer than two rating
        items.
    """
    try:
        found = instrument.construct(construct)
    except KeyError:
        scales = [c.id for c in instrument.constructs if sum(i.type == "likert" for i in c.items) >= 2]
        raise StatsError(
            f"unknown construct {construct!r}; constructs with a scale: {', '.join(scales)}"
        ) from None
    keys = [("-" if i.reverse else "") + i.id for i in found.items if i.type == "likert"]
    if len(keys) < 2:
        raise StatsError(
            f"construct {construct} has {len(keys)} rating item(s); reliability needs at least 2"
        )
    return keys


def omega_h_factors(k: int) -> int:
    """Group factors for omega hierarchical of ``k`` items: psych's default of 3, fewer when ``k`` items
    cannot identify 3 (omega hierarchical needs at least 2).

    >>> omega_h_factors(12), omega_h_factors(3)
    (3, 1)
    """
    return min(3, max_identifiable_factors(k))


def scale_omega_h(items: pd.DataFrame, missing: Missing = "pairwise") -> tuple[float | None, int]:
    """Omega hierarchical of a scale's (already keyed or not: the loadings' signs do not matter) items
    and the group factors it was computed with; ``None`` when there are too few items for two."""
    n_factors = omega_h_factors(items.shape[1])
    if n_factors < 2:
        return None, n_factors
    return omega(items, n_factors, missing=missing).omega_h, n_factors
