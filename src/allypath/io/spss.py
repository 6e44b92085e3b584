"""SPSS ``.sav`` files through pyreadstat: value labels, user-missing values, multiple-response sets.

Reading: user-missing values (``MISSING VALUES``) become missing, and the codes are kept on the
column so a person can see what was dropped; a numeric variable with a whole-number display format
(``F8.0``) is an integer column. Writing: variable labels from the item texts, value labels from the
scale anchors or options, whole-number formats for integer columns -- so SPSS users see a labelled
file and :func:`read_spss` gives back the frame that was written.
"""

from __future__ import annotations

import os
import re
from collections.abc import Hashable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyreadstat

from allypath.errors import DataError
from allypath.io._arrow import integral
from allypath.io._source import ColumnType, SourceColumn, SourceTable
from allypath.io._text import atomic_path

if TYPE_CHECKING:
    from allypath.instrument import Instrument

__all__ = ["read_spss", "write_spss"]

_DATE_FORMATS = ("DATE", "ADATE", "EDATE", "JDATE", "SDATE", "QYR", "MOYR", "WKYR")
# Formats pyreadstat leaves as raw seconds unless told they are dates.
_EXTRA_DATE_FORMATS = ("QYR", "MOYR", "WKYR")
_DATETIME_FORMATS = ("DATETIME", "YMDHMS")
_TIME_FORMATS = ("TIME", "DTIME")
_WHOLE_FORMAT = re.compile(r"^[A-Z]+\d+(\.0)?$")
# SPSS variable names: a letter (or @ # $) first, then letters, digits, _ . @ # $; at most 64 bytes.
_SPSS_NAME = re.compile(r"^[^\W\d_][\w.@#$]*$")
_RESERVED = frozenset({"ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH"})
_CHECKED_LABELS = {0: "not chosen", 1: "chosen"}
# SPSS's widest text variable (A32767), in bytes of the file's encoding (UTF-8, as pyreadstat writes).
_SPSS_MAX_TEXT_BYTES = 32_767
# SPSS stores every number as a double: whole numbers are exact up to 2**53, rounded beyond.
_SPSS_MAX_EXACT = 2**53


def read_spss(path: str | os.PathLike[str]) -> SourceTable:
    """Read an SPSS ``.sav`` (or ``.zsav``) file.

    Parameters
    ----------
    path : path-like
        The file; its own encoding (stored in the file) is used.

    Returns
    -------
    SourceTable
        ``format="spss"``. Each column carries its variable label, value labels (code -> label,
        whole-number codes as ``int``), user-missing codes and ranges (already missing in the data),
        and, for members of a multiple-response set, ``group`` (the set name) and ``option`` (the
        variable label). Empty strings are missing. ``metadata`` holds the file encoding and label,
        notes, each variable's format and measure, and the multiple-response sets.

    Raises
    ------
    DataError
        A file that is empty or is not an SPSS file.
    """
    file = str(path)
    if not os.path.exists(file):
        raise DataError("no such file", file=file)
    if os.path.getsize(file) == 0:
        raise DataError("the file is empty (0 bytes)", file=file, row=0)
    try:
        frame, meta = pyreadstat.read_sav(file, extra_date_formats=list(_EXTRA_DATE_FORMATS))
        # The data read drops user-missing values; a metadata-only read reports which they were.
        _, missing_meta = pyreadstat.read_sav(file, metadataonly=True, user_missing=True)
    except (pyreadstat.ReadstatError, pyreadstat.PyreadstatError) as exc:
        raise DataError(f"is not a readable SPSS .sav file ({exc})", file=file) from None
    mr_sets: dict[str, dict[str, Any]] = dict(getattr(meta, "mr_sets", {}) or {})
    membership = {var: name for name, mr in mr_sets.items() for var in mr["variable_list"]}
    columns: list[SourceColumn] = []
    for name in frame.columns:
        fmt = meta.original_variable_types.get(name) or ""
        kind = _column_type(fmt, meta.readstat_variable_types.get(name, "double"), frame[name])
        if kind == "integer":
            frame[name] = pd.array(frame[name].to_numpy(dtype="float64"), dtype="Int64")
        elif kind == "string":
            frame[name] = frame[name].mask(frame[name] == "")
        label = meta.column_names_to_labels.get(name)
        group = membership.get(name)
        columns.append(
            SourceColumn(
                name=name,
                label=label,
                type=kind,
                value_labels=_labels(meta.variable_value_labels.get(name, {})),
                missing_codes=_missing_codes(missing_meta, name),
                missing_ranges=_missing_ranges(missing_meta, name),
                group=group,
                option=label if group is not None and mr_sets[group]["is_dichotomy"] else None,
            )
        )
    metadata = {
        "encoding": meta.file_encoding,
        "file_label": meta.file_label,
        "notes": list(meta.notes or []),
        "formats": dict(meta.original_variable_types),
        "measures": dict(meta.variable_measure),
        "multiple_response_sets": mr_sets,
    }
    return SourceTable(data=frame, columns=tuple(columns), format="spss", file=file, metadata=metadata)


def _column_type(fmt: str, storage: str, values: pd.Series) -> ColumnType:
    if storage == "string" or re.fullmatch(r"A\d+", fmt):
        return "string"
    head = re.sub(r"[\d.]+$", "", fmt)
    if head in _DATE_FORMATS:
        return "date"
    if head in _DATETIME_FORMATS:
        return "datetime"
    if head in _TIME_FORMATS:
        return "time"
    if not pd.api.types.is_numeric_dtype(values):
        return "string"
    numbers = values.to_numpy(dtype="float64")
    if np.isnan(numbers).all():
        return "empty"
    if _WHOLE_FORMAT.match(fmt) and integral(numbers):
        return "integer"
    return "number"


def _code(value: Any) -> Hashable:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _labels(labels: dict[Any, str]) -> dict[Hashable, str]:
    return {_code(code): str(text) for code, text in labels.items()}


def _missing_codes(meta: Any, name: str) -> tuple[Any, ...]:
    codes = [_code(r["lo"]) for r in meta.missing_ranges.get(name, []) if r["lo"] == r["hi"]]
    codes += [_code(v) for v in (meta.missing_user_values or {}).get(name, [])]
    return tuple(codes)


def _missing_ranges(meta: Any, name: str) -> tuple[tuple[float, float], ...]:
    return tuple(
        (float(r["lo"]), float(r["hi"])) for r in meta.missing_ranges.get(name, []) if r["lo"] != r["hi"]
    )


def write_spss(
    df: pd.DataFrame,
    path: str | os.PathLike[str],
    instrument: Instrument | None = None,
    *,
    language: str = "en",
) -> Path:
    """Write a wide-format frame to an SPSS ``.sav`` file, atomically.

    Parameters
    ----------
    df : pandas.DataFrame
        Wide format; column names must be valid SPSS names (``respondent_id``, ``ap01``,
        ``kc_parental_leave`` are).
    path : path-like
        The ``.sav`` to write; it appears complete or not at all.
    instrument : Instrument, optional
        When given, each response column gets its item text as variable label, the scale anchors or
        option texts as value labels (checklist columns ``0 = not chosen, 1 = chosen``) and an
        ordinal (likert) or nominal measure; the file label names the instrument and version.
    language : str
        Language of the labels (falls back to English).

    Returns
    -------
    pathlib.Path
        The written path.

    Raises
    ------
    DataError
        A column name SPSS does not accept, a column pyreadstat cannot store, or a value SPSS would
        change: a text over 32,767 bytes (SPSS cuts it), a whole number beyond 2**53 (SPSS rounds
        it). The error names the row and column; nothing is written.
    """
    file = str(path)
    for name in df.columns:
        _check_spss_name(name, file)
    out: dict[str, Any] = {}
    formats: dict[str, str] = {}
    for name in df.columns:
        column = df[name].reset_index(drop=True)
        if isinstance(column.dtype, pd.BooleanDtype):
            column = column.astype("Int64")
        if pd.api.types.is_integer_dtype(column.dtype):
            _refuse_inexact(column, file, str(name))
            out[name] = column.astype("float64")
            formats[name] = _whole_format(column)
        elif column.dtype == object and _is_temporal(column):
            out[name] = column  # datetime.date / datetime.time objects: pyreadstat sets the format
        elif pd.api.types.is_string_dtype(column.dtype) or column.dtype == object:
            out[name] = column.astype("str").where(column.notna(), "")
            _refuse_long_text(out[name], file, str(name))
        else:
            out[name] = column
    labels, value_labels, measures = _instrument_labels(instrument, list(df.columns), language)
    # "Does not apply to me" (0) is labelled and declared user-missing, so SPSS leaves it out of
    # statistics as allypath's scoring does; allypath reads it back as missing.
    missing: dict[str, list[Any]] = {}
    for name in df.columns:
        if instrument is not None and instrument.has_column(name):
            option = instrument.column(name).item.not_applicable
            if option is not None and option.value is not None:
                missing[name] = [option.value]
    file_label = f"{instrument.id} {instrument.version}" if instrument is not None else ""
    try:
        with atomic_path(path) as tmp:
            pyreadstat.write_sav(
                pd.DataFrame(out, index=range(len(df))),
                str(tmp),
                file_label=file_label,
                column_labels=labels or None,
                variable_value_labels=value_labels or None,
                variable_measure=measures or None,
                variable_format=formats or None,
                missing_ranges=missing or None,
            )
    except pyreadstat.PyreadstatError as exc:
        raise DataError(f"cannot be written as SPSS ({exc})", file=file) from None
    return Path(path)


def _refuse_inexact(column: pd.Series, file: str, name: str) -> None:
    """Refuse a whole number a double cannot hold exactly (SPSS would store it rounded)."""
    too_big = (column.abs() > _SPSS_MAX_EXACT).fillna(False).to_numpy(dtype=bool)
    if too_big.any():
        row = int(np.argmax(too_big))
        raise DataError(
            f"the whole number {column.iloc[row]} is too large for SPSS, which would store it rounded "
            f"(numbers are exact up to {_SPSS_MAX_EXACT:,}); store it as text, or export to .csv or .parquet",
            file=file,
            row=row + 1,
            column=name,
        )


def _refuse_long_text(text: pd.Series, file: str, name: str) -> None:
    """Refuse a text longer than an SPSS text variable holds (SPSS would cut it)."""
    # A character takes at most 4 bytes in UTF-8: only texts over a quarter of the limit are encoded.
    long = text.str.len().to_numpy(dtype="float64", na_value=0) > _SPSS_MAX_TEXT_BYTES // 4
    for row in np.flatnonzero(long):
        size = len(str(text.iloc[row]).encode("utf-8"))
        if size > _SPSS_MAX_TEXT_BYTES:
            raise DataError(
                f"the text is {size:,} bytes long, over the {_SPSS_MAX_TEXT_BYTES:,} bytes an SPSS text "
                "variable holds, so SPSS would cut it; shorten it, or export to .csv or .parquet",
                file=file,
                row=int(row) + 1,
                column=name,
            )


def _is_temporal(column: pd.Series) -> bool:
    kind = pd.api.types.infer_dtype(column, skipna=True)
    return kind in {"date", "datetime", "datetime64", "time"}


def _whole_format(column: pd.Series) -> str:
    """``F8.0``, or wider when the largest magnitude needs more digits (plus a sign)."""
    largest = column.abs().max() if column.notna().any() else 0
    return f"F{max(8, len(str(int(largest))) + 1)}.0"


def _check_spss_name(name: object, file: str) -> None:
    text = str(name)
    if (
        not isinstance(name, str)
        or not _SPSS_NAME.match(text)
        or len(text.encode("utf-8")) > 64
        or text.upper() in _RESERVED
    ):
        raise DataError(
            "is not a valid SPSS variable name (a letter first, then letters, digits or _ . @ # $; "
            "at most 64 bytes; not a reserved word)",
            file=file,
            column=text,
        )


def _instrument_labels(
    instrument: Instrument | None, names: list[str], language: str
) -> tuple[dict[str, str | None], dict[str, dict[int | float, str]], dict[str, str]]:
    labels: dict[str, str | None] = {}
    value_labels: dict[str, dict[int | float, str]] = {}
    measures: dict[str, str] = {}
    if instrument is None:
        return labels, value_labels, measures
    for name in names:
        if not instrument.has_column(name):
            continue
        column = instrument.column(name)
        item = column.item
        text = item.text.get_lang(language)
        if column.option is not None:
            text = f"{text} - {column.option.text.get_lang(language)}"
        labels[name] = text[:255]  # SPSS keeps at most 256 bytes of a variable label
        if item.type == "likert" and item.scale is not None:
            value_labels[name] = {int(v): t.get_lang(language) for v, t in sorted(item.scale.anchors.items())}
            na = item.not_applicable
            if na is not None and na.value is not None:
                value_labels[name][na.value] = na.text.get_lang(language)
            measures[name] = "ordinal"
        elif item.type == "single":
            value_labels[name] = {
                int(o.value): o.text.get_lang(language) for o in item.options if o.value is not None
            }
            measures[name] = "nominal"
        elif item.type == "checklist":
            value_labels[name] = {float(k): v for k, v in _CHECKED_LABELS.items()}
            measures[name] = "nominal"
        else:
            measures[name] = "nominal"
    return labels, value_labels, measures
