"""The package's public face: its version comes from one place, and every error class is exported."""

from __future__ import annotations

import inspect
import tomllib
from pathlib import Path

import allypath
from allypath import errors

ROOT = Path(__file__).resolve().parent.parent


def test_the_version_is_pyprojects():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert allypath.__version__ == declared


def test_every_error_class_is_exported_from_the_package():
    classes = {
        name
        for name, value in vars(errors).items()
        if inspect.isclass(value) and issubclass(value, Exception) and value.__module__ == errors.__name__
    }
    assert classes, "errors.py defines the error tree"
    missing = sorted(name for name in classes if getattr(allypath, name, None) is not getattr(errors, name))
    assert not missing, f"not exported from allypath: {missing}"
    assert classes <= set(allypath.__all__)
    assert all(issubclass(getattr(errors, name), errors.AllypathError) for name in classes)
