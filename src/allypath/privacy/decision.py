"""What the gate answers: a :class:`Decision` per group, with a machine-readable :class:`Reason`."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Decision", "Reason"]


class Reason(StrEnum):
    """Why a group is hidden. The values are stable: dashboards, exports and the API carry them."""

    BELOW_K = "below_k"
    COMPLEMENTARY = "complementary"
    DIFFERENCING = "differencing"
    TREND = "trend"
    BELOW_K_TEXT = "below_k_text"
    NOT_PUBLISHED = "not_published"


_MESSAGES: dict[str, str] = {
    Reason.BELOW_K: "hidden: fewer respondents than the minimum group size",
    Reason.COMPLEMENTARY: (
        "hidden: shown alone it would let a smaller hidden group be worked out by subtraction"
    ),
    Reason.DIFFERENCING: (
        "hidden: combined with figures already shown to this viewer it would single out fewer "
        "respondents than the minimum group size"
    ),
    Reason.TREND: "hidden: the group does not pass the privacy rules on both waves",
    Reason.BELOW_K_TEXT: "hidden: fewer respondents than the minimum group size for comments",
    Reason.NOT_PUBLISHED: "hidden: not among the figures the organisation publishes",
}


@dataclass(frozen=True, slots=True)
class Decision:
    """Whether one group may be shown to one viewer, and if not, why.

    Attributes
    ----------
    n : int
        Respondents in the group (never shown when the group is hidden).
    visible : bool
        True when every rule passes.
    reason : str
        ``""`` when visible, else a :class:`Reason` value (``below_k``, ``complementary``,
        ``differencing``, ``trend``, ``below_k_text``).
    detail : str
        A specific explanation, e.g. which earlier view it would combine with; empty for the
        standard wording.
    conflicts : tuple of str
        Labels of earlier released groups this one would combine with (differencing only).
    """

    n: int
    visible: bool
    reason: str = ""
    detail: str = ""
    conflicts: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        """Plain-words explanation for a hidden group; empty when visible."""
        if self.visible:
            return ""
        if self.detail:
            return self.detail
        return _MESSAGES.get(self.reason, "hidden")

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form for the API: the size is left out when the group is hidden."""
        return {
            "visible": self.visible,
            "n": self.n if self.visible else None,
            "reason": self.reason or None,
            "message": self.message or None,
            "conflicts": list(self.conflicts),
        }


def shown(n: int) -> Decision:
    """The decision for a group every rule lets through."""
    return Decision(n, True)


def hidden(n: int, reason: Reason, detail: str = "", conflicts: tuple[str, ...] = ()) -> Decision:
    """The decision for a group hidden by ``reason``."""
    return Decision(n, False, reason.value, detail, conflicts)
