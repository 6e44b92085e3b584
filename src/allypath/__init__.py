"""allypath: a diagnostic for gender-equity allyship at work.

The public Python API (docs/architecture.md)::

    import allypath
    instrument = allypath.load_instrument()
    responses = allypath.simulate(5000, seed=1)
    scored = allypath.score(responses)
    steps = allypath.recommend(scored.iloc[0].to_dict())
"""

from __future__ import annotations

from allypath.errors import AllypathError, DataError, InstrumentError
from allypath.instrument import load_instrument
from allypath.recommendations import recommend
from allypath.scoring import score
from allypath.synth import simulate

__version__ = "0.1.0"

__all__ = [
    "AllypathError",
    "DataError",
    "InstrumentError",
    "__version__",
    "load_instrument",
    "recommend",
    "score",
    "simulate",
]
