"""A bad value as an error message quotes it: as the person wrote it, not as a reader stored it."""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["as_written"]


def as_written(value: object) -> str:
    """``value`` as a message quotes it after "got".

    A column read as floats (a CSV or Parquet column with a blank or a decimal in it) holds 9.0 where
    the person wrote 9, so a whole-number float is shown as that whole number. Any other number is
    written as Python writes it (``2.5``, ``1e+300``, ``inf``, ``nan``), numpy scalars as plain
    numbers, and anything else by its ``repr`` (text quoted: ``'agree'``).

    Examples
    --------
    >>> as_written(9.0), as_written(2.5), as_written(float("inf")), as_written("agree")
    ('9', '2.5', 'inf', "'agree'")
    """
    if isinstance(value, np.generic):
        value = value.item()  # 9, never "np.int64(9)"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return repr(value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    # The shortest text that reads back as the same float, less a trailing ".0": "9", but "1e+300"
    # rather than three hundred digits, and "inf" and "nan" as they are.
    written = repr(float(value))
    return written.removesuffix(".0")
