"""Changing an import's mapping in the browser: each question's column, its value labels, a question added.

The review page posts, per mapped question, ``column:<item>`` (a column of the file, or empty to leave the
question out) and, for questions read through labels, ``values:<item>`` (one ``label = number`` per line);
``add_item`` with ``add_column`` maps one more question. Every problem is named with its question and
line, and nothing is saved unless all of the edit is valid; the YAML download and upload stay for longer
edits (checklists with one column per option are edited that way).
"""

from __future__ import annotations

from collections.abc import Collection
from collections.abc import Mapping as MappingType
from dataclasses import replace

from allypath.io import Mapping
from allypath.io.mapping import ItemMapping

__all__ = ["edit_mapping"]


def _number(text: str) -> int | float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return int(value) if value.is_integer() else value


def _values(item: str, text: str, problems: list[str]) -> dict[object, object]:
    values: dict[object, object] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        label, sep, raw = line.rpartition("=")
        value = _number(raw.strip())
        if not sep or not label.strip() or value is None:
            problems.append(
                f"question {item}, line {number} of its values: write it as label = number "
                f"(got {line.strip()!r})"
            )
            continue
        values[label.strip()] = value
    return values


def edit_mapping(
    mapping: Mapping,
    posted: MappingType[str, str],
    columns: Collection[str],
    questions: Collection[str],
) -> tuple[Mapping, list[str]]:
    """``mapping`` with the browser's edits, and every problem found (the mapping is unusable if any)."""
    problems: list[str] = []
    items: list[ItemMapping] = []
    for entry in mapping.items:
        key = f"column:{entry.item}"
        if entry.columns or key not in posted:  # checklist by option columns: edited as YAML
            items.append(entry)
            continue
        column = posted[key].strip()
        if not column:
            continue  # left out of the import
        if column not in columns:
            problems.append(f"question {entry.item}: the file has no column {column!r}")
            continue
        changed = replace(entry, column=column)
        values_key = f"values:{entry.item}"
        if values_key in posted:
            values = _values(entry.item, posted[values_key], problems)
            changed = replace(changed, values=values, value_confidence={})
        if changed != entry:
            changed = replace(changed, confidence=1.0, note="set in the review page")
        items.append(changed)
    added_item, added_column = posted.get("add_item", "").strip(), posted.get("add_column", "").strip()
    if added_item or added_column:
        if added_item not in questions:
            problems.append(f"choose the question to add (got {added_item or 'none'!r})")
        elif any(entry.item == added_item for entry in items):
            problems.append(f"question {added_item} is mapped already: change its column above")
        elif added_column not in columns:
            problems.append(f"choose the file's column that answers question {added_item}")
        else:
            items.append(ItemMapping(item=added_item, column=added_column, confidence=1.0))
    used: dict[str, str] = {}
    for entry in items:
        if entry.column is None or entry.kind == "checklist":
            continue
        if entry.column in used:
            problems.append(
                f"column {entry.column!r} answers both question {used[entry.column]} and {entry.item}"
            )
        used.setdefault(entry.column, entry.item)
    mapped = {entry.item for entry in items}
    unmatched = tuple(
        sorted((set(mapping.unmatched) | (set(questions) & {e.item for e in mapping.items})) - mapped)
    )
    return replace(mapping, items=tuple(items), unmatched=unmatched), problems
