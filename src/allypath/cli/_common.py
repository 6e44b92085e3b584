"""What every command shares: the Rich consoles, the one way to fail, exit codes, choices, the group
classes that keep the user's order, and deprecated aliases."""

from __future__ import annotations

import functools
import json
import math
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TimeElapsedColumn
from rich.table import Table
from typer.core import TyperGroup

from allypath.errors import AllypathError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "EXIT_ERROR",
    "DefaultCommandGroup",
    "Form",
    "InstrumentOption",
    "JsonOption",
    "Language",
    "UserOrderGroup",
    "check_item_answers",
    "console",
    "deprecated_alias",
    "err",
    "fail",
    "fmt",
    "json_safe",
    "key_value_table",
    "output_file",
    "placement_line",
    "print_error",
    "print_json",
    "progress_bar",
    "refuse_output",
    "refusing",
]

#: Exit status of a refused input (bad file, bad value): the message names the cause on stderr.
EXIT_ERROR = 2

console = Console(soft_wrap=True)  # a message never folds inside a path
err = Console(stderr=True, soft_wrap=True)

F = TypeVar("F", bound=Callable[..., Any])


class Form(StrEnum):
    full = "full"
    short = "short"


class Language(StrEnum):
    en = "en"
    fr = "fr"
    ar = "ar"


InstrumentOption = Annotated[
    Path | None, typer.Option("--instrument", help="Instrument YAML file (default: the packaged one).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable output (JSON on stdout).")]


def print_error(exc: Exception | str) -> None:
    """One line on stderr: ``error: <the cause>``."""
    # soft_wrap keeps Rich from folding a long message over several lines; markup off for the message,
    # which may hold brackets ("allypath[spark]", a list of columns).
    err.print("[bold red]error:[/] ", end="", highlight=False)
    err.print(str(exc), markup=False, highlight=False, soft_wrap=True)


def fail(exc: Exception | str) -> NoReturn:
    """Stop with :data:`EXIT_ERROR` and one line on stderr naming the cause."""
    print_error(exc)
    raise typer.Exit(code=EXIT_ERROR)


_STOPPED: list[int] = []  # the signal that stopped this run, once one has


def stop_on_signal(signum: int, _frame: object) -> None:
    """SIGTERM (a scheduler's stop, ``kill``) ends the run as Ctrl-C does: through the ``finally``
    blocks, so a half-written output's temporary file is removed and the previous output kept."""
    _STOPPED.append(signum)
    raise SystemExit(128 + signum)


@contextmanager
def refusing(*kinds: type[Exception], out: Path | None = None) -> Iterator[None]:
    """Turn every error allypath raises on purpose (and ``kinds``) into :func:`fail`. With ``out``
    (the command's output), an operating-system error (disk full, file too large, no such folder)
    also becomes one line naming the file it concerns."""
    caught: tuple[type[Exception], ...] = (AllypathError, *kinds)
    try:
        yield
    except caught as exc:
        fail(exc)
    except OSError as exc:
        if out is None:
            raise
        fail(_os_error(exc, out))
    except Exception:
        if _STOPPED:  # DuckDB turns the stop raised inside its query into "Query interrupted"
            raise SystemExit(128 + _STOPPED[0]) from None
        raise


def _os_error(exc: OSError, out: Path) -> str:
    """``exc`` in one line: the file it names when that is not the output (an input that could not be
    read), else the output that could not be written."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    name = exc.filename
    if name is not None:
        named = Path(os.fsdecode(name))
        is_output = named == out or (
            named.parent.resolve() == out.parent.resolve() and named.name.startswith(f".{out.name}.")
        )
        if not is_output:
            return f"{named}: {reason}"
    return f"{out}: cannot write the output ({reason}); the previous file, if any, is left as it was"


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
        return a.resolve() == b.resolve()
    except OSError:
        return False


def refuse_output(out: Path | None, *inputs: Path | None) -> None:
    """Raise an :class:`AllypathError` when ``out`` cannot be written safely: it is one of the
    command's ``inputs`` (writing would destroy them), or its folder is missing or a file."""
    if out is None:
        return
    for source in inputs:
        if source is not None and _same_file(out, source):
            raise AllypathError(
                f"--out {out} is the input file {source}: writing it would destroy the input; "
                "choose another output file"
            )
    parent = out.parent
    if not parent.exists():
        raise AllypathError(f"{out}: the folder {parent} does not exist")
    if not parent.is_dir():
        raise AllypathError(f"{out}: {parent} is not a folder")


@contextmanager
def output_file(out: Path) -> Iterator[Path]:
    """A temporary file beside ``out`` with its suffix (writers choose the format by it), moved over
    ``out`` in one step when the block succeeds: a failed write leaves the previous ``out`` intact and
    no temporary file behind."""
    from allypath._files import atomic_path

    with atomic_path(out) as tmp:
        yield tmp


def check_item_answers(
    frame: pd.DataFrame,
    file: Path,
    *,
    instrument: Path | None = None,
    columns: Iterable[object] | None = None,
) -> pd.DataFrame:
    """Refuse an answer the instrument does not have, as ``allypath score`` and ``allypath import``
    refuse it (:func:`allypath.scoring.answers.read_answers`, which
    :func:`allypath.io.apply.check_answers` runs too): a number, whole, on the item's scale.

    Only the instrument's answer columns among ``columns`` (default: every column) are checked; other
    columns are left to the caller. The instrument is ``instrument`` (default: the packaged one), or
    the packaged version the file's columns were answered on. Raises a
    :class:`~allypath.errors.DataError` naming the file, the row, the column and the value.

    Returns ``frame`` with those columns as scoring reads them: numbers, and "does not apply to me"
    (0, where the item offers it) missing, as every score counts it, not a rating below 1.
    """
    from allypath.instrument import instrument_for_columns, load_instrument
    from allypath.scoring.answers import read_answers

    form = instrument_for_columns([str(c) for c in frame.columns], load_instrument(instrument))
    wanted = frame.columns if columns is None else columns
    items = [
        name
        for name in dict.fromkeys(wanted)
        if isinstance(name, str) and form.has_column(name) and not form.column(name).is_text
    ]
    if not items:
        return frame
    answers = read_answers(frame[items], form, on_error="raise", source=str(file))
    checked = frame.copy()
    for name in items:
        checked[name] = answers.matrix[:, answers.position[name]].astype("float64")
    return checked


def progress_bar() -> Progress:
    """A transient progress bar on stderr, so that stdout stays parseable."""
    return Progress(
        SpinnerColumn(), *Progress.get_default_columns(), TimeElapsedColumn(), console=err, transient=True
    )


def json_safe(value: Any) -> Any:
    """NaN and infinities become None (JSON has no NaN); numpy scalars become Python numbers."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return json_safe(value.item())
    return value


def print_json(payload: Any) -> None:
    sys.stdout.write(json.dumps(json_safe(payload), ensure_ascii=False, indent=2, allow_nan=False) + "\n")


def deprecated_alias(group: typer.Typer, old: str, new: str, command: F, **settings: Any) -> None:
    """Register ``command`` again under its old name ``old``, hidden, saying on stderr that the name is
    deprecated and which command replaces it (``new``, as the user types it). Kept for one release."""

    @functools.wraps(command)
    def alias(*args: Any, **kwargs: Any) -> Any:
        err.print(
            f"warning: `allypath {old_path}` is deprecated and will be removed in the next release; "
            f"use `allypath {new}`",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        return command(*args, **kwargs)

    old_path = " ".join([*new.split()[:-1], old])
    group.command(old, hidden=True, **settings)(alias)


class UserOrderGroup(TyperGroup):
    """A group listing its commands in :attr:`order` (the order a user meets them), sub-groups included:
    Typer otherwise lists plain commands first and groups after them. Hidden commands (deprecated
    aliases) are left out of the list, so neither the help nor docs/cli.md show them."""

    order: Sequence[str] = ()

    def list_commands(self, ctx: Any) -> list[str]:  # typer's own (vendored) click.Context
        visible = [name for name, command in self.commands.items() if not command.hidden]
        rank = {name: n for n, name in enumerate(self.order)}
        return sorted(visible, key=lambda name: rank.get(name, len(rank)))


class DefaultCommandGroup(UserOrderGroup):
    """A group whose first argument, when it names none of its commands, goes to :attr:`default`:
    ``allypath import FILE ...`` runs ``allypath import apply FILE ...``."""

    default: str = ""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = [self.default, *args]
        return super().parse_args(ctx, args)


def placement_line(placed: int, suspect: int) -> str:
    """The placement count as every command prints it, with the careless rows set aside."""
    return f"{placed:,} placed, {suspect:,} set aside as careless (see the reason column)"


def fmt(value: Any, digits: int = 3) -> str:
    """A number as the tables print it: thousands separated, NaN and None as a dash."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(number):
        return "—"
    if number.is_integer() and abs(number) >= 1000:
        return f"{number:,.0f}"
    return f"{number:.{digits}f}"


def key_value_table(title: str, rows: Sequence[tuple[str, Any]]) -> Table:
    table = Table(title=title, title_justify="left", show_header=False)
    table.add_column("statistic")
    table.add_column("value", justify="right")
    for key, value in rows:
        table.add_row(key, fmt(value))
    return table
