"""``allypath report``: the board report of a response file, by group, from one solved release.

    allypath report scored.csv --by unit --out report.pdf         # .pdf, .html, .csv or .xlsx
    allypath report responses.parquet --by unit*level --out agg.csv --k 5
    allypath report data.csv --by level --breakdowns unit,level,unit*level --out by-level.csv
    allypath report lake/ --by unit --out agg.csv --engine duckdb  # any size, bounded memory

A file without a ``stage`` column is scored first. Every call solves the publication over all the
declared breakdowns (default: the attribute columns present among org, unit, level and region, the
unit hierarchy ``unit``, ``unit2``, ... and every pair of them; ``--breakdowns`` declares them) and
writes the requested table from it, so separate calls on one file agree cell for cell and combine
safely. ``--engine duckdb`` computes the same finest cells with DuckDB (scoring out of core first
when needed), so both engines hide the same cells. The CSV has one row per group and an ``overall``
row, the size ``n``, empty cells where a value is hidden, a ``suppressed`` column with the reason
code, ``note`` with the reason in words and ``split`` (stages, bands or hidden).

Registered in :mod:`allypath.cli` with ``app.command("report", no_args_is_help=True)(report)``.
"""

from __future__ import annotations

import tempfile
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from allypath.errors import AllypathError

if TYPE_CHECKING:  # pragma: no cover
    from allypath.privacy import Breakdown, PrivacyPolicy
    from allypath.reports.board import Board

__all__ = ["ReportEngine", "app", "report"]

console = Console()
err = Console(stderr=True)


class ReportEngine(StrEnum):
    memory = "memory"
    duckdb = "duckdb"


def _fail(exc: Exception) -> None:
    err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
    raise typer.Exit(code=2)


def report(
    data: Annotated[
        Path,
        typer.Argument(help="Responses, scored or not: .csv or .parquet (a Parquet folder with duckdb)."),
    ],
    out: Annotated[Path, typer.Option("--out", help="The report: .pdf, .html, .csv or .xlsx.")],
    by: Annotated[
        str, typer.Option("--by", help="Group column(s), e.g. unit, level, region or unit*level.")
    ] = "unit",
    breakdowns: Annotated[
        str | None,
        typer.Option(help="Declared breakdowns, e.g. unit,level,region,unit*level (default: see above)."),
    ] = None,
    k: Annotated[int, typer.Option("--k", help="Minimum group size (floor 3).")] = 5,
    engine: Annotated[
        ReportEngine, typer.Option(help="memory (every section) or duckdb (aggregates of any size).")
    ] = ReportEngine.memory,
    title: Annotated[str | None, typer.Option(help="Report title.")] = None,
) -> None:
    """Board report by group (PDF, HTML) or its aggregates (CSV, XLSX), small groups hidden."""
    from allypath.privacy import PrivacyPolicy, parse_breakdowns
    from allypath.reports.board import FORMATS, write_board

    if out.suffix.lower().lstrip(".") not in FORMATS:
        _fail(AllypathError(f"{out}: write the report as .pdf, .html, .csv or .xlsx"))
    try:
        policy = PrivacyPolicy(k=k, k_text=max(10, k))
        name = title or f"Allyship diagnostic: {data.name}"
        columns = parse_breakdowns(by, field="--by")[0].columns
        if engine is ReportEngine.duckdb:
            board = _duckdb_board(data, columns, breakdowns, policy, name)
        else:
            board = _memory_board(data, columns, breakdowns, policy, name)
        write_board(board, out)
    except AllypathError as exc:
        _fail(exc)
    table = board.table
    hidden = int((table["suppressed"] != "").sum())
    console.print(
        f"{len(table) - 1} groups by {by} ({hidden} of {len(table)} rows hidden, k = {k}; "
        f"declared: {', '.join(str(b) for b in board.declared)}), "
        f"engine {engine.value} -> {out}"
    )


#: Attribute columns of the wide format that are published by default (docs/architecture.md).
ATTRIBUTES = ("org", "level", "region")


def _hierarchy(columns: set[str]) -> list[str]:
    """``unit``, ``unit2``, ``unit3``... as far as the data has them (the unit hierarchy)."""
    levels = ["unit"] if "unit" in columns else []
    while levels and f"unit{len(levels) + 1}" in columns:
        levels.append(f"unit{len(levels) + 1}")
    return levels


def _declared(text: str | None, by: tuple[str, ...], columns: set[str]) -> tuple[list[Breakdown], list[str]]:
    from allypath.privacy import Breakdown, default_breakdowns, parse_breakdowns

    hierarchy = _hierarchy(columns)
    if text:
        declared = parse_breakdowns(text, field="--breakdowns")
    else:
        declared = default_breakdowns([a for a in ATTRIBUTES if a in columns], hierarchy)
    wanted = Breakdown(by)
    if all(set(b.columns) != set(by) for b in declared):
        declared.append(wanted)
    for breakdown in declared:
        for column in breakdown.columns:
            if column not in columns:
                raise AllypathError(f"no column {column!r} for the breakdown {breakdown}")
    return declared, hierarchy


def _memory_board(
    data: Path, by: tuple[str, ...], breakdowns: str | None, policy: PrivacyPolicy, title: str
) -> Board:
    import allypath
    from allypath.privacy import solve_release
    from allypath.reports.board import build_board
    from allypath.tables import read_table

    frame = read_table(data)
    declared, hierarchy = _declared(breakdowns, by, set(frame.columns))
    scored = frame if "stage" in frame.columns else allypath.score(frame, on_error="mark", source=str(data))
    release = solve_release(scored, declared, policy, wave_column=None, hierarchy=hierarchy)
    board = build_board(
        scored,
        list(by),
        release=release,
        title=title,
        subtitle=f"{len(scored):,} responses from {data.name}",
        by_label=" × ".join(by),
    )
    board.declared = declared
    return board


def _duckdb_board(
    data: Path, by: tuple[str, ...], breakdowns: str | None, policy: PrivacyPolicy, title: str
) -> Board:
    import duckdb
    from rich.progress import Progress, TimeElapsedColumn

    from allypath.engines import BatchScorer, count_parquet_rows, parquet_source, score_parquet_duckdb
    from allypath.reports.board import Board, aggregate_duckdb

    source = parquet_source(data)
    with duckdb.connect() as con:
        try:
            columns = set(con.read_parquet(source, union_by_name=True).columns)
        except duckdb.Error as exc:
            raise AllypathError(f"{data}: cannot read the Parquet input ({exc})") from None
    declared, hierarchy = _declared(breakdowns, by, columns)
    with tempfile.TemporaryDirectory(prefix="allypath-report-") as folder:
        scored: Path | str = data
        if "stage" not in columns:  # score out of core first, then aggregate the scored file
            scored = Path(folder) / "scored.parquet"
            scorer = BatchScorer(on_error="mark", source=str(data))
            with Progress(
                *Progress.get_default_columns(), TimeElapsedColumn(), console=err, transient=True
            ) as bar:
                task = bar.add_task("scoring (rows)", total=count_parquet_rows(data))
                score_parquet_duckdb(
                    data, scored, scorer, on_batch=lambda done: bar.update(task, advance=done)
                )
        table = aggregate_duckdb(scored, list(by), policy, breakdowns=declared, hierarchy=hierarchy)
    return Board(
        title=title,
        subtitle=f"Aggregated with DuckDB from {data.name}",
        by=" × ".join(by),
        by_label=" × ".join(by),
        policy=policy,
        table=table,
        declared=declared,
        notes=[
            "Diagnostic answers, policy awareness and the action plan need the response rows: "
            "run the report with --engine memory for them."
        ],
    )


# A stand-alone group with the same command, so `report` is a sub-command here too (tests, scripts).
app = typer.Typer(help="The board report (also `allypath report`).", pretty_exceptions_enable=False)
app.callback()(lambda: None)
app.command("report", no_args_is_help=True)(report)
