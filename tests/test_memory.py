"""``allypath._memory.keep_freed_memory``: what the out-of-core commands call before their batches."""

from __future__ import annotations

import subprocess
import sys

import pytest

CHECK = (
    "import pyarrow as pa; from allypath._memory import keep_freed_memory; "
    "print(keep_freed_memory(), pa.default_memory_pool().backend_name)"
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc settings")
def test_freed_memory_is_kept_by_glibc_and_arrow_allocates_through_it():
    # In a process of its own: the settings last as long as the process.
    done = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "system"]
