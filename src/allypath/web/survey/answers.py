"""Check one respondent's answers against the items of his wave's form.

Answers arrive as ``{item_id: value}``: a whole number on the item's scale (likert) or one of its
option values (single choice), a list of option ids (checklist) or a string (open text). A likert
item that offers "Does not apply to me" also takes :data:`~allypath.instrument.NOT_APPLICABLE` (0),
which is stored as given and scored as missing; no other item takes it. Every question may be skipped
(absent, ``null`` or ``""``). Each problem is reported with the field it is in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from allypath.instrument import Instrument, Item

__all__ = ["MAX_TEXT", "AnswerError", "check_answers", "parse_posted", "wide_row"]

MAX_TEXT = 2000  # characters of one open-text answer
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # line breaks and tabs are fine


@dataclass(frozen=True)
class AnswerError:
    """One bad answer: ``field`` is ``answers.<item_id>``; ``code`` keys a translated message."""

    item: str
    code: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def field(self) -> str:
        return f"answers.{self.item}"


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _check_number(item: Item, value: object) -> tuple[int | None, AnswerError | None]:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None, AnswerError(item.id, "not_whole", f"must be a whole number, got {value!r}")
    if isinstance(value, float) and not value.is_integer():
        return None, AnswerError(item.id, "not_whole", f"must be a whole number, got {value!r}")
    number = int(value)
    if item.type == "likert":
        assert item.scale is not None
        lo, hi = item.scale.min, item.scale.max
        if item.accepts_not_applicable(number):
            return number, None
        if not lo <= number <= hi:
            return None, AnswerError(
                item.id,
                "out_of_range",
                f"must be between {lo} and {hi}, got {number}",
                {"min": lo, "max": hi},
            )
        return number, None
    allowed = [o.value for o in item.options if o.value is not None]
    if number not in allowed:
        return None, AnswerError(
            item.id, "not_an_option", f"must be one of {', '.join(map(str, sorted(allowed)))}, got {number}"
        )
    return number, None


def _check_checklist(item: Item, value: object) -> tuple[list[str] | None, AnswerError | None]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None, AnswerError(item.id, "not_list", "must be a list of option ids")
    known = {o.id: o for o in item.options}
    unknown = [v for v in value if v not in known]
    if unknown:
        return None, AnswerError(
            item.id,
            "not_an_option",
            f"unknown option(s) {', '.join(unknown)}; options are {', '.join(str(k) for k in known)}",
        )
    if len(set(value)) != len(value):
        return None, AnswerError(item.id, "duplicate", "an option is listed twice")
    exclusive = [v for v in value if known[v].exclusive]
    if exclusive and len(value) > 1:
        return None, AnswerError(
            item.id, "exclusive", f"{exclusive[0]!r} cannot be combined with other options"
        )
    return [o.id for o in item.options if o.id in value], None  # type: ignore[misc]


def _check_text(item: Item, value: object) -> tuple[str | None, AnswerError | None]:
    if not isinstance(value, str):
        return None, AnswerError(item.id, "not_text", "must be text")
    text = value.strip()
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: no database or encoder takes it
        return None, AnswerError(item.id, "invalid_text", "contains characters that are not valid text")
    if _CONTROL.search(text):  # NUL cannot be stored by PostgreSQL; none of these is ever typed
        return None, AnswerError(item.id, "control_characters", "contains control characters")
    if len(text) > MAX_TEXT:
        return None, AnswerError(
            item.id, "too_long", f"is {len(text)} characters; the limit is {MAX_TEXT}", {"max": MAX_TEXT}
        )
    return text, None


def check_answers(
    answers: Mapping[str, object], form: Instrument
) -> tuple[dict[str, Any], list[AnswerError]]:
    """Clean answers (skipped questions left out) and every problem found, in the form's item order."""
    if not isinstance(answers, Mapping):
        return {}, [AnswerError("", "not_object", "answers must be an object {item_id: value}")]
    known = {item.id for item in form.items}
    errors = [
        AnswerError(str(key), "unknown_item", "is not a question of this survey")
        for key in answers
        if key not in known
    ]
    clean: dict[str, Any] = {}
    result: object
    for item in form.items:
        if item.id not in answers or _is_blank(answers[item.id]):
            continue
        value = answers[item.id]
        if item.type == "checklist":
            result, error = _check_checklist(item, value)
        elif item.type == "text":
            result, error = _check_text(item, value)
        else:
            result, error = _check_number(item, value)
        if error is not None:
            errors.append(error)
        else:
            clean[item.id] = result
    return clean, errors


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
