"""Every problem of one file, collected so that a user fixes them all in one go, not one per run.

The instrument and content validators add ``where: message`` lines as they read; at the end one error
lists them (the first ``shown``, then how many more).
"""

from __future__ import annotations

from allypath.errors import AllypathError

__all__ = ["Problems"]


class Problems:
    def __init__(self, source: str, error: type[AllypathError], *, what: str = "", shown: int = 50) -> None:
        self.source = source
        self.error = error
        self.what = what  # e.g. " in the instrument", after "N problem(s)"
        self.shown = shown
        self.messages: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.messages.append(f"{where}: {message}")

    def raise_if_any(self) -> None:
        if not self.messages:
            return
        listed = "\n  ".join(self.messages[: self.shown])
        more = len(self.messages) - self.shown
        tail = f"\n  ... and {more} more" if more > 0 else ""
        raise self.error(f"{self.source}: {len(self.messages)} problem(s){self.what}\n  {listed}{tail}")
