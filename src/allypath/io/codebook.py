"""The codebook: every response column of an instrument with its texts, scale and anchors.

Written as CSV (one row per wide-format column, for analysts and SPSS/R syntax) or Markdown (for
people: one table per construct, then the response scales), in every language of the instrument.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from allypath.errors import DataError
from allypath.io._text import atomic_path

if TYPE_CHECKING:
    from allypath.instrument import Instrument, Item
    from allypath.model.text import Text

__all__ = ["codebook_rows", "write_codebook"]


def codebook_rows(instrument: Instrument) -> list[dict[str, Any]]:
    """One dict per wide-format column (checklists expanded per option), in instrument order.

    Keys: ``column, item, construct, construct_kind, type, stage, context, reverse, short, min,
    max, option``, then ``text_<lang>``, ``option_<lang>`` and ``anchors_<lang>`` for every language
    (anchors as ``1 = Strongly disagree; 2 = Disagree; ...``).
    """
    kinds = {c.id: c.kind for c in instrument.constructs}
    rows: list[dict[str, Any]] = []
    for column in instrument.columns:
        item = column.item
        option = column.option
        row: dict[str, Any] = {
            "column": column.id,
            "item": item.id,
            "construct": item.construct,
            "construct_kind": kinds.get(item.construct, item.kind),
            "type": item.type,
            "stage": item.stage if item.stage is not None else "",
            "context": item.context or "",
            "reverse": bool(item.reverse),
            "short": bool(item.short),
            "min": "" if column.min is None else column.min,
            "max": "" if column.max is None else column.max,
            "option": "" if option is None or option.id is None else option.id,
        }
        for lang in instrument.languages:
            row[f"text_{lang}"] = item.text.get_lang(lang)
        for lang in instrument.languages:
            row[f"option_{lang}"] = option.text.get_lang(lang) if option is not None else ""
        for lang in instrument.languages:
            row[f"anchors_{lang}"] = _anchor_list(item, lang)
        rows.append(row)
    return rows


def _anchors(item: Item) -> list[tuple[int, Text]]:
    if item.type == "likert" and item.scale is not None:
        na = item.not_applicable
        extra = [(int(na.value), na.text)] if na is not None and na.value is not None else []
        return sorted((int(v), t) for v, t in item.scale.anchors.items()) + extra
    if item.type == "single":
        return [(int(o.value), o.text) for o in item.options if o.value is not None]
    return []


def _anchor_list(item: Item, lang: str) -> str:
    return "; ".join(f"{value} = {text.get_lang(lang)}" for value, text in _anchors(item))


def write_codebook(instrument: Instrument, path: str | os.PathLike[str]) -> Path:
    """Write the instrument's codebook as CSV (``.csv``) or Markdown (``.md``), atomically.

    Parameters
    ----------
    instrument : Instrument
        The instrument to document.
    path : path-like
        ``.csv``: one row per response column (UTF-8 with byte-order mark, so spreadsheet programs
        show every script correctly). ``.md``: constructs with their items in every language, then
        the scales and their anchors.

    Returns
    -------
    pathlib.Path
        The written path.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in {".csv", ".md", ".markdown"}:
        raise DataError("unknown codebook format: use .csv or .md", file=str(path))
    rows = codebook_rows(instrument)
    with atomic_path(target) as tmp:
        if suffix == ".csv":
            with open(tmp, "w", encoding="utf-8-sig", newline="") as handle:
                fields = list(rows[0]) if rows else ["column"]
                writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
                writer.writeheader()
                writer.writerows(rows)
        else:
            tmp.write_text(_markdown(instrument), encoding="utf-8")
    return target


def _cell(text: object) -> str:
    """A Markdown table cell: pipes escaped, line breaks as <br>."""
    return str(text).replace("|", "\\|").replace("\r\n", "<br>").replace("\n", "<br>")


def _table(header: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |"]
    lines.append("|" + "|".join("---" for _ in header) + "|")
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _markdown(instrument: Instrument) -> str:
    langs = list(instrument.languages)
    title = getattr(instrument, "title", None)
    heading = title.get_lang("en") if title is not None else instrument.id
    out = [
        f"# Codebook: {heading}",
        "",
        f"Instrument `{instrument.id}` version {instrument.version}; languages: {', '.join(langs)}.",
        "",
        "Columns are the wide response format (docs/architecture.md): one per item, one per option of a "
        "checklist (`<item>_<option>`, 0/1). *Reverse* items are reverse-keyed when scored.",
        "",
        "## Constructs and items",
    ]
    for construct in instrument.constructs:
        where = [f"kind {construct.kind}"]
        if construct.stage is not None:
            where.append(f"stage {construct.stage}")
        if construct.context:
            where.append(f"context {construct.context}")
        out += ["", f"### {construct.label.get_lang('en')} (`{construct.id}`; {', '.join(where)})"]
        out.append("")
        header = ["column", "type", "scale", "reverse", "stage", *[f"text ({g})" for g in langs]]
        rows: list[list[object]] = []
        for column in instrument.columns:
            item = column.item
            if item.construct != construct.id:
                continue
            scale = "" if column.min is None else f"{column.min}-{column.max}"
            if item.type == "likert" and item.scale is not None:
                scale = f"{getattr(item.scale, 'key', '')} {scale}".strip()
            texts = []
            for lang in langs:
                text = item.text.get_lang(lang)
                if column.option is not None:
                    text = f"{text} — {column.option.text.get_lang(lang)}"
                texts.append(text)
            stage = item.stage if item.stage is not None else ""
            rows.append([f"`{column.id}`", item.type, scale, "yes" if item.reverse else "", stage, *texts])
        out += _table(header, rows)
    out += ["", "## Response scales and options"]
    seen: set[str] = set()
    for item in instrument.items:
        anchors = _anchors(item)
        if not anchors:
            continue
        key = getattr(item.scale, "key", None) if item.type == "likert" else None
        name = key or f"options of `{item.id}`"
        if name in seen:
            continue
        seen.add(name)
        out += ["", f"### {name}", ""]
        out += _table(["value", *langs], [[v, *[t.get_lang(g) for g in langs]] for v, t in anchors])
    out.append("")
    return "\n".join(out)
