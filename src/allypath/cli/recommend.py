"""``allypath recommend``: one scored respondent's next steps, each with its reason."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from allypath.cli._common import Language, console, fail, refusing
from allypath.errors import AllypathError

__all__ = ["recommend"]


def recommend(
    scored: Annotated[Path, typer.Argument(help="Scored file from `allypath score`.")],
    respondent: Annotated[str, typer.Option("--respondent", help="respondent_id of the row.")],
    language: Annotated[Language, typer.Option("--language", help="Language of the steps.")] = Language.en,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Personal next steps for one scored respondent, each with its reason."""
    from allypath.recommendations import recommend as run_recommend
    from allypath.tables import read_table

    with refusing():
        frame = read_table(scored)
    if "respondent_id" not in frame.columns:
        fail(AllypathError(f"{scored}: no respondent_id column, so no respondent can be found"))
    if "stage" not in frame.columns:
        fail(AllypathError(f"file {scored} is not scored (no stage column): run `allypath score` first"))
    matches = (frame["respondent_id"].astype("string").str.strip() == respondent.strip()).fillna(False)
    rows = frame[matches.to_numpy()]
    if rows.empty:
        fail(AllypathError(f"{scored}: no row with respondent_id {respondent!r}"))
    if len(rows) > 1:
        # 1-based data rows, as every error counts them
        numbers = [str(int(i) + 1) for i in matches.to_numpy().nonzero()[0]]
        where = f"{', '.join(numbers[:-1])} and {numbers[-1]}"
        fail(AllypathError(f"{scored}: respondent_id {respondent!r} is ambiguous: it is on rows {where}"))
    recs = run_recommend({str(k): v for k, v in rows.iloc[0].items()}, language=language.value)
    if as_json:
        sys.stdout.write(json.dumps([r.to_dict() for r in recs], ensure_ascii=False, indent=2) + "\n")
        return
    table = Table("#", "suggestion", "why", show_lines=True)
    for rec in recs:
        table.add_row(str(rec.priority), f"[bold]{rec.title}[/]\n{rec.text}", rec.reason)
    console.print(table)
