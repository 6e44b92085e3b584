"""The ``allypath`` command line (Typer + Rich). Thin: it parses, calls the library, prints.

One module per command group; :mod:`allypath.cli._common` holds what they share (the consoles, the one
way to fail and its exit code, the choices). Commands are registered here, explicitly, in the order a
user meets them: simulate and score, read the results, the instrument, other tools' files, the
psychometrics, the web app's database, the content. Old names are kept hidden for one release and say
which command replaces them.
"""

from __future__ import annotations

import signal
import threading

import typer

from allypath.cli._common import UserOrderGroup, deprecated_alias, stop_on_signal
from allypath.cli.backup import backup_command, restore_command
from allypath.cli.content import content_app
from allypath.cli.files import export_command, import_app
from allypath.cli.instrument import instrument_app
from allypath.cli.methods import calibrate, methods
from allypath.cli.recommend import recommend
from allypath.cli.report import report, summary
from allypath.cli.score import score, simulate
from allypath.cli.stats import stats_app
from allypath.cli.stats_factors import factors as _factors  # noqa: F401 - registers "stats factors"
from allypath.cli.stats_retest import retest as _retest  # noqa: F401 - registers "stats retest"

__all__ = ["COMMANDS", "app", "main"]

#: The top-level commands in the order ``allypath --help`` lists them.
COMMANDS = (
    "simulate",
    "score",
    "summary",
    "report",
    "recommend",
    "instrument",
    "import",
    "export",
    "stats",
    "methods",
    "calibrate",
    "backup",
    "restore",
    "content",
)


class AllypathGroup(UserOrderGroup):
    order = COMMANDS


app = typer.Typer(
    name="allypath",
    cls=AllypathGroup,
    help="A diagnostic for gender-equity allyship at work (Gender Equity Mindset Model).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def _every_command() -> None:
    """A diagnostic for gender-equity allyship at work (Gender Equity Mindset Model)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop_on_signal)


app.command("simulate")(simulate)
app.command("score")(score)
app.command("summary")(summary)
app.command("report", no_args_is_help=True)(report)
app.command("recommend")(recommend)
app.add_typer(instrument_app, name="instrument")
app.add_typer(import_app, name="import")
app.command("export")(export_command)
app.add_typer(stats_app, name="stats")
app.command("methods")(methods)
app.command("calibrate")(calibrate)
app.command("backup")(backup_command)
app.command("restore")(restore_command)
app.add_typer(content_app, name="content")
deprecated_alias(app, "validate", "methods", methods)


def main() -> None:  # pragma: no cover - console entry point
    app()
