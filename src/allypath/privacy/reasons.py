"""Why a cell is hidden, in plain words (the release's reason codes), and commenter counts as bands."""

from __future__ import annotations

from allypath.privacy.policy import PrivacyPolicy

__all__ = ["comment_band", "plain_reason"]

_REASONS = {
    "below_k": "fewer than {k} people",
    "complementary": "hidden so that a smaller group cannot be worked out",
    "not_declared": (
        "this combination is not among the breakdowns the organisation publishes; an organisation "
        "admin can add it"
    ),
    "not_declared_wave": (
        "this breakdown was added after this wave's figures were first published; it is published "
        "for later waves"
    ),
    "pooled": "figures are published per wave; choose one wave",
    "bands": "shown in two bands (early and later stages) so that no one's stage can be worked out",
    "attribute": "the stage split is hidden so that no one's stage can be worked out",
    "open_wave": "results appear when the wave closes: while answers arrive, each new figure would "
    "single out the newest responses",
    "below_k_text": "fewer than {k_text} people wrote comments",
    "comment_overlap": "hidden so that the comments of a smaller group cannot be singled out",
    "below_k_answers": "fewer than {k} people answered these questions",
    "complementary_answers": "hidden so that the answers of a smaller group cannot be worked out",
    "answer_split": "hidden so that no one's answer can be worked out",
}


def plain_reason(code: str, policy: PrivacyPolicy) -> str:
    """The reason ``code`` in plain words (empty for no reason)."""
    if not code:
        return ""
    return _REASONS.get(code, "hidden by the privacy rules").format(k=policy.k, k_text=policy.k_text)


def comment_band(commenters: int, k_text: int) -> str:
    """Commenters as a band, never exact: "10 to 19", "20 to 49", "50 or more" (for k_text 10)."""
    edges = (k_text, 2 * k_text, 5 * k_text)
    if commenters >= edges[2]:
        return f"{edges[2]} or more"
    if commenters >= edges[1]:
        return f"{edges[1]} to {edges[2] - 1}"
    return f"{edges[0]} to {edges[1] - 1}"
