"""Each respondent once, checked out of core with DuckDB: the in-memory rule
(:func:`allypath.io.ids.refuse_duplicate_ids`) over Parquet files too large to hold, with the same
messages naming the file and the rows.

The common case, where every id is there and none repeats, costs one pass over the ids (and, in
data with a wave column, a look at its few distinct values): the ids are grouped as stored by their
64-bit hash, and the same pass counts the missing ids and those a closer look must trim. Only when
that pass finds something does the exact comparison run, which reads the ids again and names the rows.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import duckdb

from allypath.engines.duckdb_engine import _connect, _quoted, parquet_source, read_parquet_relation
from allypath.errors import DataError

__all__ = ["refuse_duplicate_ids_parquet"]

#: The whitespace the in-memory check strips, as a SQL literal of real characters (no escapes in SQL).
_SPACES = "' \t\n\r\v\f'"


def refuse_duplicate_ids_parquet(
    source: str | Path,
    column: str = "respondent_id",
    *,
    waves: str | None = None,
    memory_limit: str = "1GB",
    threads: int = 2,
) -> None:
    """Refuse Parquet input in which a ``respondent_id`` is blank or on two rows, as the in-memory path
    does (:func:`allypath.io.ids.refuse_duplicate_ids`: the same message, naming the file and the
    first blank row, or both rows of a repeated id). Input without the column is not checked.

    ``waves`` names the wave column, if the data may have one: where it holds several waves an id may
    come back in each (the same man answering again: a panel) and is refused only twice within one
    wave, as in memory. A respondent counted twice would let a group of fewer than k people pass the
    privacy gate.

    Ids are compared as text with their surrounding spaces removed; a blank one (missing, NaN, or
    only spaces) is refused before any is compared. Memory is bounded by ``memory_limit``: beyond it
    DuckDB spills the ids to a temporary folder of its own, deleted afterwards (with no limit, 100
    million distinct ids took 6 GB).
    """
    pattern = parquet_source(source)
    with tempfile.TemporaryDirectory(prefix="allypath-ids-") as spill, _connect(memory_limit, threads) as con:
        con.execute("SET temp_directory = ?", [spill])
        try:
            relation = read_parquet_relation(con, pattern)
            if column not in relation.columns:
                return
            kind = str(relation.types[relation.columns.index(column)])
            several = waves is not None and waves in relation.columns and _several(con, pattern, waves)
            wave = waves if several else None
            if _clean_and_distinct(con, pattern, column, kind, wave):
                return
            if _refuse_blank_id(con, pattern, column, kind):
                return  # a column of no id at all: an anonymous export that keeps the header
            found = _first_repeat(con, pattern, column, wave)
        except duckdb.Error as exc:
            raise DataError(f"cannot read Parquet input ({exc})", file=str(source)) from None
    if found is not None:
        raise _repeat_error(found, str(source), column, wave is not None)


def _wave_text(wave: str) -> str:
    """The wave as the in-memory check compares it: text without surrounding spaces, blank as ''."""
    return f"coalesce(trim(CAST({_quoted(wave)} AS VARCHAR), {_SPACES}), '')"


def _several(con: duckdb.DuckDBPyConnection, pattern: str, wave: str) -> bool:
    """Whether the wave column holds two or more waves (blank ones apart): with one, ids are
    compared across the whole data, as in memory. A wave column has a few distinct values."""
    rows = con.execute(
        f"SELECT DISTINCT {_wave_text(wave)} AS w FROM read_parquet(?, union_by_name = true) "  # noqa: S608
        "WHERE w <> '' LIMIT 2",
        [pattern],
    ).fetchall()
    return len(rows) > 1


def _clean_and_distinct(
    con: duckdb.DuckDBPyConnection, pattern: str, column: str, kind: str, wave: str | None
) -> bool:
    """True when every id is there, none needs trimming and none repeats (within its wave, with
    ``wave``), told by one pass over the ids as stored; False means the exact checks are needed.

    The ids are grouped by their 64-bit hash, which DuckDB spills past its memory limit (a DISTINCT
    count does not) and groups faster than the text (a third less time at 100 million ids); two ids
    of one hash only send the check on to the exact comparison. Missing ids and those that start or
    end with a space or control character (``ord('')`` is 0: the empty id too) are counted in the
    same pass: a test of two characters, where trimming every id took as long as the grouping."""
    raw = _quoted(column)
    odd = f"{raw} IS NULL"
    if kind == "VARCHAR":
        odd += f" OR ord({raw}[1]) <= 32 OR ord({raw}[-1]) <= 32"
    elif kind in {"FLOAT", "DOUBLE"}:
        odd += f" OR CAST({raw} AS VARCHAR) IN ('nan', '-nan')"  # NaN is blank
    key = f"hash({raw})"
    if wave is not None:
        # waves are grouped as stored too: one that needs trimming (or is missing, which the
        # in-memory check takes as blank, like '') sends the check on to the exact comparison
        stored = f"CAST({_quoted(wave)} AS VARCHAR)"
        odd += f" OR {stored} IS NULL OR ord({stored}[1]) <= 32 OR ord({stored}[-1]) <= 32"
        key = f"hash({raw}, {_quoted(wave)})"
    # Aggregate filters, not WHERE: a WHERE is pushed down to the files' statistics, which leave NaN out.
    row = con.execute(
        "SELECT coalesce(sum(c - 1) FILTER (WHERE c > 1), 0), coalesce(sum(odd), 0) FROM ("  # noqa: S608
        f"SELECT count(*) AS c, count(*) FILTER (WHERE {odd}) AS odd "
        f"FROM read_parquet(?, union_by_name = true) GROUP BY {key})",
        [pattern],
    ).fetchone()
    return row is not None and int(row[0]) == 0 and int(row[1]) == 0


def _refuse_blank_id(con: duckdb.DuckDBPyConnection, pattern: str, column: str, kind: str) -> bool:
    """Raise :func:`allypath.io.ids.blank_id_error` for the first row (in the files' order) whose id
    is missing, NaN or only spaces, where others are not; True when no row has an id at all."""
    from allypath.io.ids import blank_id_error

    raw = _quoted(column)
    blank = f"{raw} IS NULL"
    if kind == "VARCHAR":
        blank += f" OR (ord({raw}[1]) <= 32 AND trim({raw}, {_SPACES}) = '')"
    elif kind in {"FLOAT", "DOUBLE"}:
        # As text: DuckDB 2.0 answers isnan() from the Parquet statistics, which leave NaN out (false
        # for a NaN that is there).
        blank += f" OR CAST({raw} AS VARCHAR) IN ('nan', '-nan')"
    row = con.execute(
        f"SELECT count(*) FILTER (WHERE {blank}), min({{'f': filename, 'r': file_row_number}}) "  # noqa: S608
        f"FILTER (WHERE {blank}), count(*) FROM read_parquet(?, union_by_name = true, filename = true, "
        "file_row_number = true)",
        [pattern],
    ).fetchone()
    if row is None or not row[0]:
        return False
    if row[0] == row[2]:
        return True
    first = row[1]
    raise blank_id_error(int(first["r"]) + 1, int(row[0]) - 1, file=str(first["f"]), column=column)


#: A row's place in the files' order: the file, then the row within it (0-based).
_POSITION = "{'f': filename, 'r': file_row_number}"


def _first_repeat(
    con: duckdb.DuckDBPyConnection, pattern: str, column: str, wave: str | None
) -> tuple[Any, ...] | None:
    """The first row (in the files' order) whose id came earlier (in its wave, with ``wave``): the
    id, that id's first row, this row, the wave and how many rows repeat an earlier id; or None."""
    wave_sql = _wave_text(wave) if wave is not None else "NULL"
    # Column names are quoted (_quoted) and the file pattern is a parameter: nothing else varies in
    # these statements.
    ids = (
        f"SELECT nullif(trim(CAST({_quoted(column)} AS VARCHAR), {_SPACES}), '') AS id, "  # noqa: S608
        f"{wave_sql} AS w, filename, file_row_number "
        "FROM read_parquet(?, union_by_name = true, filename = true, file_row_number = true)"
    )
    # Grouped aggregates and joins, which DuckDB spills past its memory limit (a DISTINCT count ran
    # out of memory at 100 million ids under 1 GB, and so did lists of rows).
    firsts = (
        f"SELECT id, w, count(*) AS c, min({_POSITION}) AS p FROM ({ids}) "  # noqa: S608
        "WHERE id IS NOT NULL GROUP BY id, w HAVING count(*) > 1"
    )
    row = con.execute(f"SELECT coalesce(sum(c - 1), 0) FROM ({firsts})", [pattern]).fetchone()  # noqa: S608
    repeats = int(row[0]) if row else 0
    if not repeats:
        return None
    found = con.execute(
        f"SELECT i.id, f.p, {_POSITION} AS q, i.w FROM ({ids}) AS i "  # noqa: S608
        f"JOIN ({firsts}) AS f ON i.id = f.id AND i.w IS NOT DISTINCT FROM f.w "
        f"WHERE {_POSITION} > f.p ORDER BY q LIMIT 1",
        [pattern, pattern],
    ).fetchone()
    assert found is not None
    value, first, second, in_wave = found
    return str(value), first, second, in_wave, repeats


def _repeat_error(
    found: tuple[Any, ...],
    source: str,
    column: str,
    panel: bool,
) -> DataError:
    """The in-memory check's message for a repeated id, naming the rows (and their files, when the
    two rows are in different files of a folder)."""
    value, first, second, wave, repeats = found
    first_file, first_row = str(first["f"]), int(first["r"])
    second_file, second_row = str(second["f"]), int(second["r"])
    if first_file == second_file:
        where, file = f"rows {first_row + 1} and {second_row + 1}", first_file
    else:
        where = f"row {first_row + 1} of {first_file} and row {second_row + 1} of {second_file}"
        file = source
    if not panel:
        more = f"; {repeats - 1} more row(s) repeat an earlier id" if repeats > 1 else ""
        message = f"respondent_id {value!r} is on {where}: each respondent must appear once{more}"
    else:
        more = f"; {repeats - 1} more row(s) repeat an earlier id of their wave" if repeats > 1 else ""
        message = (
            f"respondent_id {value!r} is on {where}, both of wave {wave}: each respondent must appear "
            f"once in a wave{more}"
        )
    return DataError(message, file=file, column=column)
