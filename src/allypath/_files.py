"""File helpers: atomic writes (a failed run never leaves a half-written output behind), reading a
YAML file with errors that name the file, line and column, and a packaged file's path resolved once."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

__all__ = ["atomic_path", "atomic_write_text", "packaged_path", "read_yaml"]


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target`` in one step."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    # The temporary file keeps the target's suffix: writers that choose the format by it still can.
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=f".tmp{target.suffix}", dir=target.parent
    )
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


@lru_cache(maxsize=16)
def packaged_path(path: Path) -> str:
    """A packaged file's resolved path, resolved once per process: the web app asks for the default
    instrument on every survey page and for the scoring model on every submission, and resolving walks
    the file system each time (about 30 µs)."""
    return str(path.resolve())


def atomic_write_text(target: Path, text: str) -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


def read_yaml(path: Path, error: type[Exception], what: str) -> object:
    """The parsed YAML of ``path``; ``error`` (e.g. InstrumentError) names the file, and the line and
    column of a syntax error. ``what`` says what the file should be ("instrument", "content")."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{path}: no such {what} file") from None
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    import yaml

    from allypath._yaml import UniqueKeyLoader

    try:
        return yaml.load(text, Loader=UniqueKeyLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        if isinstance(exc, yaml.constructor.ConstructorError) and exc.problem:
            raise error(f"{path}:{where}: {exc.problem}") from None  # a key given twice
        raise error(f"{path}:{where} is not valid YAML: {exc}") from None
    except RecursionError:
        raise error(f"{path}: is nested too deeply to be a {what} file") from None
