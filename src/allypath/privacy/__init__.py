"""The one disclosure-control gate (DESIGN §6). Never imports Django."""

from allypath.privacy.gate import Decision, decide_siblings
from allypath.privacy.policy import K_FLOOR, PrivacyPolicy

__all__ = ["K_FLOOR", "Decision", "PrivacyPolicy", "decide_siblings"]
