"""No module of the package grows past 700 lines (issue 18): past that, split it into rooms.

Data and translation modules may be longer when splitting them would only scatter one table; each such
module is named in ``LONG_DATA_MODULES`` with the reason. Migrations are generated and not counted.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "allypath"
LIMIT = 700
LONG_DATA_MODULES: dict[str, str] = {}  # "path/inside/allypath.py": "why it stays whole"


def _modules() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts]


def test_no_module_is_longer_than_the_limit():
    too_long = {
        str(p.relative_to(PACKAGE)): n
        for p in _modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > LIMIT
        and str(p.relative_to(PACKAGE)) not in LONG_DATA_MODULES
    }
    assert too_long == {}, f"split these modules (over {LIMIT} lines): {too_long}"


def test_the_check_sees_the_package():
    assert len(_modules()) > 100  # a wrong path would pass the test above with nothing to check
