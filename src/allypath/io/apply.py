"""Apply a mapping: a source export becomes a frame in the wide response format (docs/architecture.md).

Each column is converted through its distinct values (``pandas.factorize``), so a million rows cost
a lookup per distinct answer plus one vectorised take. A value the mapping does not cover is an
error naming the file, the first row holding it, the source column and the value, with a count of
the other cells in the same column that hold values outside the mapping.
"""

from __future__ import annotations

import math
import os
import re
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from allypath._written import as_written
from allypath.errors import DataError
from allypath.io._source import SourceColumn, SourceTable
from allypath.io.googleforms import split_choices
from allypath.io.mapping import ItemMapping, Mapping, load_mapping, value_key

if TYPE_CHECKING:
    from allypath.instrument import Instrument, Item

__all__ = ["apply_mapping", "check_answers", "drop_empty_rows"]

# An answer written in decimal digits (what :func:`_answer_number` accepts from a text cell).
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_UNTICKED = frozenset({"", "0", "n", "no", "false", "not selected", "not checked"})


def apply_mapping(
    source: SourceTable,
    mapping: Mapping | dict[str, Any] | str | os.PathLike[str],
    instrument: Instrument | None = None,
) -> pd.DataFrame:
    """Turn a :class:`SourceTable` into the wide response format with a mapping.

    Parameters
    ----------
    source : SourceTable
        As read by any reader (:func:`read_any`).
    mapping : Mapping, dict or path
        A :class:`Mapping`, its dict form, or the path of its YAML file.
    instrument : Instrument, optional
        When given: every mapped item must exist in it, its scale bounds every answer that has no
        ``values``/``range`` of its own, and checklists get one column per instrument option.

    Returns
    -------
    pandas.DataFrame
        ``respondent_id`` (text, when mapped), the attribute columns, then one column per item
        (``Int64`` for whole-number scales, ``float64`` otherwise, ``str`` for text) with checklists
        expanded to ``<item>_<option>`` 0/1 columns; the unmapped source columns follow when the
        mapping says ``keep_unmapped``.

    Raises
    ------
    DataError
        A required item that is not mapped; a mapped column the source does not have; a value
        outside the mapping or the scale (naming file, row, column and value).

    Examples
    --------
    >>> wide = apply_mapping(read_any("export.csv"), "mapping.yaml")  # doctest: +SKIP
    """
    if not isinstance(mapping, Mapping):
        mapping = Mapping.from_dict(mapping) if isinstance(mapping, dict) else load_mapping(mapping)
    _check_references(source, mapping, instrument)
    out: dict[str, pd.Series | pd.api.extensions.ExtensionArray | np.ndarray] = {}
    index = pd.RangeIndex(len(source.data))
    if mapping.respondent_id is not None:
        out["respondent_id"] = _as_text(source.data[mapping.respondent_id])
    for name, column in mapping.attributes.items():
        _claim(out, name, source, mapping)
        out[name] = source.data[column].reset_index(drop=True)
    entries = _ordered(mapping, instrument)
    global_missing = {value_key(v) for v in mapping.missing}
    for entry in entries:
        item = _instrument_item(instrument, entry.item)
        missing = global_missing | {value_key(v) for v in entry.missing}
        if entry.kind == "checklist":
            for name, values in _checklist(source, entry, item, missing).items():
                _claim(out, name, source, mapping)
                out[name] = values
        elif entry.kind == "text":
            _claim(out, entry.item, source, mapping)
            out[entry.item] = _text(source, entry, missing)
        else:
            _claim(out, entry.item, source, mapping)
            out[entry.item] = _scale(source, entry, item, missing)
    if mapping.keep_unmapped:
        used = _used_columns(mapping)
        for name in source.names:
            if name not in used:
                _claim(out, name, source, mapping)
                out[name] = source.data[name].reset_index(drop=True)
    return pd.DataFrame(out, index=index, copy=False)


def drop_empty_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, int]:
    """``frame`` (from :func:`apply_mapping`) without the rows holding nothing at all -- no id, no
    answer, no attribute, no kept column -- such as the empty trailing row an SPSS file or a
    spreadsheet may end with.

    Returns the rows kept (re-indexed from 0), each kept row's 1-based row number in the source
    (for errors that name rows), and how many rows were dropped.
    """
    empty = frame.isna().all(axis=1).to_numpy(dtype=bool) if frame.shape[1] else np.ones(len(frame), bool)
    kept = np.flatnonzero(~empty)
    if not empty.any():
        return frame, kept + 1, 0
    return frame.iloc[kept].reset_index(drop=True), kept + 1, int(empty.sum())


def check_answers(
    frame: pd.DataFrame,
    source: SourceTable,
    mapping: Mapping | str | os.PathLike[str],
    instrument: Instrument,
) -> None:
    """Raise a :class:`DataError` unless ``frame`` (from :func:`apply_mapping`) passes the checks
    ``allypath score`` makes (:func:`read_answers`: a number, whole, on the item's scale), so a
    mapping's ``values`` or ``range`` cannot write an answer the instrument does not have. The error
    names the file, the row, the source column and the item."""
    from allypath.scoring.answers import read_answers

    if not isinstance(mapping, Mapping):
        mapping = load_mapping(mapping)
    origin: dict[str, tuple[str | None, str]] = {}
    for entry in mapping.items:
        if not _has_item(instrument, entry.item):
            continue
        item = instrument.item(entry.item)
        for name, column in zip(item.column_ids(), _origins(entry, item), strict=True):
            origin[name] = (column, entry.item)
    try:
        read_answers(frame, instrument, on_error="raise", source=source.file)
    except DataError as exc:
        column, item_id = origin.get(exc.column or "", (exc.column, exc.column))
        raise DataError(
            f"the mapping gives item {item_id!r} an answer it cannot have: {exc.message}",
            file=source.file,
            row=exc.row,
            column=column,
        ) from None


def _origins(entry: ItemMapping, item: Item) -> list[str | None]:
    """The source column of each output column of ``item`` (a checklist's per option)."""
    if item.type == "checklist":
        ids = [o.id for o in item.options]
        return [entry.columns.get(str(i), entry.column) if entry.columns else entry.column for i in ids]
    return [entry.column]


def _check_references(source: SourceTable, mapping: Mapping, instrument: Instrument | None) -> None:
    for item_id in mapping.required:
        entry = mapping.item(item_id)
        if entry is None or not entry.source_columns:
            raise DataError(
                f"required item {item_id!r} is not mapped to any source column; add it under "
                "'items' in the mapping",
                file=source.file,
                column=item_id,
            )
    names = set(source.names)
    wanted: list[tuple[str, str]] = []
    if mapping.respondent_id is not None:
        wanted.append(("respondent_id", mapping.respondent_id))
    wanted += [(f"attribute {k!r}", v) for k, v in mapping.attributes.items()]
    for entry in mapping.items:
        wanted += [(f"item {entry.item!r}", c) for c in entry.source_columns]
    for what, column in wanted:
        if column not in names:
            raise DataError(
                f"the mapping reads {what} from this column, which the file does not have",
                file=source.file,
                row=0,
                column=column,
            )
    if instrument is None:
        return
    for entry in mapping.items:
        if not _has_item(instrument, entry.item):
            raise DataError(
                f"item {entry.item!r} is not in instrument {instrument.id} {instrument.version}",
                file=mapping.file,
            )
        item = instrument.item(entry.item)
        if entry.kind == "text" and item.type != "text":
            raise DataError(
                f"item {entry.item!r} is a {item.type} item: its answers are numbers on its scale, "
                "so it cannot be mapped as 'type: text'",
                file=mapping.file,
                column=entry.item,
            )
        known = {o.id for o in item.options if o.id is not None}
        targets = list(entry.columns) + (list(entry.values.values()) if entry.split else [])
        for option in targets:
            if entry.kind == "checklist" and str(option) not in known:
                raise DataError(
                    f"item {entry.item!r} has no option {option!r} (options: {sorted(known)})",
                    file=mapping.file,
                )


def _has_item(instrument: Instrument, item_id: str) -> bool:
    return any(item.id == item_id for item in instrument.items)


def _instrument_item(instrument: Instrument | None, item_id: str) -> Item | None:
    return instrument.item(item_id) if instrument is not None else None


def _ordered(mapping: Mapping, instrument: Instrument | None) -> list[ItemMapping]:
    if instrument is None:
        return list(mapping.items)
    position = {item.id: i for i, item in enumerate(instrument.items)}
    return sorted(mapping.items, key=lambda e: position.get(e.item, len(position)))


def _used_columns(mapping: Mapping) -> set[str]:
    used = set(mapping.attributes.values())
    if mapping.respondent_id is not None:
        used.add(mapping.respondent_id)
    for entry in mapping.items:
        used.update(entry.source_columns)
    return used


def _claim(out: dict[str, Any], name: str, source: SourceTable, mapping: Mapping) -> None:
    if name in out:
        raise DataError(
            f"the mapping produces the output column {name!r} twice (an attribute, item or kept "
            "column of the same name)",
            file=mapping.file or source.file,
            column=name,
        )


def _as_text(series: pd.Series) -> pd.Series:
    """Identifiers as text; whole numbers without ``.0`` (SPSS stores ids as doubles)."""
    series = series.reset_index(drop=True)
    if pd.api.types.is_string_dtype(series.dtype):
        return series.astype("str")
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    keys = np.array([value_key(v) if not isinstance(v, str) else v for v in uniques] + [""])
    text = pd.Series(keys[codes], dtype="str")
    return text.mask(codes < 0)


def _labelled(column: SourceColumn) -> dict[str, str]:
    return {value_key(code): label for code, label in column.value_labels.items()}


def _bad_value(
    source: SourceTable,
    column: str,
    codes: np.ndarray,
    uniques: Any,
    bad: list[int],
    reason: str,
) -> DataError:
    """The error for the earliest bad value (factorize lists uniques in order of appearance)."""
    first = min(bad)
    row = int(np.argmax(codes == first)) + 1
    count = int(np.isin(codes, bad).sum())
    value = uniques[first]
    more = f"; {count} cell(s) in this column hold values outside the mapping" if count > 1 else ""
    return DataError(f"value {as_written(value)} {reason}{more}", file=source.file, row=row, column=column)


def _scale(
    source: SourceTable, entry: ItemMapping, item: Item | None, missing: set[str]
) -> pd.Series | pd.api.extensions.ExtensionArray:
    assert entry.column is not None  # checked when the mapping was loaded
    column = source.column(entry.column)
    lookup = entry.value_lookup()
    labels = _labelled(column)
    bounds = entry.range
    if bounds is None and item is not None and item.value_range is not None:
        bounds = (float(item.value_range[0]), float(item.value_range[1]))
    # "Does not apply to me" (0) is a value of the items that offer it, outside their scale.
    na = item.not_applicable if item is not None else None
    allowed = float(na.value) if na is not None and na.value is not None else None
    series = source.data[entry.column]
    if not lookup and not (labels and missing) and pd.api.types.is_numeric_dtype(series.dtype):
        return _numeric_scale(source, entry, series, bounds, missing, allowed)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    mapped = np.full(len(uniques), np.nan)
    bad: list[int] = []
    reason = ""
    for j, value in enumerate(uniques):
        key = value_key(value)
        label = labels.get(key)
        label_key = value_key(label) if label is not None else None
        if key in missing or (label_key is not None and label_key in missing) or key == "":
            continue
        if lookup:
            if key in lookup:
                mapped[j] = float(lookup[key])
            elif label_key is not None and label_key in lookup:
                mapped[j] = float(lookup[label_key])
            else:
                bad.append(j)
                shown = ", ".join(repr(k) for k in list(entry.values)[:8])
                reason = f"is not in the mapping of item {entry.item!r} (it maps {shown})"
            continue
        number = _answer_number(value, key)
        if number is None:
            bad.append(j)
            reason = f"of item {entry.item!r} is not a number and the mapping gives no 'values'"
            continue
        if bounds is not None and not bounds[0] <= number <= bounds[1] and number != allowed:
            bad.append(j)
            reason = f"of item {entry.item!r} is outside its scale {_range(bounds)}"
            continue
        mapped[j] = number
    if bad:
        raise _bad_value(source, entry.column, codes, uniques, bad, reason)
    result = np.full(len(codes), np.nan)
    if len(uniques):
        result = np.where(codes >= 0, mapped[np.maximum(codes, 0)], np.nan)
    if np.all(np.isnan(result) | (result == np.round(result))):
        return pd.array(result, dtype="Int64")
    return pd.Series(result)


def _numeric_scale(
    source: SourceTable,
    entry: ItemMapping,
    series: pd.Series,
    bounds: tuple[float, float] | None,
    missing: set[str],
    allowed: float | None = None,
) -> pd.Series | pd.api.extensions.ExtensionArray:
    """Numbers taken as they are: one vectorised range check, no per-value lookup (the common
    case of a wide file or a recode-value export, where it is most of the import time)."""
    assert entry.column is not None
    series = series.reset_index(drop=True)
    numeric_missing = [float(k) for k in missing if _is_number(k)]
    if pd.api.types.is_integer_dtype(series.dtype) and not numeric_missing:
        # The common case (a wide file, a recode export): min and max are reductions over the
        # column with no copy; the column itself is returned (copy-on-write keeps it safe).
        low, high = series.min(), series.max()
        if bounds is None or pd.isna(low) or (bounds[0] <= low and high <= bounds[1]):
            return series.astype("Int64")
    values = series.to_numpy(dtype="float64", na_value=np.nan)
    if numeric_missing:
        values = np.where(np.isin(values, numeric_missing), np.nan, values)
    infinite = np.isinf(values)
    if infinite.any():  # from a Parquet or SPSS file: a text file's "inf" is text, refused above
        row = int(np.argmax(infinite))
        raise DataError(
            f"value {as_written(values[row])} of item {entry.item!r} is not a number",
            file=source.file,
            row=row + 1,
            column=entry.column,
        )
    if bounds is not None:
        outside = (values < bounds[0]) | (values > bounds[1])  # NaN compares False
        if allowed is not None:
            outside &= values != allowed
        if outside.any():
            row = int(np.argmax(outside))
            count = int(outside.sum())
            more = f"; {count} cell(s) in this column hold values outside it" if count > 1 else ""
            raise DataError(
                f"value {as_written(values[row])} of item {entry.item!r} is outside its scale "
                f"{_range(bounds)}{more}",
                file=source.file,
                row=row + 1,
                column=entry.column,
            )
    if np.all(np.isnan(values) | (values == np.round(values))):
        return pd.array(values, dtype="Int64")
    return pd.Series(values)


def _answer_number(value: object, key: str) -> float | None:
    """An answer cell as a number, or None when it is not one: decimal digits with an optional sign,
    decimal part and exponent (``3``, ``03``, ``+3``, ``3.0``; spaces around it ignored), or a
    finite number. Hexadecimal (``0x3``), ``NaN``, ``inf`` and words are not answers, whatever
    Python's ``float`` makes of them (it reads ``nan`` and ``inf`` too)."""
    if isinstance(value, str) and not _DECIMAL.fullmatch(value.strip()):
        return None
    try:
        number = float(key)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _is_number(key: str) -> bool:
    try:
        float(key)
    except ValueError:
        return False
    return True


def _range(bounds: tuple[float, float]) -> str:
    return f"{as_written(bounds[0])}..{as_written(bounds[1])}"  # "1..5", not "1.0..5.0"


def _text(source: SourceTable, entry: ItemMapping, missing: set[str]) -> pd.Series:
    assert entry.column is not None
    series = source.data[entry.column].reset_index(drop=True)
    text = series.astype("str").mask(series.isna())
    if missing:
        text = text.mask(text.map(value_key, na_action="ignore").isin(missing))
    return text


def _checklist(
    source: SourceTable, entry: ItemMapping, item: Item | None, missing: set[str]
) -> dict[str, pd.api.extensions.ExtensionArray]:
    if entry.split:
        chosen = _split_checklist(source, entry, missing)
    else:
        chosen = _column_checklist(source, entry, missing)
    options = list(chosen)
    if item is not None:
        options = [o.id for o in item.options if o.id is not None]
    n = len(source.data)
    empty = pd.array(np.full(n, np.nan), dtype="Int64")
    return {f"{entry.item}_{option}": chosen.get(option, empty) for option in options}


def _column_checklist(
    source: SourceTable, entry: ItemMapping, missing: set[str]
) -> dict[str, pd.api.extensions.ExtensionArray]:
    """One source column per option.

    Two conventions exist. Some exports write an explicit "not ticked" (``0``, ``N``): then a
    blank cell is simply missing. Others write the choice when ticked and nothing otherwise
    (SurveyMonkey, Qualtrics multi-select): then a blank is "not ticked" in a row where some option
    was ticked, and a row with every option blank did not answer (all missing).
    """
    checked = {value_key(v) for v in entry.checked}
    unticked_words = _UNTICKED - {""}
    present: dict[str, np.ndarray] = {}
    ticks: dict[str, np.ndarray] = {}
    explicit = False
    for option, name in entry.columns.items():
        codes, uniques = pd.factorize(source.data[name], use_na_sentinel=True)
        keys = [value_key(v) for v in uniques]
        is_present = np.array([k != "" and k not in missing for k in keys] + [False])
        if checked:
            is_ticked = np.array([k in checked for k in keys] + [False])
        else:
            is_ticked = np.array([k not in _UNTICKED for k in keys] + [False])
        explicit |= any(k in unticked_words for k in keys) or bool(
            checked and any(k not in checked and k != "" for k in keys)
        )
        present[option] = is_present[codes]  # code -1 (missing) picks the appended False
        ticks[option] = is_present[codes] & is_ticked[codes]
    answered = np.logical_or.reduce(list(present.values())) if present else np.array([])
    out: dict[str, pd.api.extensions.ExtensionArray] = {}
    for option, tick in ticks.items():
        known = present[option] if explicit else answered
        out[option] = pd.array(np.where(known, tick.astype(float), np.nan), dtype="Int64")
    return out


def _split_checklist(
    source: SourceTable, entry: ItemMapping, missing: set[str]
) -> dict[str, pd.api.extensions.ExtensionArray]:
    """One column holding the ticked options' labels joined by ``,`` or ``;`` (Google Forms)."""
    assert entry.column is not None
    codes, uniques = pd.factorize(source.data[entry.column], use_na_sentinel=True)
    by_label = {str(k): str(v) for k, v in entry.values.items()}
    lookup = {value_key(k): v for k, v in by_label.items()}
    options = list(dict.fromkeys(by_label.values()))
    table = np.full((len(uniques), len(options)), np.nan)
    bad: list[int] = []
    for j, value in enumerate(uniques):
        key = value_key(value)
        if key in missing or key == "":
            continue
        parts = [key] if key in lookup else split_choices(str(value), by_label)
        if parts is None:
            bad.append(j)
            continue
        table[j] = 0.0
        for part in parts:
            table[j, options.index(lookup[value_key(part)])] = 1.0
    if bad:
        known = ", ".join(repr(k) for k in list(by_label)[:8])
        raise _bad_value(
            source,
            entry.column,
            codes,
            uniques,
            bad,
            f"names an option the mapping of item {entry.item!r} does not know (it maps {known})",
        )
    out: dict[str, pd.api.extensions.ExtensionArray] = {}
    for k, option in enumerate(options):
        column = table[:, k][np.maximum(codes, 0)] if len(uniques) else np.full(len(codes), np.nan)
        column = np.where(codes >= 0, column, np.nan)
        out[option] = pd.array(column, dtype="Int64")
    return out
