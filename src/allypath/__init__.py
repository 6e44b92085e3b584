"""allypath: a diagnostic for gender-equity allyship at work.

The public Python API (DESIGN §5)::

    import allypath
    instrument = allypath.load_instrument()
    responses = allypath.simulate(5000, seed=1)
    scored = allypath.score(responses)
"""

from __future__ import annotations

__version__ = "0.1.0"
