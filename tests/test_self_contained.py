"""The repository is self-contained: no test, source file or benchmark reads the shared folder that
sits beside the clone on the project's own machines (issue 15, point 8)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from conftest import EXPORTS, OUT_OF_REACH, REFERENCE, REPO

# Built from parts so that this file does not match itself.
_SHARED = "sha" + "red"
_FORBIDDEN = re.compile(
    rf"\.\./{_SHARED}\b|ALLYPATH_{_SHARED.upper()}\b|parent\s*/\s*[\"']{_SHARED}[\"']",
)
_CHECKED = ("src", "tests", "benchmarks", "scripts", ".ci")
# Verbatim copies whose comments name the folder they came from: data, not code that reads it.
_COPIES = (REFERENCE / "r",)


def _code_files() -> list[Path]:
    files = [REPO / "Makefile", REPO / "pyproject.toml"]
    for folder in _CHECKED:
        for path in (REPO / folder).rglob("*"):
            if not path.is_file() or any(part.endswith((".egg-info", "__pycache__")) for part in path.parts):
                continue
            code = path.suffix in {".py", ".sh", ".toml", ".cfg", ".ini", ".yml", ".yaml", ""}
            if code and not any(path.is_relative_to(copy) for copy in _COPIES):
                files.append(path)
    return files


def test_no_code_refers_to_the_shared_folder_beside_the_clone() -> None:
    offenders = [
        f"{path.relative_to(REPO)}:{number}"
        for path in _code_files()
        # This file, the guard in tests/conftest.py and .ci/run name the folder in order to refuse it.
        if path not in (Path(__file__), REPO / "tests" / "conftest.py", REPO / ".ci" / "run")
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), start=1)
        if _FORBIDDEN.search(line)
    ]
    assert offenders == []


def test_the_test_data_folders_are_inside_the_repository() -> None:
    assert REFERENCE.is_relative_to(REPO) and EXPORTS.is_relative_to(REPO)
    assert not REFERENCE.resolve().is_relative_to(OUT_OF_REACH)


def test_the_check_finds_a_reference_to_the_shared_folder() -> None:
    assert _FORBIDDEN.search(f'SHARED = REPO.parent / "{_SHARED}"')
    assert _FORBIDDEN.search(f"pd.read_csv('../{_SHARED}/reference/data/bfi.csv')")
    assert not _FORBIDDEN.search("shared by every test module")


def test_opening_a_file_in_the_shared_folder_fails_the_test() -> None:
    with pytest.raises(PermissionError, match="outside the repository"):
        (OUT_OF_REACH / "reference" / "README.md").open()
    with pytest.raises(PermissionError, match="outside the repository"):
        list(OUT_OF_REACH.iterdir())


def _listed(provenance: Path) -> dict[str, str]:
    """file -> sha256 from the table of a provenance file (the file is the first cell)."""
    rows: dict[str, str] = {}
    for line in provenance.read_text().splitlines():
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        digests = [c for c in cells if re.fullmatch(r"[0-9a-f]{64}", c)]
        if digests:
            rows[cells[0]] = digests[0]
    return rows


@pytest.mark.parametrize(
    ("folder", "provenance"),
    [(REFERENCE, REFERENCE / "README.md"), (EXPORTS, EXPORTS / "PROVENANCE.md")],
)
def test_every_copied_file_is_listed_with_its_origin_and_unchanged(folder: Path, provenance: Path) -> None:
    listed = _listed(provenance)
    present = {
        str(p.relative_to(folder)) if folder == REFERENCE else p.name
        for p in folder.rglob("*")
        if p.is_file() and p != provenance
    }
    assert present == set(listed)
    for name, digest in listed.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
