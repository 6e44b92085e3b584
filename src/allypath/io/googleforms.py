"""Google Forms response CSV (Responses -> Download responses).

One header row holding each question's title, a ``Timestamp`` first column, comma-separated UTF-8.
A checkbox question is one column whose cell joins the ticked choices with ``", "`` (or ``;`` in
some locales); since a choice's own text may contain a comma, the cell is split against the known
option list (:func:`split_choices`), never on the separator alone.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

from allypath.io._records import build_table, data_rows, load_records, squash, unique_names
from allypath.io._source import SourceColumn, SourceTable

__all__ = ["TIMESTAMP_HEADERS", "looks_like_google_forms", "read_google_forms", "split_choices"]

#: The first header cell of a Google Forms export in the languages seen in the wild.
TIMESTAMP_HEADERS = frozenset(
    {
        "timestamp",
        "horodateur",
        "zeitstempel",
        "marca temporal",
        "carimbo de data/hora",
        "informazioni cronologiche",
        "tijdstempel",
        "sygnatura czasowa",
    }
)
_SEPARATOR = re.compile(r"\s*[,;]\s*")


def looks_like_google_forms(records: list[list[str]]) -> bool:
    """Whether the header starts with Google Forms' timestamp column."""
    return bool(records and records[0] and records[0][0].strip().lower() in TIMESTAMP_HEADERS)


def read_google_forms(path: str | os.PathLike[str]) -> SourceTable:
    """Read a Google Forms responses CSV.

    Returns
    -------
    SourceTable
        ``format="google_forms"``; each column is named and labelled by its question title
        (a repeated title gets `` (2)``); types as in :func:`read_csv`.
    """
    file = str(path)
    records, info = load_records(
        path, header_rows=1, delimiter=None
    )  # sniffed: a re-save in Excel may use semicolons
    header = [squash(h) for h in records[0]]
    names = unique_names(header)
    rows = data_rows(records, header_rows=1, names=names, file=file)
    columns = [SourceColumn(name=n, label=h or None) for n, h in zip(names, header, strict=True)]
    return build_table(columns, rows, format="google_forms", file=file, metadata=info)


def split_choices(cell: str, options: Iterable[str]) -> list[str] | None:
    """Split a joined checkbox answer into the options it names, matching the longest first.

    Parameters
    ----------
    cell : str
        ``"Mentoring, Flexible work, paid or unpaid"``.
    options : iterable of str
        The known option texts (compared case- and space-insensitively).

    Returns
    -------
    list of str or None
        The options in the order given in the cell (as spelled in ``options``), or None when some
        part of the cell is not a known option.

    Examples
    --------
    >>> split_choices("Mentoring, Flexible work, paid or unpaid",
    ...               ["Flexible work, paid or unpaid", "Mentoring"])
    ['Mentoring', 'Flexible work, paid or unpaid']
    """
    known = sorted(((squash(o).casefold(), o) for o in options), key=lambda p: -len(p[0]))
    rest = squash(cell).casefold()
    found: list[str] = []
    while rest:
        for key, option in known:
            if key and rest.startswith(key):
                end = len(key)
                if end == len(rest) or _SEPARATOR.match(rest, end):
                    found.append(option)
                    separator = _SEPARATOR.match(rest, end)
                    cut = separator.end() if separator else end
                    rest = rest[cut:]
                    break
        else:
            return None
    return found
