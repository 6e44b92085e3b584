"""``allypath import`` and ``allypath export``: other tools' files in, research formats out."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from allypath.errors import AllypathError

console = Console()
err = Console(stderr=True)

IMPORT_HELP = """Import another tool's export into the wide response format.

\b
  allypath import detect FILE [--out mapping.yaml]   propose a mapping for a person to review
  allypath import FILE --mapping M --out OUT         apply a reviewed mapping (CSV or Parquet out)

FILE may be a Qualtrics, SurveyMonkey, LimeSurvey or Google Forms CSV, an SPSS .sav, an .xlsx or a
plain wide CSV; the format is detected (override with --format)."""


def _fail(exc: Exception) -> None:
    err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
    raise typer.Exit(code=2)


def import_command(
    args: Annotated[list[str], typer.Argument(help="FILE, or: detect FILE", show_default=False)],
    mapping: Annotated[Path | None, typer.Option("--mapping", help="Reviewed mapping YAML.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Output file.")] = None,
    format: Annotated[str | None, typer.Option("--format", help="Force the source format.")] = None,
) -> None:
    from allypath.instrument import load_instrument
    from allypath.io import apply_mapping, detect_mapping, read_any, save_mapping, write_wide

    detect = args[0] == "detect"
    files = args[1:] if detect else args
    if len(files) != 1:
        _fail(AllypathError("give exactly one file: `allypath import detect FILE` or `allypath import FILE`"))
    source_path = Path(files[0])
    try:
        source = read_any(source_path, format=format)
        if detect:
            proposal = detect_mapping(source, load_instrument())
            if out is not None:
                save_mapping(proposal, out)
                console.print(
                    f"proposed mapping written to {out}: review it, then run "
                    f"`allypath import {source_path} --mapping {out} --out responses.parquet`"
                )
            else:
                typer.echo(proposal.to_yaml())
            return
        if mapping is None or out is None:
            raise AllypathError("importing needs --mapping (from `allypath import detect`) and --out")
        frame = apply_mapping(source, mapping, load_instrument())
        write_wide(frame, out)
    except AllypathError as exc:
        _fail(exc)
    console.print(f"imported {len(frame):,} responses from {source_path} ({source.format}) -> {out}")


def export_command(
    source: Annotated[Path, typer.Argument(help="Wide responses (.csv or .parquet).")],
    out: Annotated[Path, typer.Option("--out", help=".sav (labelled), .xlsx, .csv or .parquet")],
    language: Annotated[str, typer.Option(help="Language of SPSS labels.")] = "en",
) -> None:
    """Export responses for SPSS, Excel or other tools (formula-injection safe in Excel)."""
    from allypath.instrument import load_instrument
    from allypath.io import write_spss, write_wide, write_xlsx
    from allypath.tables import read_table

    try:
        frame = read_table(source)
        suffix = out.suffix.lower()
        if suffix == ".sav":
            write_spss(frame, out, load_instrument(), language=language)
        elif suffix == ".xlsx":
            write_xlsx(frame, out)
        else:
            write_wide(frame, out)
    except AllypathError as exc:
        _fail(exc)
    console.print(f"wrote {len(frame):,} rows to {out}")


def codebook_command(
    out: Annotated[Path, typer.Option("--out", help="codebook.csv or codebook.md")],
) -> None:
    """Write the instrument's codebook: items, texts in every language, scales, constructs."""
    from allypath.instrument import load_instrument
    from allypath.io import codebook_rows, write_codebook

    instrument = load_instrument()
    try:
        write_codebook(instrument, out)
    except AllypathError as exc:
        _fail(exc)
    console.print(f"codebook of {len(codebook_rows(instrument))} columns written to {out}")
