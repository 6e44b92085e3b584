"""``allypath summary`` (a readable summary per group, in the terminal) and ``allypath report`` (the
board report of a response file, by group, from one solved release).

    allypath report scored.csv --by unit --out report.pdf         # .pdf, .html, .csv or .xlsx
    allypath report responses.parquet --by unit*level --out agg.csv --k 5
    allypath report data.csv --by level --breakdowns unit,level,unit*level --out by-level.csv
    allypath report lake/ --by unit --out agg.csv --engine duckdb  # any size, bounded memory
    allypath report lake/ --by unit --out agg.csv --engine spark   # the same table, on local Spark

A file without a ``stage`` column is scored first. Every call solves the publication over all the
declared breakdowns (default: the attribute columns present among org, unit, level and region, the unit
hierarchy ``unit``, ``unit2``, ... and every pair of them; ``--breakdowns`` declares them) and writes
the requested table from it, so separate calls on one file agree cell for cell and combine safely.
A ``--by`` outside the declared set is refused (added to one call's tables, it made that call a
publication of its own, which could be subtracted from another's): declare it with ``--breakdowns``.
``--engine duckdb`` computes the same finest cells with DuckDB (scoring out of core first when needed),
and ``--engine spark`` counts them in Spark's workers (local mode, every core; a cluster runs
``allypath.engines.spark_submit``, docs/spark.md), so every engine hides the same cells. The CSV has one
row per group and an ``overall`` row, the size ``n``, empty cells where a value is hidden, a
``suppressed`` column with the reason code, ``note`` with the reason in words and ``split`` (stages,
bands or hidden).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from allypath._written import as_written
from allypath.cli._common import (
    console,
    fail,
    output_file,
    placement_line,
    progress_bar,
    refuse_output,
    refusing,
)
from allypath.cli._waves import WAVE_COLUMN, WaveChoice, choose_wave
from allypath.errors import AllypathError, DataError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from allypath.privacy import Breakdown, PrivacyPolicy
    from allypath.reports.board import Board

__all__ = ["ReportEngine", "report", "summary"]


class ReportEngine(StrEnum):
    memory = "memory"
    duckdb = "duckdb"
    spark = "spark"


def summary(
    scored: Annotated[Path, typer.Argument(help="Scored file from `allypath score`.")],
    by: Annotated[str, typer.Option("--by", help="Group column.")] = "org",
    k: Annotated[int, typer.Option("--k", help="Minimum group size (floor 3).")] = 5,
    breakdowns: Annotated[
        str | None,
        typer.Option(help="Declared breakdowns, as for `allypath report` (the same default)."),
    ] = None,
    wave: Annotated[str | None, typer.Option("--wave", help=_WAVE_HELP)] = None,
) -> None:
    """A readable per-group summary: stage mix, awareness, participation, barriers, actions.

    Shares are whole percentages with the range they likely lie in (95% Wilson interval): a group is
    a sample of the men it stands for. Barrier means are on the 1-5 agreement scale, each with the
    widest margin chance allows for the number of men who answered, and "too close to call" where
    that margin reaches across 3.5 (strong)."""
    from allypath.analytics import summarise_groups
    from allypath.model import STAGES
    from allypath.privacy import PrivacyPolicy, solve_release
    from allypath.tables import read_table

    with refusing():
        frame = read_table(scored)
        choice = choose_wave(frame, wave, str(scored))
        _refuse_duplicate_ids(frame, scored)
        _refuse_bad_stages(frame, scored)
        if by not in frame.columns:
            raise DataError(f"the data has no column {by!r} to group by (--by)", file=str(scored))
        if "stage" not in frame.columns:
            raise DataError(
                "the data is not scored (no stage column): run `allypath score` first",
                file=str(scored),
                column="stage",
            )
        policy = PrivacyPolicy(k=k, k_text=max(10, k))
        # One release over every declared breakdown, as `allypath report` solves it: two summaries of
        # one file (by org, by unit) then agree and cannot be subtracted to a small group's figures.
        declared, hierarchy = _declared(breakdowns, (by,), set(frame.columns), scored)
        waves = _wave_column(choice)
        release = solve_release(frame, declared, policy, wave_column=waves, hierarchy=hierarchy)
        groups = summarise_groups(frame, by, release=release, filters=choice.filters())
    if choice.several:
        listed = ", ".join(choice.waves)
        console.print(f"Wave {choice.chosen} (the data hold the waves {listed}; --wave chooses)")
        frame = frame[frame[WAVE_COLUMN] == choice.chosen]
    if "status" in frame.columns:
        status = frame["status"].astype("string")
        console.print(placement_line(int((status == "scored").sum()), int((status == "suspect").sum())))
    for group in groups:
        if not group.visible:
            console.print(f"[bold]{group.group}[/]: {group.hidden_reason}")
            continue
        table = Table(title=f"{group.group} — {group.n} respondents placed", title_justify="left")
        table.add_column("stage")
        table.add_column("share", justify="right")
        table.add_column("likely between", justify="right")
        table.add_column("")
        for stage in STAGES:
            share = group.stage_mix[stage.number]
            table.add_row(
                stage.label.get_lang("en"),
                f"{share:.0%}",
                _likely(group.stage_intervals[stage.number]),
                "█" * round(share * 40),
            )
        console.print(table)
        console.print(f"  between stages: {_share(group.between_share, group.between_interval)}")
        console.print(
            # what men say they know: the board report checks it against the declared policies
            f"  policy awareness they claim, of the {group.policy_answered} who answered:"
            f" {_share(group.policy_aware_share, group.policy_aware_interval)}"
        )
        console.print(
            f"  took part in initiatives: {_share(group.participation_share, group.participation_interval)}"
        )
        barriers = "; ".join(group.barrier_lines())
        console.print(f"  strongest barriers: {barriers or 'none published for this group'}")
        for n, (action, why) in enumerate(group.actions, start=1):
            console.print(f"  action {n}: [bold]{action}[/] — {why}")
        console.print()
    if _some_without(frame, by):
        # no count: the total less the shown groups could then tell a hidden group's size
        console.print(
            f"Some placed respondents have no {by}: they count in the placement line above, in no group.",
            style="dim",
        )
    if any(group.visible for group in groups):
        console.print(
            "Likely between: where the share among all the men a group stands for most likely lies"
            " (95% interval); a group's answers are a sample of them. Give or take up to: how far a"
            " group's average could be off by chance alone, judged from how many men answered it, so the"
            " real margin is usually smaller.",
            style="dim",
        )


def _some_without(frame: pd.DataFrame, by: str) -> bool:
    """Whether a placed row has no value (blank or missing) in the group column ``by``."""
    placed = frame if "status" not in frame.columns else frame[(frame["status"] == "scored").fillna(False)]
    values = placed[by].astype("string").str.strip()
    return bool((values.isna() | (values == "")).any())


def _likely(interval: tuple[float, float]) -> str:
    low, high = interval
    return "" if low != low else f"{low:.0%} and {high:.0%}"


def _share(value: float, interval: tuple[float, float]) -> str:
    """A share in words with where it likely lies (95%), or why it is not shown."""
    if value != value:
        return "not published (it would tell how members answered)"
    return f"{value:.0%} (likely between {_likely(interval)})"


def report(
    data: Annotated[
        Path,
        typer.Argument(
            help="Responses, scored or not: .csv or .parquet (a Parquet folder with duckdb or spark)."
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="The report: .pdf, .html, .csv or .xlsx.")],
    by: Annotated[
        str, typer.Option("--by", help="Group column(s), e.g. unit, level, region or unit*level.")
    ] = "unit",
    breakdowns: Annotated[
        str | None,
        typer.Option(
            help=(
                "Declared breakdowns, e.g. unit,level,region,unit*level (default: the columns among org,"
                " unit, level and region that the data hold, the unit hierarchy unit2, unit3, ..., and"
                " every pair of them)."
            )
        ),
    ] = None,
    k: Annotated[int, typer.Option("--k", help="Minimum group size (floor 3).")] = 5,
    engine: Annotated[
        ReportEngine,
        typer.Option(help="memory (every section), duckdb or spark (aggregates of any size)."),
    ] = ReportEngine.memory,
    title: Annotated[str | None, typer.Option(help="Report title.")] = None,
    wave: Annotated[str | None, typer.Option("--wave", help=_WAVE_HELP)] = None,
) -> None:
    """Board report by group (PDF, HTML) or its aggregates (CSV, XLSX), small groups hidden."""
    from allypath.privacy import PrivacyPolicy, parse_breakdowns
    from allypath.reports.board import FORMATS, write_board

    if out.suffix.lower().lstrip(".") not in FORMATS:
        fail(AllypathError(f"{out}: write the report as .pdf, .html, .csv or .xlsx"))
    with refusing(out=out):
        refuse_output(out, data)
        policy = PrivacyPolicy(k=k, k_text=max(10, k))
        name = title or f"Allyship diagnostic: {data.name}"
        columns = parse_breakdowns(by, field="--by")[0].columns
        if engine is not ReportEngine.memory:
            _refuse_waves_out_of_core(data, wave, engine)
        if engine is ReportEngine.duckdb:
            board = _duckdb_board(data, columns, breakdowns, policy, name)
        elif engine is ReportEngine.spark:
            board = _spark_board(data, columns, breakdowns, policy, name)
        else:
            board = _memory_board(data, columns, breakdowns, policy, name, wave)
        with output_file(out) as tmp:
            write_board(board, tmp)
    table = board.table
    hidden = int((table["suppressed"] != "").sum())
    console.print(
        f"{len(table) - 1} groups by {by} ({hidden} of {len(table)} rows hidden, k = {k}; "
        f"declared: {', '.join(str(b) for b in board.declared)}), "
        f"engine {engine.value} -> {out}"
    )


_WAVE_HELP = (
    "The wave to report when the data hold several (a wave column): its figures, and its change since "
    "the wave before it. Default: the last wave in the file."
)


def _wave_column(choice: WaveChoice) -> str | None:
    """The release's wave column: the data's, when they hold several waves (solved over them all)."""
    return WAVE_COLUMN if choice.several else None


def _refuse_duplicate_ids(frame: pd.DataFrame, path: Path) -> None:
    """Two rows of one respondent would count him twice: refused, naming the file and both rows. In
    data of several waves, within a wave: the same man answering every wave is a panel."""
    from allypath.io.ids import ID_COLUMN, refuse_duplicate_ids

    if ID_COLUMN in frame.columns:
        waves = frame[WAVE_COLUMN] if WAVE_COLUMN in frame.columns else None
        refuse_duplicate_ids(frame[ID_COLUMN], file=str(path), waves=waves)


def _refuse_waves_out_of_core(data: Path, wave: str | None, engine: ReportEngine) -> None:
    """The DuckDB and Spark reports count one wave: data of several are refused, not summed into one."""
    import duckdb

    from allypath.engines import parquet_source
    from allypath.engines.duckdb_engine import read_parquet_relation

    with duckdb.connect() as con:
        try:
            relation = read_parquet_relation(con, parquet_source(data))
            if WAVE_COLUMN not in relation.columns:
                waves: list[str] = []
            else:
                distinct = relation.query(
                    "data",
                    f"SELECT DISTINCT trim(CAST({WAVE_COLUMN} AS VARCHAR)) AS w FROM data "  # noqa: S608
                    f"WHERE {WAVE_COLUMN} IS NOT NULL ORDER BY w LIMIT 7",
                )
                assert distinct is not None  # a SELECT always gives a relation
                rows = distinct.fetchall()
                waves = [str(row[0]) for row in rows if str(row[0])]
        except duckdb.Error as exc:
            raise AllypathError(f"{data}: cannot read the Parquet input ({exc})") from None
    if wave is not None or len(waves) > 1:
        listed = ", ".join(waves[:6]) + (", ..." if len(waves) > 6 else "")
        raise DataError(
            (f"the data hold the waves {listed}: " if len(waves) > 1 else "")
            + f"the {engine.value} engine reports data of one wave, whole; give it one wave's files, or "
            "report with --engine memory, which shows one wave (--wave) and its change since the one before",
            file=str(data),
            column=WAVE_COLUMN,
        )


def _refuse_bad_stages(frame: pd.DataFrame, path: Path) -> None:
    """A scored file's stages are 1-4 or blank (:func:`allypath.io.stages.checked_stages`)."""
    from allypath.io.stages import checked_stages

    if "stage" in frame.columns:
        checked_stages(frame["stage"], file=str(path))


def _refuse_bad_stages_parquet(data: Path) -> None:
    """:func:`_refuse_bad_stages` out of core, for a scored Parquet input of the DuckDB engine."""
    from allypath.engines.duckdb_engine import first_bad_stage_parquet
    from allypath.io.stages import BAD_STAGE

    found = first_bad_stage_parquet(data)
    if found is not None:
        file, row, cell = found
        raise DataError(BAD_STAGE.format(as_written(cell)), file=file, row=row, column="stage")


def _refuse_duplicate_ids_parquet(data: Path) -> None:
    """:func:`_refuse_duplicate_ids` out of core, for the DuckDB and Spark engines (the same message)."""
    from allypath.engines import refuse_duplicate_ids_parquet

    with progress_bar() as bar:
        task = bar.add_task("checking that each respondent_id is on one row", total=1)
        refuse_duplicate_ids_parquet(data)
        bar.update(task, completed=1)


#: Attribute columns of the wide format that are published by default (docs/architecture.md).
ATTRIBUTES = ("org", "level", "region")


def _hierarchy(columns: set[str]) -> list[str]:
    """``unit``, ``unit2``, ``unit3``... as far as the data has them (the unit hierarchy)."""
    levels = ["unit"] if "unit" in columns else []
    while levels and f"unit{len(levels) + 1}" in columns:
        levels.append(f"unit{len(levels) + 1}")
    return levels


def _declared(
    text: str | None, by: tuple[str, ...], columns: set[str], source: Path
) -> tuple[list[Breakdown], list[str]]:
    from allypath.privacy import Breakdown, default_breakdowns, parse_breakdowns

    hierarchy = _hierarchy(columns)
    if text:
        declared = parse_breakdowns(text, field="--breakdowns")
    else:
        declared = default_breakdowns([a for a in ATTRIBUTES if a in columns], hierarchy)
    for column in by:
        if column not in columns:
            raise DataError(f"the data has no column {column!r} to group by (--by)", file=str(source))
    if all(set(b.columns) != set(by) for b in declared):
        # Adding it here would make this call a publication of its own: its release, solved over one
        # table more, can show a cell another call's hides, and the two could be subtracted.
        keys = [b.key for b in declared]
        raise DataError(
            f"the breakdown {Breakdown(by)} is not among the declared ones ({', '.join(keys)}); declare "
            f"it with --breakdowns {','.join([*keys, '*'.join(by)])} and make every report of this data "
            "with the same --breakdowns: figures of two declarations could be subtracted to single out "
            "a small group",
            column="--by",
        )
    for breakdown in declared:
        for column in breakdown.columns:
            if column not in columns:
                raise AllypathError(f"no column {column!r} for the breakdown {breakdown}")
    return declared, hierarchy


def _memory_board(
    data: Path,
    by: tuple[str, ...],
    breakdowns: str | None,
    policy: PrivacyPolicy,
    title: str,
    wave: str | None = None,
) -> Board:
    import allypath
    from allypath.privacy import solve_release
    from allypath.reports.board import build_board
    from allypath.tables import read_table

    frame = read_table(data)
    choice = choose_wave(frame, wave, str(data))
    _refuse_duplicate_ids(frame, data)
    _refuse_bad_stages(frame, data)
    declared, hierarchy = _declared(breakdowns, by, set(frame.columns), data)
    # Unscored rows are scored with the checks of `allypath score`: a bad answer is refused (file, row,
    # column), never dropped from the report without a word.
    scored = frame if "stage" in frame.columns else allypath.score(frame, on_error="raise", source=str(data))
    release = solve_release(scored, declared, policy, wave_column=_wave_column(choice), hierarchy=hierarchy)
    responses = int((scored[WAVE_COLUMN] == choice.chosen).sum()) if choice.several else len(scored)
    subtitle = f"{responses:,} responses from {data.name}"
    board = build_board(
        scored,
        list(by),
        release=release,
        title=title,
        subtitle=f"{subtitle}: {choice.words()}" if choice.several else subtitle,
        by_label=" × ".join(by),
        filters=choice.filters(),
        previous=choice.previous,
    )
    board.declared = declared
    return board


def _duckdb_board(
    data: Path, by: tuple[str, ...], breakdowns: str | None, policy: PrivacyPolicy, title: str
) -> Board:
    from allypath._memory import keep_freed_memory
    from allypath.engines import (
        BatchScorer,
        aggregate_duckdb,
        aggregate_unscored_duckdb,
        count_parquet_rows,
    )

    columns = _parquet_columns(data)
    declared, hierarchy = _declared(breakdowns, by, columns, data)
    _refuse_duplicate_ids_parquet(data)
    if "stage" in columns:  # already scored: aggregate the file as it is
        _refuse_bad_stages_parquet(data)
        table = aggregate_duckdb(data, list(by), policy, breakdowns=declared, hierarchy=hierarchy)
    else:
        # Scored and counted in one pass: each scored batch is counted by the finest cells of the
        # declared columns and dropped, so no scored row is written anywhere (writing and reading
        # back a scored file was a third of the command's time).
        scorer = BatchScorer(on_error="raise", source=str(data))
        keep_freed_memory()  # one batch after another of the same sizes: their memory is reused
        with progress_bar() as bar:
            task = bar.add_task("scoring and counting (rows)", total=count_parquet_rows(data))
            table = aggregate_unscored_duckdb(
                data,
                list(by),
                policy,
                breakdowns=declared,
                hierarchy=hierarchy,
                scorer=scorer,
                on_batch=lambda done: bar.update(task, advance=done),
            )
    return _aggregates_board(table, declared, by, policy, title, f"Aggregated with DuckDB from {data.name}")


def _parquet_columns(data: Path) -> set[str]:
    """The columns of a Parquet file, folder or glob (all its files' columns, by name)."""
    import duckdb

    from allypath.engines import parquet_source
    from allypath.engines.duckdb_engine import read_parquet_relation

    with duckdb.connect() as con:
        try:
            return set(read_parquet_relation(con, parquet_source(data)).columns)
        except duckdb.Error as exc:
            raise AllypathError(f"{data}: cannot read the Parquet input ({exc})") from None


def _spark_board(
    data: Path, by: tuple[str, ...], breakdowns: str | None, policy: PrivacyPolicy, title: str
) -> Board:
    """The DuckDB board's table counted on a local Spark session: the workers read the files, score
    them and count the finest cells of the declared breakdowns; the driver solves the release."""
    import os

    from allypath.engines import local_spark
    from allypath.engines.spark_engine import aggregate_spark

    declared, hierarchy = _declared(breakdowns, by, _parquet_columns(data), data)
    _refuse_duplicate_ids_parquet(data)
    with progress_bar() as bar:
        task = bar.add_task("starting Spark", total=None)
        spark = local_spark(cores=os.cpu_count() or 2)
        try:
            bar.update(task, description="scoring and counting on Spark")
            table = aggregate_spark(
                str(data),
                list(by),
                policy,
                breakdowns=declared,
                hierarchy=hierarchy,
                spark=spark,
                reader="arrow",
            )
        finally:
            spark.stop()
        bar.update(task, total=1, completed=1)
    return _aggregates_board(table, declared, by, policy, title, f"Aggregated with Spark from {data.name}")


def _aggregates_board(
    table: pd.DataFrame,
    declared: list[Breakdown],
    by: tuple[str, ...],
    policy: PrivacyPolicy,
    title: str,
    subtitle: str,
) -> Board:
    """The board of an engine that counts aggregates only (DuckDB, Spark): the table, no row sections."""
    from allypath.reports.board import Board

    return Board(
        title=title,
        subtitle=subtitle,
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
