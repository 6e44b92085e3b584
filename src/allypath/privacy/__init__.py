"""The one disclosure-control gate (DESIGN §6). Never imports Django.

Ask it per viewer: keep one :class:`DisclosureLedger` per role or user, pass every view through
:func:`release_view` (or :func:`release_trend` for changes between waves), and show only what it
lets through; hidden groups carry a machine-readable :class:`Reason`.
"""

from allypath.privacy.audit import Finding, find_small_derivable
from allypath.privacy.decision import Decision, Reason
from allypath.privacy.gate import decide_siblings, evaluate_view, release_trend, release_view
from allypath.privacy.groups import Group, describe, response_keys
from allypath.privacy.ledger import DisclosureLedger
from allypath.privacy.policy import K_FLOOR, PrivacyPolicy

__all__ = [
    "K_FLOOR",
    "Decision",
    "DisclosureLedger",
    "Finding",
    "Group",
    "PrivacyPolicy",
    "Reason",
    "decide_siblings",
    "describe",
    "evaluate_view",
    "find_small_derivable",
    "release_trend",
    "release_view",
    "response_keys",
]
