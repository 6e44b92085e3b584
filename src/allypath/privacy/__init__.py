"""The one disclosure-control door (docs/privacy.md). Never imports Django.

Solve the organisation's publication once with :func:`solve_release` over its declared
:class:`Breakdown` tables; every view then reads its cells from the :class:`Release`, so a figure
depends on the data and the declared set only, never on who looked before or from which account.
Hidden cells carry a plain reason.
"""

from allypath.privacy.audit import Finding, find_small_derivable
from allypath.privacy.breakdowns import Breakdown, default_breakdowns, parse_breakdowns
from allypath.privacy.decision import Decision, Reason
from allypath.privacy.groups import describe
from allypath.privacy.policy import K_FLOOR, PrivacyPolicy
from allypath.privacy.release import (
    PublishedCell,
    Release,
    finest_cells,
    plain_reason,
    solve_answerers,
    solve_release,
)

__all__ = [
    "K_FLOOR",
    "Breakdown",
    "Decision",
    "Finding",
    "PrivacyPolicy",
    "PublishedCell",
    "Reason",
    "Release",
    "default_breakdowns",
    "describe",
    "find_small_derivable",
    "finest_cells",
    "parse_breakdowns",
    "plain_reason",
    "solve_answerers",
    "solve_release",
]
