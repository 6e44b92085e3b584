"""``allypath content``: check the content library, dilemmas and circle guides; build a workshop deck."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from allypath.cli._common import (
    EXIT_ERROR,
    Language,
    UserOrderGroup,
    console,
    deprecated_alias,
    output_file,
    print_error,
    refuse_output,
    refusing,
)
from allypath.errors import AllypathError

if TYPE_CHECKING:  # pragma: no cover
    from allypath.content import DilemmaSet, GuideSet, Library

__all__ = ["content_app"]


class ContentGroup(UserOrderGroup):
    order = ("check", "deck")


content_app = typer.Typer(
    cls=ContentGroup,
    help="Check the content library, scenario dilemmas and circle guides; build workshop decks.",
    no_args_is_help=True,
)


def _describe(built: Library | DilemmaSet | GuideSet) -> str:
    from allypath.content import DilemmaSet, Library
    from allypath.model import stage

    languages = ", ".join(built.languages)
    if isinstance(built, Library):
        stages = Counter(item.home_stage for item in built)
        formats = Counter(item.format for item in built)
        per_stage = "; ".join(f"{stage(n).short_label.get_lang('en')} {stages[n]}" for n in (1, 2, 3, 4))
        per_format = ", ".join(f"{formats[f]} {f}" for f in sorted(formats))
        return (
            f"library {built.id} {built.version}: {len(built)} items ({per_stage}; {per_format})"
            f" — languages {languages}"
        )
    if isinstance(built, DilemmaSet):
        contexts = Counter(d.context for d in built)
        per_context = ", ".join(f"{c} {n}" for c, n in sorted(contexts.items()))
        return (
            f"dilemmas {built.id} {built.version}: {len(built)} dilemmas ({per_context})"
            f" — languages {languages}"
        )
    sessions = sum(len(g.sessions) for g in built)
    return (
        f"circle guides {built.id} {built.version}: {len(built)} guides, {sessions} sessions "
        f"({', '.join(g.mix for g in built)}) — languages {languages}"
    )


@content_app.command("check")
def content_check(
    file: Annotated[
        Path | None,
        typer.Argument(
            help="A content file (library, dilemmas or circle guides); default: the packaged ones."
        ),
    ] = None,
) -> None:
    """Check content files: stages, tags, the three languages, reading times, links and counts.

    Every problem is listed with the item (or dilemma, guide, session) and the field it concerns.
    """
    from allypath.content import DEFAULT_FILES, validate_content_file

    files = [file] if file is not None else list(DEFAULT_FILES.values())
    failed = False
    for path in files:
        try:
            if path.is_dir():
                raise AllypathError(f"{path} is a folder: give a content file (.yaml)")
            built = validate_content_file(path)
        except OSError as exc:
            print_error(f"{path}: cannot read it ({exc.strerror or exc})")
            failed = True
            continue
        except AllypathError as exc:
            print_error(exc)
            failed = True
            continue
        console.print(f"[green]valid[/]: {_describe(built)}", highlight=False, soft_wrap=True)
    if failed:
        raise typer.Exit(code=EXIT_ERROR)


@content_app.command("deck", no_args_is_help=True)
def content_deck(
    stage: Annotated[int, typer.Option("--stage", min=1, max=4, help="The group's most common stage (1-4).")],
    context: Annotated[
        str,
        typer.Option(
            "--context",
            help="The group's weakest context: team_meetings, hiring_promotion, flexible_caregiving "
            "or informal_social.",
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="Output file: .pdf or .html.")],
    language: Annotated[Language, typer.Option("--language", help="Language of the deck.")] = Language.en,
    dilemmas: Annotated[int, typer.Option("--dilemmas", min=1, max=6, help="How many dilemmas.")] = 3,
    notes: Annotated[
        bool, typer.Option("--notes/--no-notes", help="Facilitator notes under each slide (default) or not.")
    ] = True,
) -> None:
    """Build a scenario-workshop deck for a stage and a context you choose.

    The stage and context are given here, never read from survey data: group figures must come
    through the privacy release.
    """
    from allypath.reports.deck import workshop_deck, write_deck

    with refusing(ValueError, out=out):
        refuse_output(out)
        deck = workshop_deck(stage, context, language=language.value, n=dilemmas)
        with console.status("Rendering the deck"), output_file(out) as tmp:
            write_deck(deck, tmp, notes=notes)
    console.print(f"wrote a {len(deck.dilemmas)}-dilemma workshop deck ({language.value}) to {out}")


deprecated_alias(content_app, "validate", "content check", content_check)
