"""``allypath instrument``: show, export and check instruments, and write the codebook."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
import yaml
from rich.table import Table

from allypath.cli._common import (
    Form,
    InstrumentOption,
    Language,
    UserOrderGroup,
    console,
    deprecated_alias,
    fail,
    refuse_output,
    refusing,
)

__all__ = ["instrument_app"]


class InstrumentGroup(UserOrderGroup):
    order = ("show", "export", "check", "codebook")


instrument_app = typer.Typer(
    cls=InstrumentGroup, help="Show, export and check instruments; write the codebook.", no_args_is_help=True
)


class ExportFormat(StrEnum):
    json = "json"
    yaml = "yaml"


FormOption = Annotated[Form, typer.Option(help="The full form or the short (pulse) form.")]


@instrument_app.command("show")
def instrument_show(
    form: FormOption = Form.full,
    language: Annotated[Language, typer.Option("--language", help="Language of the texts.")] = Language.en,
    instrument: InstrumentOption = None,
) -> None:
    """List the instrument's constructs and items with their scale and text, form by form."""
    from allypath.instrument import load_instrument

    with refusing(KeyError):
        inst = load_instrument(instrument).form(form.value)
    console.print(
        f"[bold]{inst.id} {inst.version}[/] ({form.value} form): {inst.title.get_lang(language.value)} — "
        f"{len(inst.constructs)} constructs, {len(inst.items)} items, languages {', '.join(inst.languages)}",
        highlight=False,
        soft_wrap=True,
    )
    table = Table("item", "construct", "type", "scale", "text", show_lines=False)
    for construct in inst.constructs:
        for item in construct.items:
            scale = f"{item.scale.min}-{item.scale.max}" if item.scale is not None else ""
            if item.options:
                scale = f"{len(item.options)} options"
            table.add_row(item.id, construct.id, item.type, scale, item.text.get_lang(language.value))
    console.print(table)


@instrument_app.command("export")
def instrument_export(
    format: Annotated[ExportFormat, typer.Option("--format", help="Output format.")] = ExportFormat.json,
    form: FormOption = Form.full,
    instrument: InstrumentOption = None,
) -> None:
    """Print the active instrument in the contract's JSON shape (docs/architecture.md)."""
    from allypath.instrument import load_instrument

    with refusing(KeyError):
        data = load_instrument(instrument).form(form.value).to_export_dict()
    if format is ExportFormat.json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


@instrument_app.command("check")
def instrument_check(file: Annotated[Path, typer.Argument(help="Instrument YAML file.")]) -> None:
    """Check an instrument file; list every problem with the item and field it concerns."""
    from allypath.instrument import validate_instrument_file

    with refusing():
        _refuse_folder(file, "instrument")
        try:
            inst = validate_instrument_file(file)
        except OSError as exc:
            fail(f"{file}: cannot read it ({exc.strerror or exc})")
    short = inst.form("short")
    console.print(
        f"[green]valid[/]: {inst.id} {inst.version} — {len(inst.constructs)} constructs, "
        f"{len(inst.items)} items ({len(short.items)} in the short form), "
        f"languages {', '.join(inst.languages)}"
    )


def _refuse_folder(path: Path, what: str) -> None:
    from allypath.errors import AllypathError

    if path.is_dir():
        raise AllypathError(f"{path} is a folder: give the {what} file (.yaml)")


@instrument_app.command("codebook")
def codebook_command(
    out: Annotated[Path, typer.Option("--out", help="codebook.csv or codebook.md")],
) -> None:
    """Write the instrument's codebook: items, texts in every language, scales, constructs."""
    from allypath.instrument import load_instrument
    from allypath.io import codebook_rows, write_codebook

    instrument = load_instrument()
    with refusing(out=out):
        refuse_output(out)
        write_codebook(instrument, out)
    console.print(f"codebook of {len(codebook_rows(instrument))} columns written to {out}")


deprecated_alias(instrument_app, "validate", "instrument check", instrument_check)
