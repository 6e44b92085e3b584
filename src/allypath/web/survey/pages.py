"""The survey as pages of a few questions, and each question ready for its template."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from allypath.instrument import Instrument, Item
from allypath.web.survey.answers import MAX_TEXT, AnswerError

__all__ = ["PAGE_SIZE", "Choice", "Question", "page_count", "page_items", "questions"]

PAGE_SIZE = 6  # a phone screen or two: short pages keep the sense of progress


def _pages(form: Instrument) -> list[tuple[Item, ...]]:
    items = form.items
    return [tuple(items[i : i + PAGE_SIZE]) for i in range(0, len(items), PAGE_SIZE)]


def page_count(form: Instrument) -> int:
    return len(_pages(form))


def page_items(form: Instrument, number: int) -> tuple[Item, ...]:
    """The items of page ``number`` (1-based); IndexError past the end."""
    if number < 1:
        raise IndexError(number)
    return _pages(form)[number - 1]


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    checked: bool
    input_id: str


@dataclass(frozen=True)
class Question:
    id: str
    number: int
    type: str
    text: str
    name: str
    choices: tuple[Choice, ...] = ()
    value: str = ""
    error: str = ""
    max_length: int = MAX_TEXT
    extra: dict[str, Any] = field(default_factory=dict)
    #: "Does not apply to me": one more radio of the same question, shown apart from the scale.
    not_applicable: Choice | None = None

    @property
    def error_id(self) -> str:
        return f"err-{self.id}"

    @property
    def hint_id(self) -> str:
        return f"hint-{self.id}"

    @property
    def first_input_id(self) -> str:
        """Where the error summary's link sends the focus."""
        return self.choices[0].input_id if self.choices else f"q-{self.id}"


def _choices(item: Item, language: str, current: object) -> tuple[Choice, ...]:
    if item.type == "likert":
        assert item.scale is not None
        anchors = item.scale.anchors
        values = range(item.scale.min, item.scale.max + 1)
        return tuple(
            Choice(
                str(v),
                anchors[v].get_lang(language) if v in anchors else str(v),
                current == v,
                f"q-{item.id}-{v}",
            )
            for v in values
        )
    if item.type == "single":
        return tuple(
            Choice(str(o.value), o.text.get_lang(language), current == o.value, f"q-{item.id}-{o.value}")
            for o in item.options
        )
    if item.type == "checklist":
        chosen = current if isinstance(current, list) else []
        return tuple(
            Choice(str(o.id), o.text.get_lang(language), o.id in chosen, f"q-{item.id}-{o.id}")
            for o in item.options
        )
    return ()


def _not_applicable(item: Item, language: str, current: object) -> Choice | None:
    option = item.not_applicable
    if option is None or option.value is None:
        return None
    return Choice(
        str(option.value),
        option.text.get_lang(language),
        not isinstance(current, bool) and current == option.value,
        f"q-{item.id}-na",
    )


def questions(
    items: tuple[Item, ...],
    language: str,
    answers: Mapping[str, object],
    errors: Mapping[str, str],
    first_number: int,
) -> list[Question]:
    """The page's questions with the saved (or just posted) answers and any error message."""
    out = []
    for offset, item in enumerate(items):
        current = answers.get(item.id)
        out.append(
            Question(
                id=item.id,
                number=first_number + offset,
                type=item.type,
                text=item.text.get_lang(language),
                name=f"q_{item.id}",
                choices=_choices(item, language, current),
                value=current if item.type == "text" and isinstance(current, str) else "",
                error=errors.get(item.id, ""),
                not_applicable=_not_applicable(item, language, current),
            )
        )
    return out


def error_messages(
    errors: list[AnswerError],
    words: Mapping[str, str],
    items: tuple[Item, ...] = (),
    language: str = "en",
) -> dict[str, str]:
    """Translated message per item id; an answer that cannot be combined with others is named, as the
    page shows it ("I am not sure" on one question, "None of these" on another)."""
    by_id = {item.id: item for item in items}
    out = {}
    for error in errors:
        template = words.get(f"err_{error.code}", words["err_other"])
        params = dict(error.params)
        if error.code == "exclusive":
            item = by_id.get(error.item)
            alone = [o.text.get_lang(language) for o in item.options if o.exclusive] if item else []
            if not alone:
                template = words["err_other"]
            params.setdefault("option", "”, “".join(alone))
        out[error.item] = template.format(**params)
    return out
