"""Translatable text: one string per language, English always present."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

DEFAULT_LANGUAGE = "en"
RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur"})


@dataclass(frozen=True)
class Text(Mapping[str, str]):
    """An immutable mapping language -> string.

    ``text["fr"]`` raises KeyError for a missing language; ``text.get_lang("de")`` falls back to
    English, which every text must have.
    """

    by_language: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if DEFAULT_LANGUAGE not in self.by_language:
            raise ValueError(f"a text needs an English version, got {dict(self.by_language)!r}")
        object.__setattr__(self, "by_language", MappingProxyType(dict(self.by_language)))

    @classmethod
    def of(cls, value: str | Mapping[str, str]) -> Text:
        """Build from a mapping, or from a plain string taken as English."""
        if isinstance(value, Text):
            return value
        if isinstance(value, str):
            return cls({DEFAULT_LANGUAGE: value})
        return cls(dict(value))

    def __getitem__(self, language: str) -> str:
        return self.by_language[language]

    def __iter__(self) -> Iterator[str]:
        return iter(self.by_language)

    def __len__(self) -> int:
        return len(self.by_language)

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.by_language.items())))

    def get_lang(self, language: str | None) -> str:
        """The text in ``language``, or in English when that language is missing."""
        if language and language in self.by_language:
            return self.by_language[language]
        return self.by_language[DEFAULT_LANGUAGE]

    def __str__(self) -> str:
        return self.by_language[DEFAULT_LANGUAGE]


def is_rtl(language: str) -> bool:
    """Whether ``language`` is written right to left (drives ``dir="rtl"`` in the web app)."""
    return language.split("-")[0] in RTL_LANGUAGES
