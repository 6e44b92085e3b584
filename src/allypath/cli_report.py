"""``allypath report``: the board report of a response file, by group, through the privacy gate.

    allypath report scored.csv --by unit --out report.pdf         # .pdf, .html, .csv or .xlsx
    allypath report responses.parquet --by unit --out agg.csv --k 5
    allypath report lake/ --by unit --out agg.csv --engine duckdb  # any size, bounded memory

A file without a ``stage`` column is scored first. The in-memory engine computes every part of the
report with :mod:`allypath.analytics` through one fresh disclosure ledger; ``--engine duckdb``
aggregates a Parquet file or folder with one DuckDB group-by (scoring it out of core first when
needed) and passes the group counts through the same gate, so both engines hide the same cells. The
CSV has one row per group and an ``overall`` row, the size ``n``, empty cells where the gate hid a
value and a ``suppressed`` column with the rule that hid it (``note`` says why in words).

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
    from allypath.privacy import PrivacyPolicy
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
    by: Annotated[str, typer.Option("--by", help="Group column, e.g. unit, level or region.")] = "unit",
    k: Annotated[int, typer.Option("--k", help="Minimum group size (floor 3).")] = 5,
    engine: Annotated[
        ReportEngine, typer.Option(help="memory (every section) or duckdb (aggregates of any size).")
    ] = ReportEngine.memory,
    title: Annotated[str | None, typer.Option(help="Report title.")] = None,
) -> None:
    """Board report by group (PDF, HTML) or its aggregates (CSV, XLSX), small groups hidden."""
    from allypath.privacy import PrivacyPolicy
    from allypath.reports.board import FORMATS, write_board

    if out.suffix.lower().lstrip(".") not in FORMATS:
        _fail(AllypathError(f"{out}: write the report as .pdf, .html, .csv or .xlsx"))
    try:
        policy = PrivacyPolicy(k=k, k_text=max(10, k))
        name = title or f"Allyship diagnostic: {data.name}"
        if engine is ReportEngine.duckdb:
            board = _duckdb_board(data, by, policy, name)
        else:
            board = _memory_board(data, by, policy, name)
        write_board(board, out)
    except AllypathError as exc:
        _fail(exc)
    table = board.table
    hidden = int((table["suppressed"] != "").sum())
    console.print(
        f"{len(table) - 1} groups by {by} ({hidden} of {len(table)} rows hidden, k = {k}), "
        f"engine {engine.value} -> {out}"
    )


def _memory_board(data: Path, by: str, policy: PrivacyPolicy, title: str) -> Board:
    import allypath
    from allypath.privacy import DisclosureLedger
    from allypath.reports.board import build_board
    from allypath.tables import read_table

    frame = read_table(data)
    if by not in frame.columns:
        raise AllypathError(f"{data}: no column {by!r} to group by")
    scored = frame if "stage" in frame.columns else allypath.score(frame, on_error="mark", source=str(data))
    return build_board(
        scored,
        by,
        ledger=DisclosureLedger(policy, "cli"),
        title=title,
        subtitle=f"{len(scored):,} responses from {data.name}",
        by_label=by,
    )


def _duckdb_board(data: Path, by: str, policy: PrivacyPolicy, title: str) -> Board:
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
    if by not in columns:
        raise AllypathError(f"{data}: no column {by!r} to group by")
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
        table = aggregate_duckdb(scored, by, policy)
    return Board(
        title=title,
        subtitle=f"Aggregated with DuckDB from {data.name}",
        by=by,
        by_label=by,
        policy=policy,
        table=table,
        notes=[
            "Diagnostic answers, policy awareness and the action plan need the response rows: "
            "run the report with --engine memory for them."
        ],
    )


# A stand-alone group with the same command, so `report` is a sub-command here too (tests, scripts).
app = typer.Typer(help="The board report (also `allypath report`).", pretty_exceptions_enable=False)
app.callback()(lambda: None)
app.command("report", no_args_is_help=True)(report)
