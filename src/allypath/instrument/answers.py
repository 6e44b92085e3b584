"""The answer rules of a form, in one table, and the checks built on it: one respondent's answers
(:func:`check_answers`: the survey's pages, the API) and a wide table of many (:func:`check_wide`: file
imports, vectorised). Scoring reads the same table (:func:`answer_rules`) in
:mod:`allypath.scoring.answers`.

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
from typing import TYPE_CHECKING, Any

import numpy as np

from allypath._written import as_written
from allypath.instrument.definition import NOT_APPLICABLE, Instrument, Item

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "MAX_TEXT",
    "AnswerError",
    "AnswerRules",
    "answer_rules",
    "check_answers",
    "check_wide",
    "explains_zero",
]

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
        return None, AnswerError(item.id, "not_whole", f"must be a whole number, got {as_written(value)}")
    if isinstance(value, float) and not value.is_integer():
        return None, AnswerError(item.id, "not_whole", f"must be a whole number, got {as_written(value)}")
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


# -- the rule table --------------------------------------------------------------------------------------


def explains_zero(item: Item, lo: int | None, not_applicable: bool) -> bool:
    """Whether a 0 on this item gets the reason that "does not apply to me" is not offered here."""
    return item.type == "likert" and not not_applicable and lo is not None and lo > NOT_APPLICABLE


@dataclass(frozen=True)
class AnswerRules:
    """A form's answer rules as one constant per column of the wide format (``form.columns`` order),
    so that whole columns or whole rows are checked in a few array operations."""

    position: dict[str, int]
    lo: np.ndarray  # float64 scale minimum, -inf where the column has no scale (free text)
    hi: np.ndarray  # float64 scale maximum, +inf where the column has no scale
    not_applicable: np.ndarray  # bool: "does not apply to me" (0) is an answer, scored as missing
    explain_zero: np.ndarray  # bool: a 0 here gets the reason that "does not apply" is not offered


_RULES: dict[int, tuple[Instrument, AnswerRules]] = {}


def answer_rules(form: Instrument) -> AnswerRules:
    """The rule table of ``form`` (built once per form object)."""
    hit = _RULES.get(id(form))
    if hit is not None and hit[0] is form:
        return hit[1]
    columns = form.columns
    ranged = [c.min is not None and c.max is not None for c in columns]
    offered = [c.item.not_applicable is not None for c in columns]
    rules = AnswerRules(
        position={c.id: j for j, c in enumerate(columns)},
        lo=np.array([c.min if r else -np.inf for c, r in zip(columns, ranged, strict=True)], dtype=float),
        hi=np.array([c.max if r else np.inf for c, r in zip(columns, ranged, strict=True)], dtype=float),
        not_applicable=np.array(offered, dtype=bool),
        explain_zero=np.array(
            [r and explains_zero(c.item, c.min, o) for c, r, o in zip(columns, ranged, offered, strict=True)],
            dtype=bool,
        ),
    )
    if len(_RULES) > 32:
        _RULES.clear()
    _RULES[id(form)] = (form, rules)
    return rules


# -- many respondents at once: a wide table --------------------------------------------------------------


def _blank_cells(column: pd.Series) -> np.ndarray:
    text = column.astype("string").str.strip()
    return (text.isna() | (text == "")).to_numpy(dtype=bool)


def _check_numbers(item: Item, column: pd.Series, found: dict[int, dict[str, Any]]) -> None:
    import pandas as pd

    blank = _blank_cells(column)
    values = pd.to_numeric(column.mask(blank), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    given = ~blank
    # An infinity (a Parquet file can hold one) is not a whole number either: int() of it would raise.
    fraction = given & ~np.isnan(values) & ((values != np.rint(values)) | np.isinf(values))
    for row in np.flatnonzero(fraction | (given & np.isnan(values))):
        shown = as_written(column.iloc[row] if np.isnan(values[row]) else values[row])
        found[int(row)][item.id] = AnswerError(item.id, "not_whole", f"must be a whole number, got {shown}")
    whole = given & ~fraction & ~np.isnan(values)
    if item.type == "likert":
        assert item.scale is not None
        lo, hi = item.scale.min, item.scale.max
        refused = whole & ((values < lo) | (values > hi))
        if item.not_applicable is not None:
            refused &= values != NOT_APPLICABLE
        for row in np.flatnonzero(refused):
            number = int(values[row])
            found[int(row)][item.id] = AnswerError(
                item.id,
                "out_of_range",
                f"must be between {lo} and {hi}, got {number}",
                {"min": lo, "max": hi},
            )
        return
    allowed = sorted(o.value for o in item.options if o.value is not None)
    for row in np.flatnonzero(whole & ~np.isin(values, allowed)):
        found[int(row)][item.id] = AnswerError(
            item.id, "not_an_option", f"must be one of {', '.join(map(str, allowed))}, got {int(values[row])}"
        )


def _check_ticks(item: Item, frame: pd.DataFrame, found: dict[int, dict[str, Any]]) -> None:
    import pandas as pd

    names = [f"{item.id}_{o.id}" for o in item.options]
    cells = {
        name: frame[name] if name in frame.columns else pd.Series(None, index=frame.index) for name in names
    }
    answered = np.zeros(len(frame), dtype=bool)
    ticked = np.zeros((len(frame), len(names)), dtype=bool)
    for j, name in enumerate(names):
        answered |= ~_blank_cells(cells[name])
        values = pd.to_numeric(cells[name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        ticked[:, j] = values == 1.0
    exclusive = np.array([o.exclusive for o in item.options], dtype=bool)
    clash = answered & (ticked & exclusive).any(axis=1) & (ticked.sum(axis=1) > 1)
    for row in np.flatnonzero(clash):
        first = next(o.id for o, t, e in zip(item.options, ticked[row], exclusive, strict=True) if t and e)
        found[int(row)][item.id] = AnswerError(
            item.id, "exclusive", f"{first!r} cannot be combined with other options"
        )


def _check_texts(item: Item, column: pd.Series, found: dict[int, dict[str, Any]]) -> None:
    blank = _blank_cells(column)
    text = column.astype("string").str.strip()
    control = text.str.contains(_CONTROL, na=False).to_numpy(dtype=bool)
    invalid = text.map(_not_utf8, na_action="ignore").fillna(False).to_numpy(dtype=bool)
    length = text.str.len().fillna(0).to_numpy(dtype=int)
    for row in np.flatnonzero(~blank & (invalid | control | (length > MAX_TEXT))):
        found[int(row)][item.id] = _check_text(item, str(column.iloc[row]))[1]


def _not_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def check_wide(
    frame: pd.DataFrame, form: Instrument, items: set[str] | None = None
) -> list[list[AnswerError]]:
    """Every row's bad answers in a wide table (docs/architecture.md), column by column, with the same
    codes and reasons :func:`check_answers` gives the same answers one respondent at a time.

    ``items`` limits the check to those items (default: every item of ``form`` with a column). Returns
    one list per row, in the form's item order (empty where the row is fine).
    """
    found: dict[int, dict[str, Any]] = {row: {} for row in range(len(frame))}
    for item in form.items:
        if items is not None and item.id not in items:
            continue
        if item.type == "checklist":
            _check_ticks(item, frame, found)
        elif item.id not in frame.columns:
            continue
        elif item.type == "text":
            _check_texts(item, frame[item.id], found)
        else:
            _check_numbers(item, frame[item.id], found)
    order = {item.id: n for n, item in enumerate(form.items)}
    return [sorted(found[row].values(), key=lambda e: order[e.item]) for row in range(len(frame))]
