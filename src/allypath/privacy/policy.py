"""The disclosure-control settings of a wave (docs/privacy.md)."""

from __future__ import annotations

from dataclasses import dataclass

from allypath.errors import ConfigurationError

__all__ = ["K_FLOOR", "PrivacyPolicy"]

K_FLOOR = 3  # no wave may be launched with a smaller minimum group size


@dataclass(frozen=True, slots=True)
class PrivacyPolicy:
    """Minimum group sizes: ``k`` for scores and counts, ``k_text`` for open-text comments."""

    k: int = 5
    k_text: int = 10

    def __post_init__(self) -> None:
        if not isinstance(self.k, int) or self.k < K_FLOOR:
            raise ConfigurationError(f"minimum group size k must be an integer >= {K_FLOOR}, got {self.k!r}")
        if not isinstance(self.k_text, int) or self.k_text < self.k:
            raise ConfigurationError(f"k_text must be an integer >= k ({self.k}), got {self.k_text!r}")
