"""Apply a mapping and collect every problem, not just the first: for a person fixing a whole file.

:func:`allypath.io.apply_mapping` stops at the first bad value of a column (naming its first row and
how many cells hold bad values), which suits the CLI and scripts. A person uploading a file in the
console wants the whole list: every row and column at fault. :func:`apply_mapping_collecting` gets it
from :func:`apply_mapping` itself, so the rules stay in one place: each reference of the mapping is
checked on its own, and a column that fails is re-checked one distinct value at a time (a value is
wrong wherever it appears, so a column costs one check per distinct value, not per row).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from allypath.errors import DataError
from allypath.io._source import SourceTable
from allypath.io.apply import apply_mapping
from allypath.io.mapping import ItemMapping, Mapping

if TYPE_CHECKING:
    from allypath.instrument import Instrument

__all__ = ["MAX_DISTINCT_CHECKED", "Collected", "apply_mapping_collecting"]

#: A failing column with more distinct values than this is reported by its first bad value only.
MAX_DISTINCT_CHECKED = 5000


@dataclass(frozen=True)
class Collected:
    """What :func:`apply_mapping_collecting` found.

    ``frame`` is the wide response frame when there was no problem at all (else ``None``);
    ``problems`` lists every problem as a :class:`DataError` (``row`` is ``None`` for a problem of the
    mapping as a whole, ``0`` for the header), in the order file, mapping, then row and column.
    """

    frame: pd.DataFrame | None
    problems: tuple[DataError, ...]


def apply_mapping_collecting(
    source: SourceTable, mapping: Mapping, instrument: Instrument | None = None
) -> Collected:
    """Like :func:`allypath.io.apply_mapping`, but every problem is collected instead of raised.

    Examples
    --------
    >>> found = apply_mapping_collecting(read_any("export.csv"), load_mapping("m.yaml"))  # doctest: +SKIP
    >>> [(p.row, p.column, p.message) for p in found.problems]  # doctest: +SKIP
    [(3, 'Q1', "value 'Maybe' is not in the mapping of item 'ap1' (it maps ...)"), ...]
    """
    file = source.file
    problems: list[DataError] = []
    for item_id in mapping.required:
        entry = mapping.item(item_id)
        if entry is None or not entry.source_columns:
            problems.append(
                DataError(
                    f"required item {item_id!r} is not mapped to any source column; add it under "
                    "'items' in the mapping",
                    file=file,
                    column=item_id,
                )
            )
    base = Mapping(missing=mapping.missing, file=mapping.file)
    if mapping.respondent_id is not None:
        problems += _check(source, replace(base, respondent_id=mapping.respondent_id), instrument)
    for name, column in mapping.attributes.items():
        problems += _check(source, replace(base, attributes={name: column}), instrument)
    for entry in mapping.items:
        one = replace(base, items=(entry,))
        found = _check(source, one, instrument)
        if found and found[0].row is not None and found[0].row > 0 and entry.column is not None:
            found = _every_bad_row(source, one, entry, instrument, found[0])
        problems += found
    if problems:
        return Collected(None, tuple(_sorted(problems)))
    try:
        frame = apply_mapping(source, mapping, instrument)
    except DataError as exc:  # what only the whole mapping can show (an output column made twice)
        return Collected(None, (exc,))
    return Collected(frame, ())


def _check(source: SourceTable, mapping: Mapping, instrument: Instrument | None) -> list[DataError]:
    try:
        apply_mapping(source, mapping, instrument)
    except DataError as exc:
        return [exc]
    return []


def _every_bad_row(
    source: SourceTable,
    mapping: Mapping,
    entry: ItemMapping,
    instrument: Instrument | None,
    first: DataError,
) -> list[DataError]:
    """Every row holding a value the mapping refuses, each with that value's own message."""
    assert entry.column is not None
    series = source.data[entry.column]
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    if len(uniques) > MAX_DISTINCT_CHECKED:
        return [first]
    meta = source.column(entry.column)
    out: list[DataError] = []
    for j in range(len(uniques)):
        holders = np.flatnonzero(codes == j)
        one = SourceTable(
            data=series.iloc[holders[:1]].reset_index(drop=True).to_frame(name=entry.column),
            columns=(meta,),
            format=source.format,
            file=source.file,
            metadata=source.metadata,
        )
        try:
            apply_mapping(one, mapping, instrument)
        except DataError as exc:
            out += [
                DataError(exc.message, file=source.file, row=int(r) + 1, column=entry.column) for r in holders
            ]
    return out or [first]


def _sorted(problems: list[DataError]) -> list[DataError]:
    return sorted(problems, key=lambda p: (-1 if p.row is None else p.row, p.column or ""))
