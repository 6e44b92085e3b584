"""The content library, scenario dilemmas and ally-circle guides as immutable, typed objects.

Built by :mod:`allypath.content.loader` from the YAML files under
``allypath/instrument/data/content/``; every user-visible string is a :class:`~allypath.model.Text`
in English, French and Arabic.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cached_property

from allypath.errors import AllypathError
from allypath.model.text import Text

__all__ = [
    "FORMATS",
    "FORMAT_FOR_STAGE",
    "GUIDE_MIXES",
    "LANGUAGE_NAMES",
    "REQUIRED_LANGUAGES",
    "CircleGuide",
    "ContentError",
    "Dilemma",
    "DilemmaOption",
    "DilemmaSet",
    "GuideSet",
    "Library",
    "LibraryItem",
    "Link",
    "Session",
    "Step",
]

REQUIRED_LANGUAGES = ("en", "fr", "ar")
#: The languages' names in English, for messages and the English console.
LANGUAGE_NAMES = {"en": "English", "fr": "French", "ar": "Arabic"}
# What each kind of item is, in the research's words (docs/architecture.md):
#   story        a reflective story, first person, from a man's working life   (stage 1: informal engagement)
#   short        a short-form piece: a turning point, a norm, a minute's fact  (stage 1: short-form content)
#   dialogue     prompts for a safe space, alone or with peers                  (stage 2: safe spaces)
#   pathway      a sequence of steps, each with a concrete action               (stage 3: structured pathways)
#   opportunity  a leadership, visibility or impact role and how to take it up  (stage 4: leadership roles)
FORMATS = ("story", "short", "dialogue", "pathway", "opportunity")
FORMAT_FOR_STAGE = {1: ("story", "short"), 2: ("dialogue",), 3: ("pathway",), 4: ("opportunity",)}
# Circle guides are matched to a circle's mix of learners (stages 1-2) and hosts (stages 3-4).
GUIDE_MIXES = ("learners_majority", "hosts_half_or_more")


class ContentError(AllypathError):
    """A content, dilemma or circle-guide file is invalid (names the file, the item and the field)."""


@dataclass(frozen=True, slots=True)
class Link:
    """A link to an outside resource (https only) with its title in every language."""

    url: str
    title: Text


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a structured pathway: what it is about and the concrete action to take."""

    title: Text
    action: Text


@dataclass(frozen=True, slots=True)
class LibraryItem:
    """One item of the content library.

    ``stages`` are the stages it is written for (the first is its home stage); ``barriers`` are
    barrier or norm keys of :mod:`allypath.model` it speaks to, ``contexts`` the instrument's work
    contexts, ``turning_points`` the model's turning-point keys. ``body`` is the text itself;
    ``prompts`` (dialogue), ``steps`` (pathway) and ``action`` (opportunity) depend on the format.
    """

    id: str
    format: str
    stages: tuple[int, ...]
    barriers: tuple[str, ...]
    contexts: tuple[str, ...]
    turning_points: tuple[str, ...]
    reading_minutes: int
    title: Text
    summary: Text
    body: Text
    question: Text | None = None
    prompts: tuple[Text, ...] = ()
    steps: tuple[Step, ...] = ()
    action: Text | None = None
    links: tuple[Link, ...] = ()
    related: tuple[str, ...] = ()

    @property
    def home_stage(self) -> int:
        return self.stages[0]


@dataclass(frozen=True, slots=True)
class DilemmaOption:
    """One way to respond to a dilemma, and what it tends to lead to (no option is 'the' answer)."""

    id: str
    text: Text
    outcome: Text


@dataclass(frozen=True, slots=True)
class Dilemma:
    """A realistic workplace dilemma set in one of the instrument's work contexts."""

    id: str
    context: str
    stages: tuple[int, ...]
    barriers: tuple[str, ...]
    reading_minutes: int
    title: Text
    situation: Text
    options: tuple[DilemmaOption, ...]
    debrief: Text
    facilitator_notes: Text


@dataclass(frozen=True, slots=True)
class Session:
    """One meeting of an ally circle: a theme, prompts to talk through, and a 'one action' commitment."""

    number: int
    theme: Text
    prompts: tuple[Text, ...]
    one_action: Text


@dataclass(frozen=True, slots=True)
class CircleGuide:
    """Six sessions for a circle whose stage mix is ``mix`` (one of :data:`GUIDE_MIXES`)."""

    id: str
    mix: str
    title: Text
    summary: Text
    sessions: tuple[Session, ...]


@dataclass(frozen=True)
class _Collection:
    id: str
    version: str
    languages: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Library(_Collection):
    """The validated content library."""

    items: tuple[LibraryItem, ...] = ()

    def __iter__(self) -> Iterator[LibraryItem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @cached_property
    def _by_id(self) -> dict[str, LibraryItem]:
        return {i.id: i for i in self.items}

    def item(self, item_id: str) -> LibraryItem:
        try:
            return self._by_id[item_id]
        except KeyError:
            raise KeyError(f"no library item {item_id!r}") from None

    def for_stage(self, stage: int) -> tuple[LibraryItem, ...]:
        return tuple(i for i in self.items if stage in i.stages)

    def with_items(self, extra: Iterable[LibraryItem], *, first: bool = False) -> Library:
        """This library with ``extra`` items (an organisation's own) after it, or before it when ``first``
        (so that they win ties in :func:`~allypath.content.next_items`); an id taken twice is refused."""
        added = tuple(extra)
        taken = {i.id for i in self.items}
        for item in added:
            if item.id in taken:
                raise ContentError(f"{self.source}: the item id {item.id!r} is taken")
            taken.add(item.id)
        return replace(self, items=added + self.items if first else self.items + added)


@dataclass(frozen=True)
class DilemmaSet(_Collection):
    """The validated scenario dilemmas."""

    dilemmas: tuple[Dilemma, ...] = ()

    def __iter__(self) -> Iterator[Dilemma]:
        return iter(self.dilemmas)

    def __len__(self) -> int:
        return len(self.dilemmas)

    def for_context(self, context: str) -> tuple[Dilemma, ...]:
        return tuple(d for d in self.dilemmas if d.context == context)


@dataclass(frozen=True)
class GuideSet(_Collection):
    """The validated circle guides, one per stage mix."""

    guides: tuple[CircleGuide, ...] = ()

    def __iter__(self) -> Iterator[CircleGuide]:
        return iter(self.guides)

    def __len__(self) -> int:
        return len(self.guides)

    def for_mix(self, mix: str) -> CircleGuide:
        for guide in self.guides:
            if guide.mix == mix:
                return guide
        raise KeyError(f"no circle guide for the mix {mix!r}")
