"""Finding and running the examples in allypath's docstrings (tests/test_docstring_examples.py, and
tests/web/test_docstring_examples.py for the web's modules, which need Django set up)."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "src" / "allypath"
_SKIP = "doctest: +SKIP"


def modules_with_examples(*, web: bool) -> dict[str, bool]:
    """Each module with an example (a line starting ``>>>``), found by its text: a new example is
    checked without being listed anywhere. The value says whether one of them runs (not all marked
    ``+SKIP``, as the examples that need a user's files are)."""
    found = {}
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts or (path.relative_to(SOURCE).parts[0] == "web") != web:
            continue
        examples = [s for s in path.read_text(encoding="utf-8").splitlines() if s.lstrip().startswith(">>> ")]
        if examples:
            parts = path.relative_to(SOURCE.parent).with_suffix("").parts
            module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[module] = any(_SKIP not in line for line in examples)
    return found


def run_examples(module: str, some_run: bool) -> None:
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert (result.attempted > 0) == some_run, f"{module}: {result.attempted} examples run"
