"""One BLAS thread for blocks of many small linear-algebra calls.

numpy and scipy each bundle their own OpenBLAS, each with a thread per core. On matrices of a few
hundred rows the threads only add synchronisation, and on a busy 2-core machine their idle threads
spin against each other and against the caller's: a 5-item factor fit ran 60 times slower (0.1 s
instead of 2 ms), a structural model ~100 times, and the privacy solver's null spaces of 77 x 111
incidence matrices took 0.1-0.4 s each instead of 1 ms (a `summary --by unit` of 2,000 rows: 9.3 s
instead of 2.2 s). Every block of such calls runs inside :func:`single_threaded_blas`.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from functools import cache, wraps
from typing import Any, ParamSpec, TypeVar

from threadpoolctl import ThreadpoolController

__all__ = ["blas_controller", "single_threaded_blas", "single_threaded_blas_in"]

P = ParamSpec("P")
R = TypeVar("R")


@cache
def blas_controller() -> ThreadpoolController:
    """The process's BLAS libraries, found once: ``threadpool_limits`` scans every loaded library
    on each call (16 ms in a process that has imported the command line's modules)."""
    return ThreadpoolController()


def single_threaded_blas() -> AbstractContextManager[Any]:
    """BLAS limited to one thread within the ``with`` block (restored after it)."""
    limiter: AbstractContextManager[Any] = blas_controller().limit(limits=1, user_api="blas")
    return limiter


def single_threaded_blas_in(function: Callable[P, R]) -> Callable[P, R]:
    """``function`` run within :func:`single_threaded_blas` (a decorator)."""

    @wraps(function)
    def limited(*args: P.args, **kwargs: P.kwargs) -> R:
        with single_threaded_blas():
            return function(*args, **kwargs)

    return limited
