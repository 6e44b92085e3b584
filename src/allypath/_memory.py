"""Memory settings for a process that runs one long batch job (the out-of-core engines' commands)."""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

import pyarrow as pa

__all__ = ["keep_freed_memory"]

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8
#: Heaps kept (one per thread that allocates at once, at most): each holds on to its freed memory,
#: so without a cap the pools' fresh threads spread batches over up to 8 per core and the peak
#: memory crept up with the rows (measured).
_ARENAS = 4
#: Blocks up to this size come from malloc's heap, and up to this much freed memory stays there.
_KEEP_BYTES = 1 << 30


def keep_freed_memory() -> bool:
    """Reuse freed memory for the next batch instead of handing it back to the system and faulting it
    in again; True when it applied (Linux with glibc).

    A batch run allocates the same large arrays for every batch (the answer matrix of 131,072 rows
    is 64 MB). By default glibc maps each block above 32 MB afresh and unmaps it when freed, trims
    the heaps of its threads' arenas as soon as their top is free, and Arrow's allocator (mimalloc)
    purges freed pages after a few milliseconds: every batch paid again for faulting in and zeroing
    its pages, a quarter of the DuckDB report's CPU time as system time (0.8-1.0 CPU-s per 1M rows,
    measured). Here glibc keeps large blocks and freed memory in its heaps, and Arrow allocates
    through glibc too. The peak memory stays about the same, but memory is not handed back before
    the process ends: only a process that runs such a job should call this.
    """
    if not sys.platform.startswith("linux"):
        return False
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        mallopt = ctypes.CDLL(name).mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    settings = ((_M_ARENA_MAX, _ARENAS), (_M_MMAP_THRESHOLD, _KEEP_BYTES), (_M_TRIM_THRESHOLD, _KEEP_BYTES))
    if not all(mallopt(option, value) for option, value in settings):
        return False
    pa.set_memory_pool(pa.system_memory_pool())
    return True
