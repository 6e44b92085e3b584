"""The survey's answers on the web side: typed answers from a posted page, and a checked respondent's
answers as one row of the wide format. The rules themselves, and the check every path shares, are in
:mod:`allypath.instrument.answers`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from allypath.instrument import Instrument, Item
from allypath.instrument.answers import MAX_TEXT, AnswerError, check_answers

__all__ = ["MAX_TEXT", "AnswerError", "check_answers", "parse_posted", "wide_row"]


def parse_posted(post: Mapping[str, Any], items: tuple[Item, ...] | list[Item]) -> dict[str, object]:
    """Typed answers from an HTML form post (``q_<item_id>`` fields) for the items of one page.

    ``post`` is a QueryDict-like mapping with ``getlist``. A value that is not a number stays a string,
    so :func:`check_answers` reports it instead of it being silently dropped.
    """
    answers: dict[str, object] = {}
    for item in items:
        name = f"q_{item.id}"
        if item.type == "checklist":
            answers[item.id] = list(post.getlist(name))  # type: ignore[attr-defined]
            continue
        raw = post.get(name)
        if raw is None or raw == "":
            answers[item.id] = None
        elif item.type == "text":
            answers[item.id] = raw
        else:
            answers[item.id] = int(raw) if raw.lstrip("-").isdigit() else raw
    return answers


def wide_row(clean: Mapping[str, Any], form: Instrument) -> dict[str, object]:
    """One row of the wide format (docs/architecture.md) for scoring: checklists expand to 0/1 per option."""
    row: dict[str, object] = {}
    for item in form.items:
        value = clean.get(item.id)
        if item.type == "checklist":
            for option in item.options:
                row[f"{item.id}_{option.id}"] = None if value is None else int(option.id in value)
        else:
            row[item.id] = value
    return row
