"""Write the documentation that is generated from the code, or check that it is up to date.

- the settings table of docs/web.md, between its ``settings:start`` and ``settings:end`` markers, from
  the fields of :class:`allypath.web.config.WebSettings` (name, default, description);
- docs/cli.md, the command-line reference, from the Typer application (``typer ... utils docs``).

``python scripts/make_docs.py`` rewrites both; ``--check`` writes nothing and exits 1 naming each file
that differs from what the code says (``make lint`` runs it, so the docs cannot go stale).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WEB_DOC = ROOT / "docs" / "web.md"
CLI_DOC = ROOT / "docs" / "cli.md"
START, END = (
    "<!-- settings:start (make docs writes this table from allypath.web.config) -->",
    "<!-- settings:end -->",
)


def _default(field: object) -> str:
    from pydantic import SecretStr

    factory = getattr(field, "default_factory", None)
    value = factory() if factory is not None else getattr(field, "default", None)
    if value is None or (isinstance(value, SecretStr) and not value.get_secret_value()):
        return "unset"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, list):
        return f"`{','.join(map(str, value))}`" if value else "empty"
    if isinstance(value, str) and not value:
        return "empty"
    if isinstance(value, int) and value >= 1 << 20 and value % (1 << 20) == 0:
        return f"{value >> 20} MiB"
    return f"`{value}`"


def settings_table() -> str:
    os.environ.setdefault("ALLYPATH_DEBUG", "true")
    from allypath.web.config import WebSettings

    lines = ["| variable | default | meaning |", "|---|---|---|"]
    for name, field in WebSettings.model_fields.items():
        alias = field.validation_alias
        variable = alias if isinstance(alias, str) else f"ALLYPATH_{name.upper()}"
        meaning = (field.description or "").replace("|", "\\|")
        lines.append(f"| `{variable}` | {_default(field)} | {meaning} |")
    return "\n".join(lines)


def web_doc(current: str) -> str:
    if START not in current or END not in current:
        raise SystemExit(f"{WEB_DOC}: the markers {START!r} and {END!r} are missing")
    before, rest = current.split(START, 1)
    _, after = rest.split(END, 1)
    return f"{before}{START}\n{settings_table()}\n{END}{after}"


def cli_doc() -> str:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "cli.md"
        typer = Path(sys.executable).with_name("typer")
        subprocess.run(  # noqa: S603 - our own venv's typer, fixed arguments
            [str(typer), "allypath.cli", "utils", "docs", "--name", "allypath", "--output", str(out)],
            check=True,
            capture_output=True,
            env={**os.environ, "COLUMNS": "100", "TERM": "dumb"},
        )
        body = out.read_text(encoding="utf-8")
    note = "<!-- make docs writes this file from the command line's own help: do not edit it by hand -->\n\n"
    return note + body


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file is stale")
    check = parser.parse_args().check
    wanted = {WEB_DOC: web_doc(WEB_DOC.read_text(encoding="utf-8")), CLI_DOC: cli_doc()}
    stale = [
        path for path, text in wanted.items() if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    if check:
        for path in stale:
            print(f"{path.relative_to(ROOT)} is stale: run make docs", file=sys.stderr)
        return 1 if stale else 0
    for path in stale:
        path.write_text(wanted[path], encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
