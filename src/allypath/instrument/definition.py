"""The instrument as immutable, typed objects (built by :mod:`allypath.instrument.loader`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from allypath.model.text import Text

__all__ = [
    "CONSTRUCT_KINDS",
    "ITEM_TYPES",
    "NOT_APPLICABLE",
    "SCORED_KINDS",
    "Column",
    "Construct",
    "Instrument",
    "Item",
    "Option",
    "Scale",
]

CONSTRUCT_KINDS = (
    "stage",
    "belief",
    "knowledge",
    "engagement",
    "barrier",
    "norm",
    "enabler",
    "behaviour",
    "context",
    "self_placement",
    "turning_point",
    "demographic",
    "open_text",
)
# Kinds whose likert items are averaged into a `score_<construct>` column. Self-placement, turning
# points, demographics and open text describe the person but are never scored into the stage.
SCORED_KINDS = frozenset(
    {
        "stage",
        "belief",
        "knowledge",
        "engagement",
        "barrier",
        "norm",
        "enabler",
        "behaviour",
        "context",
    }
)
ITEM_TYPES = ("likert", "single", "checklist", "text")
#: The stored answer "Does not apply to me" of an item that offers it (``not_applicable: true``): a
#: code below every scale that offers it, read as missing by scoring (docs/instrument-format.md).
NOT_APPLICABLE = 0


@dataclass(frozen=True, slots=True)
class Scale:
    """A numeric response scale with a label for every value."""

    key: str
    min: int
    max: int
    anchors: Mapping[int, Text]

    @property
    def midpoint(self) -> float:
        return (self.min + self.max) / 2


@dataclass(frozen=True, slots=True)
class Option:
    """One option of a single-choice (``value``) or checklist (``id``) item."""

    text: Text
    id: str | None = None
    value: int | None = None
    correct: bool | None = None
    exclusive: bool = False


@dataclass(frozen=True, slots=True)
class Item:
    """A question as the respondent sees it (a checklist is one item with several options)."""

    id: str
    construct: str
    kind: str
    type: str
    text: Text
    scale: Scale | None = None
    options: tuple[Option, ...] = ()
    stage: int | None = None
    reverse: bool = False
    context: str | None = None
    short: bool = False
    #: The extra answer "Does not apply to me" (value :data:`NOT_APPLICABLE`) where the item needs an
    #: opportunity the respondent may not have; None when the item does not offer it.
    not_applicable: Option | None = None

    def accepts_not_applicable(self, value: object) -> bool:
        """Whether ``value`` is this item's "does not apply to me" answer (scored as missing)."""
        return (
            self.not_applicable is not None
            and not isinstance(value, bool)
            and isinstance(value, int | float)
            and value == NOT_APPLICABLE
        )

    def column_ids(self) -> tuple[str, ...]:
        """The response columns of this item in the wide format (checklists expand per option)."""
        if self.type == "checklist":
            return tuple(f"{self.id}_{option.id}" for option in self.options)
        return (self.id,)

    @property
    def value_range(self) -> tuple[int, int] | None:
        """Allowed (min, max) of the answer, or None for free text."""
        if self.type == "likert" and self.scale is not None:
            return self.scale.min, self.scale.max
        if self.type == "single":
            values = [o.value for o in self.options if o.value is not None]
            return min(values), max(values)
        if self.type == "checklist":
            return 0, 1
        return None


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the wide response format."""

    id: str
    item: Item
    option: Option | None = None

    @property
    def min(self) -> int | None:
        r = self.item.value_range
        return None if r is None else r[0]

    @property
    def max(self) -> int | None:
        r = self.item.value_range
        return None if r is None else r[1]

    @property
    def is_text(self) -> bool:
        return self.item.type == "text"


@dataclass(frozen=True, slots=True)
class Construct:
    id: str
    kind: str
    label: Text
    items: tuple[Item, ...]
    stage: int | None = None
    context: str | None = None

    @property
    def scored(self) -> bool:
        return self.kind in SCORED_KINDS and any(i.type == "likert" for i in self.items)


@dataclass(frozen=True)
class Instrument:
    """A validated, versioned instrument. Build it with :func:`allypath.load_instrument`."""

    id: str
    version: str
    languages: tuple[str, ...]
    title: Text
    scales: Mapping[str, Scale]
    constructs: tuple[Construct, ...]
    source: str = field(default="", compare=False)

    @cached_property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for c in self.constructs for item in c.items)

    @cached_property
    def columns(self) -> tuple[Column, ...]:
        cols: list[Column] = []
        for item in self.items:
            if item.type == "checklist":
                cols.extend(Column(f"{item.id}_{o.id}", item, o) for o in item.options)
            else:
                cols.append(Column(item.id, item))
        return tuple(cols)

    @cached_property
    def _items_by_id(self) -> dict[str, Item]:
        return {i.id: i for i in self.items}

    @cached_property
    def _constructs_by_id(self) -> dict[str, Construct]:
        return {c.id: c for c in self.constructs}

    @cached_property
    def _columns_by_id(self) -> dict[str, Column]:
        return {c.id: c for c in self.columns}

    def item(self, item_id: str) -> Item:
        return self._items_by_id[item_id]

    def construct(self, construct_id: str) -> Construct:
        return self._constructs_by_id[construct_id]

    def column(self, column_id: str) -> Column:
        return self._columns_by_id[column_id]

    def has_column(self, column_id: str) -> bool:
        return column_id in self._columns_by_id

    def constructs_of(self, kind: str) -> tuple[Construct, ...]:
        return tuple(c for c in self.constructs if c.kind == kind)

    def unknown_item_columns(self, columns: Iterable[str]) -> list[str]:
        """Columns that look like items of this instrument but are not in it (a typo or another version).

        A column looks like an item when it shares an item's letter prefix and ends in digits (``ap9``
        beside ``ap1``..``ap8``) or extends a checklist item with an unknown option (``kc_bogus``).
        Everything else is an attribute column and is carried through unchanged.
        """
        prefixes = self._item_prefixes
        checklists = {item.id for item in self.items if item.type == "checklist"}
        unknown = []
        for name in columns:
            if self.has_column(name):
                continue
            match = re.fullmatch(r"([a-z_]+?)(\d+)", name)
            if match and match.group(1) in prefixes:
                unknown.append(name)
                continue
            head = name.split("_", 1)[0]
            if "_" in name and head in checklists:
                unknown.append(name)
        return unknown

    @cached_property
    def _item_prefixes(self) -> frozenset[str]:
        return frozenset(re.sub(r"\d+$", "", item.id) for item in self.items if re.search(r"\d$", item.id))

    @cached_property
    def contexts(self) -> tuple[str, ...]:
        return tuple(c.context for c in self.constructs if c.kind == "context" and c.context)

    def form(self, name: str = "full") -> Instrument:
        """The instrument restricted to one form: ``full`` or ``short`` (the pulse form)."""
        if name == "full":
            return self
        if name != "short":
            raise KeyError(f"unknown form {name!r}; forms are 'full' and 'short'")
        return self._short_form

    @cached_property
    def _short_form(self) -> Instrument:
        constructs = []
        for c in self.constructs:
            kept = tuple(i for i in c.items if i.short)
            if kept:
                constructs.append(Construct(c.id, c.kind, c.label, kept, stage=c.stage, context=c.context))
        return Instrument(
            id=self.id,
            version=f"{self.version}+short",
            languages=self.languages,
            title=self.title,
            scales=self.scales,
            constructs=tuple(constructs),
            source=self.source,
        )

    def to_export_dict(self) -> dict[str, Any]:
        """The JSON contract of ``allypath instrument export`` (docs/architecture.md)."""
        items: list[dict[str, Any]] = []
        for col in self.columns:
            item = col.item
            text = col.option.text if col.option is not None else item.text
            if col.option is not None:
                text = Text(
                    {
                        lang: f"{item.text.get_lang(lang)} — {col.option.text.get_lang(lang)}"
                        for lang in self.languages
                    }
                )
            rng = item.value_range
            na = item.not_applicable
            items.append(
                {
                    "id": col.id,
                    "construct": item.construct,
                    "stage": item.stage,
                    "reverse": item.reverse,
                    "context": item.context,
                    "scale": None if rng is None else {"min": rng[0], "max": rng[1]},
                    "text": {lang: text.get_lang(lang) for lang in self.languages},
                    # the extra answer "does not apply to me": its stored value and label, or null
                    "not_applicable": None
                    if na is None
                    else {
                        "value": NOT_APPLICABLE,
                        "text": {lang: na.text.get_lang(lang) for lang in self.languages},
                    },
                }
            )
        return {
            "id": self.id,
            "version": self.version,
            "languages": list(self.languages),
            "constructs": [
                {"id": c.id, "kind": c.kind, "label": c.label.get_lang("en")} for c in self.constructs
            ],
            "items": items,
        }
