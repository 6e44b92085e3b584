"""``allypath._kept.Kept``, the caches the web's threads share (solved answerer releases, their
gates, drawn charts): least recently used out first, and no failure when two threads use it at once.

Before it, each was an ``OrderedDict`` looked up, then moved to the end: between the two steps the
other thread could drop the key, and the move raised ``KeyError`` (a failed page).
"""

from __future__ import annotations

import random
import sys
import threading
from collections.abc import Iterator

import pytest

from allypath._kept import Kept


def test_the_least_recently_used_goes_first() -> None:
    kept: Kept[str, int] = Kept(2)
    kept.put("a", 1)
    kept.put("b", 2)
    assert kept.get("a") == 1  # now the last used
    kept.put("c", 3)
    assert kept.keys() == ["a", "c"]
    assert "b" not in kept and kept.get("b") is None
    kept.put("a", 4)  # a new value for a kept key
    assert kept.keys() == ["c", "a"] and kept.get("a") == 4 and len(kept) == 2
    kept.clear()
    assert len(kept) == 0


def test_a_cache_keeps_at_least_one_value() -> None:
    with pytest.raises(ValueError, match="at least one"):
        Kept(0)


@pytest.fixture
def eager_thread_switches() -> Iterator[None]:
    """Threads switch every microsecond instead of every 5 ms: a step between two others is hit."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


@pytest.mark.usefixtures("eager_thread_switches")
def test_threads_sharing_a_small_cache_never_fail() -> None:
    kept: Kept[int, int] = Kept(3)
    failures: list[BaseException] = []

    def use(seed: int) -> None:
        draw = random.Random(seed)
        try:
            for _ in range(20_000):
                key = draw.randrange(8)
                value = kept.get(key)
                assert value is None or value == key * 10
                if value is None:
                    kept.put(key, key * 10)
        except BaseException as error:  # reported on the test's thread
            failures.append(error)

    threads = [threading.Thread(target=use, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(kept) == 3
