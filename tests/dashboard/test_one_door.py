"""One door in the code (issue 13, point 7): the dashboard app owns query -> release -> typed results
with the audit entry; the console and the API only parse, call it and render; the core imports no
Django."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import allypath

SRC = Path(allypath.__file__).parent

# the request -> answer skins: they may not compute a figure or decide what is shown
SKINS = (
    "web/console/dashboard.py",
    "web/console/views.py",
    "web/api/dashboard.py",
    "web/api/api.py",
)
BEHIND_THE_DOOR = (
    "allypath.privacy",
    "allypath.analytics",
    "allypath.web.dashboard.release",
    "allypath.web.dashboard.frames",
)
CORE = ("model", "instrument", "scoring", "stats", "privacy")


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) of every import in ``path``, lazy ones inside functions included."""
    found: list[tuple[str, list[str]]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found.extend((a.name, []) for a in node.names)
    return found


@pytest.mark.parametrize("skin", SKINS)
def test_the_console_and_the_api_read_figures_only_through_the_dashboard_app(skin):
    reached = [m for m, _ in _imports(SRC / skin) if m.startswith(BEHIND_THE_DOOR)]
    assert not reached, f"{skin} reaches behind the dashboard service: {reached}"


def test_nothing_outside_privacy_calls_its_private_functions():
    offending = []
    for path in SRC.rglob("*.py"):
        if (SRC / "privacy") in path.parents:
            continue
        for module, names in _imports(path):
            if not module.startswith("allypath.privacy"):
                continue
            private = [n for n in names if n.startswith("_") or n in ("evaluate_view", "decide_siblings")]
            if private or any(part.startswith("_") for part in module.split(".")):
                offending.append((str(path.relative_to(SRC)), module, private))
    assert not offending


def test_pages_and_answers_ask_the_wave_whether_it_has_response_rates_never_its_kind():
    readers = [*sorted((SRC / "web" / "dashboard").glob("*.py")), *(SRC / s for s in SKINS)]
    for path in readers:
        text = path.read_text(encoding="utf-8")
        assert "is_imported" not in text and "WaveKind" not in text, path


def test_the_core_imports_no_django():
    modules = ", ".join(f"allypath.{name}" for name in CORE)
    code = (
        f"import sys, {modules}\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] == 'django' or m.startswith('allypath.web')]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
