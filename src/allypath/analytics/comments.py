"""Open-text comments, only for groups of at least ``k_text`` respondents (DESIGN §6.1).

Comments are returned as bare text: no respondent id, date, wave or any other column, and in an
order shuffled per request (seeded, so a page can be reproduced), never the order of submission.
The viewer's ledger also keeps comment lists from overlapping in fewer than ``k_text`` people,
since verbatim lists can be compared line by line.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from allypath.analytics._gating import by_columns, filtered, ledger_for, require, split
from allypath.privacy import Decision, DisclosureLedger, Group, PrivacyPolicy

__all__ = ["COMMENT_COLUMNS", "CommentSet", "comments"]

COMMENT_COLUMNS = ("ot1", "ot2")


@dataclass(frozen=True)
class CommentSet:
    """The comments of one group: ``texts`` is empty when ``decision`` hides them."""

    group: str
    values: dict[str, Hashable]
    decision: Decision
    texts: tuple[str, ...]


def comments(
    responses: pd.DataFrame,
    by: str | Sequence[str],
    *,
    seed: int,
    ledger: DisclosureLedger | None = None,
    policy: PrivacyPolicy | None = None,
    filters: Mapping[str, Hashable] | None = None,
    columns: Sequence[str] = COMMENT_COLUMNS,
) -> list[CommentSet]:
    """Non-blank comments per group, shuffled with ``seed``, for groups the gate allows.

    A group's size is its respondents (all rows, answered or not), so a group of 30 with two
    comments is allowed while a group of 8 is not, however many wrote.
    """
    chosen = ledger_for(ledger, policy)
    require(responses, list(columns))
    frame = filtered(responses, dict(filters or {}))
    rng = np.random.default_rng(seed)
    out = []
    for values, label, index, keys in split(frame, by_columns(by), dict(filters or {})):
        rows = frame.iloc[index]
        group = Group.from_keys(label, keys, distinct=True)
        decision = chosen.ask_comments(group)
        texts: list[str] = []
        if decision.visible:
            chosen.record_comments([group], "comments")
            for column in columns:
                text = rows[column].astype("string").str.strip()
                texts.extend(str(t) for t in text[text.notna() & (text != "")])
            texts = [texts[i] for i in rng.permutation(len(texts))]
        out.append(CommentSet(label, values, decision, tuple(texts)))
    return out
