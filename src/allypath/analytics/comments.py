"""Open-text comments, only where the organisation's release publishes them (docs/privacy.md).

A group's comment list is shown when the release shows it: at least ``k_text`` people wrote, and no
two lists shown anywhere in the organisation differ in fewer than ``k_text`` commenters (lists can
be compared line by line). Commenters are counted among usable responses, as every view counts,
and shown as a band ("10 to 19"), never exactly. Comments come as bare text (no id, date or other
column) in an order shuffled per request (seeded, so a page can be reproduced).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from allypath.analytics._gating import by_columns, filtered, placed, require, split, view_release
from allypath.privacy import Decision, PrivacyPolicy, Reason, Release
from allypath.privacy.decision import hidden, shown

__all__ = ["COMMENT_COLUMNS", "CommentSet", "comments"]

COMMENT_COLUMNS = ("ot1", "ot2")
_REASONS = {
    "below_k": Reason.BELOW_K,
    "complementary": Reason.COMPLEMENTARY,
    "below_k_text": Reason.BELOW_K_TEXT,
}


@dataclass(frozen=True)
class CommentSet:
    """The comments of one group: ``texts`` is empty when ``decision`` hides them.

    ``band`` is how many people wrote, as a band (empty when hidden).
    """

    group: str
    values: dict[str, Hashable]
    decision: Decision
    texts: tuple[str, ...]
    band: str = ""


def comments(
    responses: pd.DataFrame,
    by: str | Sequence[str],
    *,
    seed: int,
    release: Release | None = None,
    policy: PrivacyPolicy | None = None,
    filters: Mapping[str, Hashable] | None = None,
    columns: Sequence[str] = COMMENT_COLUMNS,
) -> list[CommentSet]:
    """Non-blank comments per group, shuffled with ``seed``, where the release shows them."""
    require(responses, list(columns))
    filters = dict(filters or {})
    usable = placed(responses)
    if release is None:
        release = view_release(usable, by_columns(by), filters, policy)
    frame = filtered(usable, filters)
    rng = np.random.default_rng(seed)
    out = []
    for values, label, index in split(frame, by_columns(by), filters):
        cell = release.cell({**filters, **values})
        texts: list[str] = []
        if cell.comments:
            decision = shown(cell.n or 0)
            rows = frame.iloc[index]
            for column in columns:
                text = rows[column].astype("string").str.strip()
                texts.extend(str(t) for t in text[text.notna() & (text != "")])
            texts = [texts[i] for i in rng.permutation(len(texts))]
        else:
            code = cell.comment_reason or cell.reason
            reason = _REASONS.get(code, Reason.NOT_PUBLISHED)
            decision = hidden(0, reason, release.message(code, cell.wave))
        out.append(CommentSet(label, values, decision, tuple(texts), cell.comment_band))
    return out
