"""``allypath import`` and ``allypath export``: other tools' files in, research formats out."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from allypath.cli._common import (
    DefaultCommandGroup,
    Language,
    check_item_answers,
    console,
    refuse_output,
    refusing,
)
from allypath.errors import AllypathError, DataError

__all__ = ["SourceFormat", "export_command", "import_app"]


class ImportGroup(DefaultCommandGroup):
    order = ("detect", "apply")
    default = "apply"


import_app = typer.Typer(
    cls=ImportGroup,
    no_args_is_help=True,
    help="""Import another tool's export into the wide response format.

\b
  allypath import detect FILE [--out mapping.yaml]   propose a mapping for a person to review
  allypath import FILE --mapping M --out OUT         apply a reviewed mapping (CSV or Parquet out)

FILE may be a Qualtrics, SurveyMonkey, LimeSurvey or Google Forms CSV, an SPSS .sav, an .xlsx or a
plain wide CSV; the format is detected (override with --format). `allypath import FILE` is short for
`allypath import apply FILE`.""",
)


class SourceFormat(StrEnum):
    """The formats ``allypath.io.read_any`` reads (``allypath.io.FORMATS``, written out so that the
    command line starts without importing the readers; a test keeps the two equal)."""

    csv = "csv"
    parquet = "parquet"
    qualtrics = "qualtrics"
    surveymonkey = "surveymonkey"
    limesurvey = "limesurvey"
    google_forms = "google_forms"
    spss = "spss"
    xlsx = "xlsx"


SourceArgument = Annotated[Path, typer.Argument(help="Another tool's export.", metavar="FILE")]
FormatOption = Annotated[SourceFormat | None, typer.Option("--format", help="Force the source format.")]


@import_app.command("detect", no_args_is_help=True)
def import_detect(
    source_path: SourceArgument,
    out: Annotated[Path | None, typer.Option("--out", help="Where to write the proposed mapping.")] = None,
    format: FormatOption = None,
) -> None:
    """Propose a mapping of the file's columns onto the instrument, for a person to review."""
    from allypath.instrument import load_instrument
    from allypath.io import detect_mapping, read_any, save_mapping

    with refusing(out=out):
        refuse_output(out, source_path)
        proposal = detect_mapping(read_any(source_path, format=format and format.value), load_instrument())
        if out is None:
            typer.echo(proposal.to_yaml())
            return
        save_mapping(proposal, out)
    console.print(
        f"proposed mapping written to {out}: review it, then run "
        f"`allypath import {source_path} --mapping {out} --out responses.parquet`"
    )


@import_app.command("apply", no_args_is_help=True)
def import_apply(
    source_path: SourceArgument,
    mapping: Annotated[Path | None, typer.Option("--mapping", help="Reviewed mapping YAML (needed).")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Output file (.csv or .parquet; needed).")] = None,
    format: FormatOption = None,
) -> None:
    """Apply a reviewed mapping: the export becomes wide responses (all rows or none)."""
    from allypath.instrument import load_instrument
    from allypath.io import apply_mapping, read_any, write_wide
    from allypath.io.apply import check_answers, drop_empty_rows
    from allypath.io.ids import ID_COLUMN, refuse_duplicate_ids

    with refusing(out=out):
        if mapping is None or out is None:
            raise AllypathError("importing needs --mapping (from `allypath import detect`) and --out")
        refuse_output(out, source_path, mapping)
        source = read_any(source_path, format=format and format.value)
        instrument = load_instrument()
        frame = apply_mapping(source, mapping, instrument)
        # The answers as `allypath score` checks them: a mapping cannot put a 6 on a 1-5 item.
        check_answers(frame, source, mapping, instrument)
        # A row with nothing at all (an empty trailing row of an SPSS file or a sheet) is no response.
        frame, rows, dropped = drop_empty_rows(frame)
        if ID_COLUMN in frame.columns:
            # Each respondent once, and named (`allypath score` refuses the file otherwise)
            refuse_duplicate_ids(frame[ID_COLUMN], file=str(source_path), rows=rows)
        write_wide(frame, out)
    note = f"; dropped {dropped:,} empty row(s) (no id, answer or attribute)" if dropped else ""
    console.print(f"imported {len(frame):,} responses from {source_path} ({source.format}) -> {out}{note}")


def export_command(
    source: Annotated[Path, typer.Argument(help="Wide responses (.csv or .parquet).")],
    out: Annotated[Path, typer.Option("--out", help=".sav (labelled), .xlsx, .csv or .parquet")],
    language: Annotated[Language, typer.Option(help="Language of SPSS labels.")] = Language.en,
) -> None:
    """Export responses for SPSS, Excel or other tools (formula-injection safe in Excel)."""
    # All rows or none, unchanged: an answer off its item's scale (as `allypath score` refuses it), or a
    # value the format cannot hold exactly (a text longer than an SPSS text variable or an Excel cell,
    # a whole number SPSS or Excel would round), is refused naming the row and column; nothing is
    # written. (The docstring is the command's help, and docs/cli.md is generated from it.)
    from allypath.instrument import load_instrument
    from allypath.io import write_spss, write_wide, write_xlsx
    from allypath.tables import read_table

    with refusing(out=out):
        refuse_output(out, source)
        frame = read_table(source)
        # A labelled .sav declares each item's scale: an answer off it would contradict the labels.
        check_item_answers(frame, source)
        suffix = out.suffix.lower()
        if suffix not in (".sav", ".xlsx", ".csv", ".parquet", ".pq"):
            raise DataError(
                "unknown output format: use .sav (SPSS), .xlsx (Excel), .csv or .parquet", file=str(out)
            )
        try:
            if suffix == ".sav":
                write_spss(frame, out, load_instrument(), language=language.value)
            elif suffix == ".xlsx":
                write_xlsx(frame, out)
            else:
                write_wide(frame, out)
        except DataError as exc:
            if exc.row is None and exc.column is None:
                raise
            # A cell the format cannot hold: the row and column are the input's, where it is fixed.
            raise DataError(
                f"{exc.message}; nothing was written to {out}",
                file=str(source),
                row=exc.row,
                column=exc.column,
            ) from None
    console.print(f"wrote {len(frame):,} rows to {out}")
