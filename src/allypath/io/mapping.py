"""Import mappings: which source column answers which item, and how its values become scale values.

A mapping is a small YAML file a person can read and review (the format is documented in
``docs/import-mapping.md``). :func:`allypath.io.detect_mapping` proposes one; this module loads,
validates and writes them; :func:`allypath.io.apply_mapping` applies one.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import yaml

from allypath._yaml import UniqueKeyLoader
from allypath.errors import DataError
from allypath.io._records import squash
from allypath.io._text import atomic_path

__all__ = [
    "ItemKind",
    "ItemMapping",
    "Mapping",
    "dump_mapping",
    "load_mapping",
    "save_mapping",
    "value_key",
]

ItemKind = Literal["scale", "checklist", "text"]
_ITEM_KINDS = ("scale", "checklist", "text")
_TOP_KEYS = frozenset(
    {
        "instrument",
        "version",
        "source_format",
        "respondent_id",
        "attributes",
        "missing",
        "required",
        "keep_unmapped",
        "items",
        "unmatched",
    }
)
_ITEM_KEYS = frozenset({"type", "column", "columns", "values", "range", "split", "checked", "missing"})
# Written by detect_mapping for the reviewer; accepted and ignored when applying.
_REVIEW_KEYS = frozenset({"confidence", "value_confidence", "source_text", "note"})


class _Loader(UniqueKeyLoader):
    """YAML 1.2 booleans: only true/false. ``Yes``, ``No``, ``on`` stay text (answer labels). A key
    given twice is refused (:class:`~allypath._yaml.UniqueKeyLoader`)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def value_key(value: Any) -> str:
    """The form in which source values and mapping keys are compared.

    Numbers compare by value (``1``, ``1.0`` and ``"1"`` are the same key); text compares
    case-insensitively with runs of white space collapsed (``"Strongly  agree"`` = ``"strongly
    agree"``). Missing is ``""``.
    """
    if value is None:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        number = float(value)
        if math.isnan(number):
            return ""
        return str(int(number)) if number.is_integer() else repr(number)
    text = squash(str(value)).casefold()
    try:
        number = float(text)
    except ValueError:
        return text
    return value_key(number) if math.isfinite(number) else text


@dataclass(frozen=True)
class ItemMapping:
    """How one item's answers are read from the source.

    Parameters
    ----------
    item : str
        The instrument item id (the output column, or the stem of a checklist's columns).
    kind : {"scale", "checklist", "text"}
        ``scale``: a number on the item's scale (likert or single choice); ``checklist``: one 0/1
        column per option; ``text``: free text carried as text.
    column : str, optional
        The source column (``scale``, ``text``, and a checklist whose choices are joined in one cell).
    columns : dict
        Checklist only: option id -> the source column ticked for it.
    values : dict
        Source value or label -> scale value (``scale``) or option id (joined ``checklist``).
        Keys are compared with :func:`value_key`. Empty: numeric source values are taken as they are.
    range : (min, max), optional
        Allowed scale values when ``values`` is empty.
    split : bool
        Checklist from one column holding the ticked options' labels joined by ``,`` or ``;``.
    checked : tuple
        Checklist with ``columns``: the values that mean "ticked". Empty: any value but blank,
        ``0``, ``N``, ``No`` or ``false``.
    missing : tuple
        Source values read as missing for this item (besides the mapping-wide ``missing``).
    confidence, value_confidence, source_text, note
        Review aids written by :func:`detect_mapping`; ignored when applying.
    """

    item: str
    kind: ItemKind = "scale"
    column: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    values: dict[Hashable, Any] = field(default_factory=dict)
    range: tuple[float, float] | None = None
    split: bool = False
    checked: tuple[Any, ...] = ()
    missing: tuple[Any, ...] = ()
    confidence: float | None = None
    value_confidence: dict[Hashable, float] = field(default_factory=dict)
    source_text: str | None = None
    note: str | None = None

    @property
    def source_columns(self) -> tuple[str, ...]:
        """Every source column this item reads."""
        own = (self.column,) if self.column is not None else ()
        return own + tuple(self.columns.values())

    def value_lookup(self) -> dict[str, Any]:
        """``values`` keyed by :func:`value_key`."""
        return {value_key(k): v for k, v in self.values.items()}

    def to_dict(self) -> dict[str, Any]:
        """The YAML form (only the keys that differ from the defaults)."""
        out: dict[str, Any] = {}
        if self.kind != "scale":
            out["type"] = self.kind
        if self.column is not None:
            out["column"] = self.column
        if self.columns:
            out["columns"] = dict(self.columns)
        if self.split:
            out["split"] = True
        if self.values:
            out["values"] = dict(self.values)
        if self.range is not None:
            out["range"] = [_plain_number(v) for v in self.range]
        if self.checked:
            out["checked"] = list(self.checked)
        if self.missing:
            out["missing"] = list(self.missing)
        if self.confidence is not None:
            out["confidence"] = round(float(self.confidence), 2)
        if self.value_confidence:
            out["value_confidence"] = {k: round(float(v), 2) for k, v in self.value_confidence.items()}
        if self.source_text:
            out["source_text"] = self.source_text
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class Mapping:
    """A whole import mapping (see ``docs/import-mapping.md``).

    Parameters
    ----------
    items : tuple of ItemMapping
        One per mapped item, in output order.
    respondent_id : str, optional
        Source column that becomes ``respondent_id``.
    attributes : dict
        Output attribute name (``org``, ``unit``, ``level``, ``region``, ``wave``...) -> source
        column; values are carried unchanged.
    required : tuple of str
        Items that must be mapped (applying fails otherwise).
    missing : tuple
        Source values read as missing in every item (``-99``, ``"Prefer not to say"``).
    keep_unmapped : bool
        Carry the source columns the mapping does not use into the output. Off by default: exports
        hold names, e-mail and IP addresses that have no place in the response data.
    instrument, version, source_format : str, optional
        What the mapping was written for (informational).
    unmatched : tuple of str
        Items :func:`detect_mapping` found no column for (informational).
    file : str, optional
        Where it was loaded from (named in errors).
    """

    items: tuple[ItemMapping, ...] = ()
    respondent_id: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    missing: tuple[Any, ...] = ()
    keep_unmapped: bool = False
    instrument: str | None = None
    version: str | None = None
    source_format: str | None = None
    unmatched: tuple[str, ...] = ()
    file: str | None = field(default=None, compare=False)

    def item(self, item_id: str) -> ItemMapping | None:
        """The mapping of ``item_id``, or None when it is not mapped."""
        for entry in self.items:
            if entry.item == item_id:
                return entry
        return None

    def to_dict(self) -> dict[str, Any]:
        """The YAML form as plain data."""
        out: dict[str, Any] = {}
        for key in ("instrument", "version", "source_format", "respondent_id"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.attributes:
            out["attributes"] = dict(self.attributes)
        if self.missing:
            out["missing"] = list(self.missing)
        out["required"] = list(self.required)
        if self.keep_unmapped:
            out["keep_unmapped"] = True
        out["items"] = {entry.item: entry.to_dict() for entry in self.items}
        if self.unmatched:
            out["unmatched"] = list(self.unmatched)
        return out

    @classmethod
    def from_dict(cls, data: Any, *, file: str | None = None) -> Mapping:
        """Build and validate a mapping from its YAML form; errors name the file, item and key."""
        if not isinstance(data, dict):
            raise DataError("a mapping must be a YAML mapping with an 'items' key", file=file)
        _refuse_unknown(data, _TOP_KEYS, file=file, where="the mapping")
        items_data = data.get("items") or {}
        if not isinstance(items_data, dict):
            raise DataError("'items' must map item ids to their source", file=file)
        items = tuple(_item_from_dict(str(k), v, file) for k, v in items_data.items())
        attributes = data.get("attributes") or {}
        if not isinstance(attributes, dict):
            raise DataError("'attributes' must map attribute names to source columns", file=file)
        required = tuple(str(r) for r in _as_list(data.get("required"), "required", file))
        missing = tuple(_as_list(data.get("missing"), "missing", file))
        unmatched = tuple(str(u) for u in _as_list(data.get("unmatched"), "unmatched", file))
        return cls(
            items=items,
            respondent_id=_opt_str(data.get("respondent_id")),
            attributes={str(k): str(v) for k, v in attributes.items()},
            required=required,
            missing=missing,
            keep_unmapped=_flag(data.get("keep_unmapped", False), "keep_unmapped", file),
            instrument=_opt_str(data.get("instrument")),
            version=_opt_str(data.get("version")),
            source_format=_opt_str(data.get("source_format")),
            unmatched=unmatched,
            file=file,
        )

    def to_yaml(self) -> str:
        """The mapping as YAML text, with a header telling the reviewer what to check."""
        body = yaml.safe_dump(
            self.to_dict(), sort_keys=False, allow_unicode=True, default_flow_style=False, width=100
        )
        return _YAML_HEADER + body

    @classmethod
    def from_yaml(cls, text: str, *, file: str | None = None) -> Mapping:
        """Parse YAML text (see :meth:`from_dict`)."""
        try:
            data = yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader subclass)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            row = mark.line + 1 if mark is not None else None
            problem = (
                getattr(exc, "problem", None) if isinstance(exc, yaml.constructor.ConstructorError) else None
            )
            raise DataError(problem or f"is not valid YAML ({exc})", file=file, row=row) from None
        except RecursionError:
            raise DataError("is nested too deeply to be a mapping", file=file) from None
        return cls.from_dict(data, file=file)


_YAML_HEADER = """\
# allypath import mapping (format: docs/import-mapping.md).
# Review before use: check every item whose confidence is below 0.8, every `note`, the `values`
# of each item, and fill `required`. `confidence`, `value_confidence`, `source_text` and `note`
# are review aids; they are ignored when the mapping is applied.
"""


def _plain_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _as_list(value: Any, key: str, file: str | None) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise DataError(f"'{key}' must be a list", file=file)
    return value


def _flag(value: Any, key: str, file: str | None) -> bool:
    """A yes/no setting: YAML's true or false only. ``no`` stays text here (answer labels), and text
    read as a flag is true: ``keep_unmapped: no`` copied names and e-mail addresses into the output."""
    if not isinstance(value, bool):
        raise DataError(f"'{key}' must be true or false (got {value!r})", file=file)
    return value


def _refuse_unknown(data: dict[Any, Any], allowed: frozenset[str], *, file: str | None, where: str) -> None:
    unknown = sorted(str(k) for k in data if str(k) not in allowed)
    if unknown:
        raise DataError(
            f"{where} has unknown key(s) {', '.join(map(repr, unknown))}; "
            f"known keys: {', '.join(sorted(allowed))}",
            file=file,
        )


def _item_from_dict(item: str, data: Any, file: str | None) -> ItemMapping:
    where = f"item {item!r}"
    if isinstance(data, str):
        data = {"column": data}  # shorthand  `ap01: Q1`
    if not isinstance(data, dict):
        raise DataError(f"{where} must be a source column name or a mapping", file=file)
    _refuse_unknown(data, _ITEM_KEYS | _REVIEW_KEYS, file=file, where=where)
    kind = str(data.get("type", "checklist" if "columns" in data else "scale"))
    if kind not in _ITEM_KINDS:
        raise DataError(f"{where}: type must be one of {', '.join(_ITEM_KINDS)}", file=file)
    column = _opt_str(data.get("column"))
    columns = data.get("columns") or {}
    if not isinstance(columns, dict):
        raise DataError(f"{where}: 'columns' must map option ids to source columns", file=file)
    if kind == "checklist" and not columns and column is None:
        raise DataError(f"{where}: a checklist needs 'columns' (or 'column' with split)", file=file)
    if kind != "checklist" and column is None:
        raise DataError(f"{where}: 'column' names no source column", file=file)
    if columns and column is not None:
        raise DataError(f"{where}: give 'column' or 'columns', not both", file=file)
    values = data.get("values") or {}
    if not isinstance(values, dict):
        raise DataError(f"{where}: 'values' must map source values to scale values", file=file)
    split = _flag(data.get("split", False), f"{item}.split", file) or (
        kind == "checklist" and column is not None
    )
    if split and not values:
        raise DataError(f"{where}: a joined checklist needs 'values' (label -> option id)", file=file)
    value_range = data.get("range")
    if value_range is not None:
        if (
            not isinstance(value_range, list)
            or len(value_range) != 2
            or not all(isinstance(v, (int, float)) for v in value_range)
        ):
            raise DataError(f"{where}: 'range' must be [min, max]", file=file)
        value_range = (float(value_range[0]), float(value_range[1]))
    if kind == "scale":
        for key, target in values.items():
            if not isinstance(target, (int, float)) or isinstance(target, bool):
                raise DataError(
                    f"{where}: value {key!r} maps to {target!r}, which is not a number", file=file
                )
            if not math.isfinite(target):
                raise DataError(f"{where}: value {key!r} maps to {target!r}, not a scale value", file=file)
    value_confidence = data.get("value_confidence") or {}
    confidence = data.get("confidence")
    if confidence is not None and (isinstance(confidence, bool) or not isinstance(confidence, (int, float))):
        raise DataError(f"{where}: 'confidence' must be a number from 0 to 1 (got {confidence!r})", file=file)
    return ItemMapping(
        item=item,
        kind=kind,  # type: ignore[arg-type]
        column=column,
        columns={str(k): str(v) for k, v in columns.items()},
        values=dict(values),
        range=value_range,
        split=split,
        checked=tuple(_as_list(data.get("checked"), f"{item}.checked", file)),
        missing=tuple(_as_list(data.get("missing"), f"{item}.missing", file)),
        confidence=float(confidence) if confidence is not None else None,
        value_confidence=dict(value_confidence) if isinstance(value_confidence, dict) else {},
        source_text=_opt_str(data.get("source_text")),
        note=_opt_str(data.get("note")),
    )


def load_mapping(path: str | os.PathLike[str]) -> Mapping:
    """Load and validate a mapping YAML file.

    Raises
    ------
    DataError
        A missing file, invalid YAML (naming the line), an unknown key (a typo such as
        ``colum:``), an item without a source column -- naming the file and item.
    """
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError("no such mapping file", file=file) from None
    except UnicodeDecodeError:
        raise DataError("the mapping file is not UTF-8", file=file) from None
    return Mapping.from_yaml(text, file=file)


def dump_mapping(mapping: Mapping) -> str:
    """The mapping as YAML text for a person to review (same as :meth:`Mapping.to_yaml`)."""
    return mapping.to_yaml()


def save_mapping(mapping: Mapping, path: str | os.PathLike[str]) -> Path:
    """Write the mapping's YAML to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(mapping.to_yaml(), encoding="utf-8")
    return Path(path)
