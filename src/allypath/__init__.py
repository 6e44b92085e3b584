"""allypath: a diagnostic for gender-equity allyship at work.

The public Python API (docs/architecture.md)::

    import allypath
    instrument = allypath.load_instrument()
    responses = allypath.simulate(5000, seed=1)
    panel = allypath.simulate_panel(500, waves=("2026-Q1", "2026-Q2"), seed=1)  # the same men twice
    scored = allypath.score(responses)
    steps = allypath.recommend(scored.iloc[0].to_dict())
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from allypath.errors import (
    AllypathError,
    ConfigurationError,
    DataError,
    InstrumentError,
    ModelSyntaxError,
    PrivacyError,
    RequestProblem,
    StatsError,
)
from allypath.instrument import load_instrument
from allypath.recommendations import recommend
from allypath.scoring import score
from allypath.synth import simulate, simulate_panel

try:  # one source of truth: the version pyproject.toml gives the installed package
    __version__ = version("allypath")
except PackageNotFoundError:  # pragma: no cover - a source tree on sys.path without installing it
    __version__ = "0+unknown"

__all__ = [
    "AllypathError",
    "ConfigurationError",
    "DataError",
    "InstrumentError",
    "ModelSyntaxError",
    "PrivacyError",
    "RequestProblem",
    "StatsError",
    "__version__",
    "load_instrument",
    "recommend",
    "score",
    "simulate",
    "simulate_panel",
]
