"""Errors of the web services; all are :class:`allypath.errors.AllypathError` so callers catch one tree."""

from __future__ import annotations

from allypath.errors import AllypathError, ConfigurationError

__all__ = ["WaveFrozenError", "WaveStateError"]


class WaveFrozenError(ConfigurationError):
    """A launched wave's privacy or instrument settings were about to change (names the fields)."""


class WaveStateError(AllypathError):
    """A wave cannot move to the requested status (says why)."""
