"""Load and validate the content files: the library, the scenario dilemmas and the circle guides.

Like the instrument loader, validation collects every problem before failing, and each message names
the file, the item (or dilemma, guide, session) and the field. A file says what it holds in its
``kind`` field (``library``, ``dilemmas`` or ``circle_guides``); the format is described in
docs/journey.md.

Besides the shape of each entry, the validator checks what the journey relies on:

- texts in English, French and Arabic (Arabic in Arabic script, French not a copy of the English);
- tags that exist: stages 1-4, barrier and norm keys of :mod:`allypath.model`, the instrument's
  work contexts, the model's turning points;
- reading times that fit the text (120 to 330 words a minute, give or take a minute);
- links: outside links are https with a host name, ``related`` names another item of the library;
- coverage: at least 8 library items per stage, every turning point and both masculine norms
  addressed by a short-form piece or a story, at least 3 dilemmas per work context, one circle guide
  of exactly 6 sessions per stage mix.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from allypath._files import read_yaml
from allypath._problems import Problems
from allypath.content.definition import (
    FORMATS,
    GUIDE_MIXES,
    LANGUAGE_NAMES,
    REQUIRED_LANGUAGES,
    CircleGuide,
    ContentError,
    Dilemma,
    DilemmaOption,
    DilemmaSet,
    GuideSet,
    Library,
    LibraryItem,
    Link,
    Session,
    Step,
)
from allypath.model import BARRIERS, NORMS, TURNING_POINTS
from allypath.model.text import Text

__all__ = [
    "CONTENT_DIR",
    "DEFAULT_FILES",
    "MIN_DILEMMAS_PER_CONTEXT",
    "MIN_ITEMS_PER_STAGE",
    "SESSIONS_PER_GUIDE",
    "load_circle_guides",
    "load_dilemmas",
    "load_library",
    "suggest_reading_minutes",
    "validate_content_file",
    "validate_item",
]

CONTENT_DIR = Path(__file__).resolve().parent.parent / "instrument" / "data" / "content"
DEFAULT_FILES = {
    "library": CONTENT_DIR / "library-v1.yaml",
    "dilemmas": CONTENT_DIR / "dilemmas-v1.yaml",
    "circle_guides": CONTENT_DIR / "circle-guides-v1.yaml",
}
MIN_ITEMS_PER_STAGE = 8
MIN_DILEMMAS_PER_CONTEXT = 3
SESSIONS_PER_GUIDE = 6
READING_WPM = (120, 330)  # a slow and a fast reader; a stated reading time may be a minute outside
TYPICAL_WPM = 200  # for a reading time worked out from the text (suggest_reading_minutes)

BARRIER_KEYS = tuple(f.key for f in BARRIERS + NORMS)
NORM_KEYS = tuple(f.key for f in NORMS)
# "other" is an answer in the survey, not something an item can be about.
TURNING_POINT_KEYS = tuple(t.key for t in TURNING_POINTS if t.key != "other")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_ARABIC = re.compile(r"[\u0600-\u06FF]")
_WORD = re.compile(r"\w+(?:['’-]\w+)*")


def _contexts() -> tuple[str, ...]:
    from allypath.instrument import load_instrument

    return load_instrument().contexts


class _Reader:
    """Reads one file's entries, noting each problem with where it is."""

    def __init__(self, problems: Problems, languages: tuple[str, ...]) -> None:
        self.problems = problems
        self.languages = languages

    def text(self, raw: Any, where: str, field: str) -> Text:
        add = self.problems.add
        if raw is None:
            add(where, f"field {field} is missing")
            return Text({"en": ""})
        if not isinstance(raw, dict):
            add(where, f"field {field} must be a mapping of language to text (got {type(raw).__name__})")
            return Text({"en": ""})
        for lang in self.languages:
            value = raw.get(lang)
            if not isinstance(value, str) or not value.strip():
                add(where, f"field {field}.{lang} is missing or empty (translation needed)")
        extra = sorted(str(k) for k in set(raw) - set(self.languages))
        if extra:
            add(where, f"field {field} has languages not declared in the file: {', '.join(extra)}")
        clean = {str(k): v.strip() for k, v in raw.items() if isinstance(v, str)}
        en, fr, ar = clean.get("en", ""), clean.get("fr", ""), clean.get("ar", "")
        if ar and not _ARABIC.search(ar):
            add(where, f"field {field}.ar is not written in Arabic script")
        if fr and len(_WORD.findall(en)) >= 4 and fr == en:
            add(where, f"field {field}.fr is a copy of the English (translation needed)")
        clean.setdefault("en", "")
        return Text(clean)

    def optional_text(self, raw: dict[str, Any], where: str, field: str) -> Text | None:
        return None if raw.get(field) is None else self.text(raw[field], where, field)

    def texts(self, raw: Any, where: str, field: str, *, at_least: int) -> tuple[Text, ...]:
        if not isinstance(raw, list) or len(raw) < at_least:
            self.problems.add(where, f"field {field} must list at least {at_least} texts")
            return ()
        return tuple(self.text(value, where, f"{field}[{n}]") for n, value in enumerate(raw, start=1))

    def keys(self, raw: dict[str, Any], where: str, field: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
        value = raw.get(field)
        if value is None:
            self.problems.add(where, f"field {field} is missing (write [] when none applies)")
            return ()
        if not isinstance(value, list):
            self.problems.add(where, f"field {field} must be a list")
            return ()
        good = []
        for key in value:
            if key not in allowed:
                self.problems.add(where, f"field {field} has {key!r}, not one of: {', '.join(allowed)}")
            elif key in good:
                self.problems.add(where, f"field {field} lists {key!r} twice")
            else:
                good.append(key)
        return tuple(good)

    def stages(self, raw: dict[str, Any], where: str) -> tuple[int, ...]:
        value = raw.get("stages")
        if not isinstance(value, list) or not value:
            self.problems.add(where, "field stages must list at least one stage (1-4)")
            return ()
        bad = [s for s in value if isinstance(s, bool) or s not in (1, 2, 3, 4)]
        if bad:
            self.problems.add(where, f"field stages must hold stages 1-4 (got {bad})")
        if len(set(value)) != len(value):
            self.problems.add(where, "field stages lists a stage twice")
        return tuple(s for s in value if s in (1, 2, 3, 4) and not isinstance(s, bool))

    def reading_minutes(self, raw: dict[str, Any], where: str, texts: list[Text | None]) -> int:
        value = raw.get("reading_minutes")
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 30:
            self.problems.add(where, f"field reading_minutes must be a whole number 1-30 (got {value!r})")
            return 0
        # Timed on the English where there is English; an item written in one language only (an
        # organisation's own) is timed on that language.
        lang = "en" if "en" in self.languages else self.languages[0]
        words = _word_count(t.get_lang(lang) for t in texts if t is not None)
        slow, fast = words / READING_WPM[0], words / READING_WPM[1]
        if not fast - 1 <= value <= slow + 1:
            low, high = max(1, math.floor(fast)), max(1, math.ceil(slow))
            span = f"about {low}" if low == high else f"{low} to {high}"
            self.problems.add(
                where,
                f"field reading_minutes is {value} but the {LANGUAGE_NAMES.get(lang, lang)} text "
                f"has {words} words "
                f"({span} min at {READING_WPM[0]}-{READING_WPM[1]} words a minute)",
            )
        return value

    def links(self, raw: Any, where: str) -> tuple[Link, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.problems.add(where, "field links must be a list of {url, title}")
            return ()
        links = []
        for n, spec in enumerate(raw, start=1):
            lwhere = f"{where} link {n}"
            if not isinstance(spec, dict):
                self.problems.add(lwhere, "must be a mapping with url and title")
                continue
            url = spec.get("url")
            parts = urlsplit(url) if isinstance(url, str) else None
            if (
                parts is None
                or parts.scheme != "https"
                or "." not in (parts.hostname or "")
                or any(ch.isspace() for ch in str(url))
            ):
                self.problems.add(
                    lwhere, f"field url must be an https address with a host name (got {url!r})"
                )
                continue
            links.append(Link(str(url), self.text(spec.get("title"), lwhere, "title")))
        return tuple(links)


def _word_count(texts: Iterable[str]) -> int:
    return sum(len(_WORD.findall(text)) for text in texts)


def suggest_reading_minutes(texts: Iterable[str]) -> int:
    """A reading time for these texts at a typical pace (always one the validator accepts).

    >>> suggest_reading_minutes(["word " * 450])
    2
    """
    return max(1, round(_word_count(texts) / TYPICAL_WPM))


def _entries(
    raw: dict[str, Any], field: str, label: str, problems: Problems
) -> list[tuple[str, dict[str, Any]]]:
    """The file's entries as (id, mapping), noting malformed and duplicate ids."""
    value = raw.get(field)
    if not isinstance(value, list) or not value:
        problems.add("file", f"field {field} must be a non-empty list")
        return []
    out: list[tuple[str, dict[str, Any]]] = []
    seen: set[str] = set()
    for n, spec in enumerate(value, start=1):
        if not isinstance(spec, dict):
            problems.add(f"{label} #{n}", "must be a mapping")
            continue
        entry_id = spec.get("id")
        if not isinstance(entry_id, str) or not _ID.match(entry_id):
            problems.add(f"{label} #{n}", f"field id must be a lower-case identifier (got {entry_id!r})")
            continue
        if entry_id in seen:
            problems.add(f"{label} {entry_id}", f"duplicate {label} id")
            continue
        seen.add(entry_id)
        out.append((entry_id, spec))
    return out


# --------------------------------------------------------------------------- library


def _library_item(item_id: str, spec: dict[str, Any], read: _Reader) -> LibraryItem:
    where = f"item {item_id}"
    add = read.problems.add
    fmt = spec.get("format")
    if fmt not in FORMATS:
        add(where, f"field format must be one of {', '.join(FORMATS)} (got {fmt!r})")
    title = read.text(spec.get("title"), where, "title")
    summary = read.text(spec.get("summary"), where, "summary")
    body = read.text(spec.get("body"), where, "body")
    question = read.optional_text(spec, where, "question")
    prompts: tuple[Text, ...] = ()
    steps: list[Step] = []
    action = read.optional_text(spec, where, "action")
    if fmt == "dialogue":
        prompts = read.texts(spec.get("prompts"), where, "prompts", at_least=3)
    elif spec.get("prompts") is not None:
        add(where, "field prompts belongs to dialogue items only")
    if fmt == "pathway":
        raw_steps = spec.get("steps")
        if not isinstance(raw_steps, list) or len(raw_steps) < 3:
            add(where, "field steps must list at least 3 steps, each with a title and an action")
        else:
            for n, step in enumerate(raw_steps, start=1):
                if not isinstance(step, dict):
                    add(where, f"field steps[{n}] must be a mapping with title and action")
                    continue
                steps.append(
                    Step(
                        read.text(step.get("title"), where, f"steps[{n}].title"),
                        read.text(step.get("action"), where, f"steps[{n}].action"),
                    )
                )
    elif spec.get("steps") is not None:
        add(where, "field steps belongs to pathway items only")
    if fmt == "opportunity" and action is None:
        add(where, "field action is missing: an opportunity says how to take it up")
    reading = read.reading_minutes(
        spec,
        where,
        [title, summary, body, question, action, *prompts, *(t for s in steps for t in (s.title, s.action))],
    )
    related = spec.get("related") or []
    if not isinstance(related, list) or not all(isinstance(r, str) for r in related):
        add(where, "field related must be a list of item ids")
        related = []
    return LibraryItem(
        id=item_id,
        format=str(fmt),
        stages=read.stages(spec, where),
        barriers=read.keys(spec, where, "barriers", BARRIER_KEYS),
        contexts=read.keys(spec, where, "contexts", _contexts()),
        turning_points=read.keys(spec, where, "turning_points", TURNING_POINT_KEYS),
        reading_minutes=reading,
        title=title,
        summary=summary,
        body=body,
        question=question,
        prompts=prompts,
        steps=tuple(steps),
        action=action,
        links=read.links(spec.get("links"), where),
        related=tuple(related),
    )


def _library(raw: dict[str, Any], read: _Reader, head: dict[str, Any]) -> Library:
    problems = read.problems
    items = [_library_item(item_id, spec, read) for item_id, spec in _entries(raw, "items", "item", problems)]
    ids = {i.id for i in items}
    for item in items:
        for other in item.related:
            if other == item.id:
                problems.add(f"item {item.id}", "field related names the item itself")
            elif other not in ids:
                problems.add(f"item {item.id}", f"field related names no item of the library: {other!r}")
    for number in (1, 2, 3, 4):
        count = sum(1 for i in items if i.stages and i.stages[0] == number)
        if count < MIN_ITEMS_PER_STAGE:
            problems.add(
                "library",
                f"stage {number} is the home stage of {count} item(s); at least {MIN_ITEMS_PER_STAGE}",
            )
    reflective = [i for i in items if i.format in ("story", "short")]
    for key in TURNING_POINT_KEYS:
        if not any(key in i.turning_points for i in reflective):
            problems.add("library", f"no story or short-form piece is about the turning point {key!r}")
    for key in NORM_KEYS:
        if not any(key in i.barriers for i in reflective):
            problems.add("library", f"no story or short-form piece is about the norm {key!r}")
    return Library(**head, items=tuple(items))


def validate_item(spec: Mapping[str, Any], *, languages: Sequence[str], source: str = "item") -> LibraryItem:
    """One library item written outside the library file -- an organisation's own -- checked by the
    rules the library applies to each of its items; raise :class:`ContentError` listing every problem.

    ``languages`` are the languages its texts are written in (one or more of en, fr, ar); the journey
    offers it only to men reading in one of them. What the library checks as a whole (how many items
    per stage, turning points covered) is the library's job, and ``related`` links between items are
    the library file's own: an item given here may not name one.

    Examples
    --------
    >>> item = validate_item(
    ...     {"id": "own_1", "format": "short", "stages": [1], "barriers": [], "contexts": [],
    ...      "turning_points": [], "reading_minutes": 1,
    ...      "title": {"fr": "Nos congés"}, "summary": {"fr": "Ce que prévoit l'accord."},
    ...      "body": {"fr": "Chaque parent a droit à seize semaines."}},
    ...     languages=["fr"])
    >>> item.title.get_lang("fr"), item.home_stage
    ('Nos congés', 1)
    """
    problems = Problems(source, ContentError, shown=60)
    wanted = list(dict.fromkeys(languages))
    unknown = [lang for lang in wanted if lang not in REQUIRED_LANGUAGES]
    if not wanted or unknown:
        raise ContentError(
            f"{source}: the languages must be one or more of {', '.join(REQUIRED_LANGUAGES)} (got {wanted!r})"
        )
    item_id = spec.get("id")
    if not isinstance(item_id, str) or not _ID.match(item_id):
        raise ContentError(f"{source}: field id must be a lower-case identifier (got {item_id!r})")
    if spec.get("related"):
        problems.add(f"item {item_id}", "field related belongs to the library file's items only")
    item = _library_item(
        item_id, {k: v for k, v in spec.items() if k != "related"}, _Reader(problems, tuple(wanted))
    )
    problems.raise_if_any()
    return item


# --------------------------------------------------------------------------- dilemmas


def _dilemma(dilemma_id: str, spec: dict[str, Any], read: _Reader, contexts: tuple[str, ...]) -> Dilemma:
    where = f"dilemma {dilemma_id}"
    add = read.problems.add
    context = spec.get("context")
    if context not in contexts:
        add(
            where,
            f"field context must be one of the instrument's contexts: {', '.join(contexts)} "
            f"(got {context!r})",
        )
    title = read.text(spec.get("title"), where, "title")
    situation = read.text(spec.get("situation"), where, "situation")
    debrief = read.text(spec.get("debrief"), where, "debrief")
    notes = read.text(spec.get("facilitator_notes"), where, "facilitator_notes")
    options: list[DilemmaOption] = []
    raw_options = spec.get("options")
    if not isinstance(raw_options, list) or not 3 <= len(raw_options) <= 5:
        add(where, "field options must list 3 to 5 options")
        raw_options = raw_options if isinstance(raw_options, list) else []
    seen: set[str] = set()
    for n, option in enumerate(raw_options, start=1):
        if not isinstance(option, dict):
            add(where, f"field options[{n}] must be a mapping with id, text and outcome")
            continue
        oid = option.get("id")
        if not isinstance(oid, str) or not _ID.match(oid):
            add(where, f"field options[{n}].id must be a lower-case identifier (got {oid!r})")
            continue
        if oid in seen:
            add(where, f"field options[{n}].id repeats {oid!r}")
        seen.add(oid)
        options.append(
            DilemmaOption(
                oid,
                read.text(option.get("text"), where, f"options[{n}].text"),
                read.text(option.get("outcome"), where, f"options[{n}].outcome"),
            )
        )
    reading = read.reading_minutes(
        spec, where, [title, situation, debrief, *(t for o in options for t in (o.text, o.outcome))]
    )
    return Dilemma(
        id=dilemma_id,
        context=str(context),
        stages=read.stages(spec, where),
        barriers=read.keys(spec, where, "barriers", BARRIER_KEYS),
        reading_minutes=reading,
        title=title,
        situation=situation,
        options=tuple(options),
        debrief=debrief,
        facilitator_notes=notes,
    )


def _dilemmas(raw: dict[str, Any], read: _Reader, head: dict[str, Any]) -> DilemmaSet:
    contexts = _contexts()
    entries = _entries(raw, "dilemmas", "dilemma", read.problems)
    dilemmas = [_dilemma(did, spec, read, contexts) for did, spec in entries]
    for context in contexts:
        count = sum(1 for d in dilemmas if d.context == context)
        if count < MIN_DILEMMAS_PER_CONTEXT:
            read.problems.add(
                "dilemmas", f"context {context!r} has {count} dilemmas; at least {MIN_DILEMMAS_PER_CONTEXT}"
            )
    return DilemmaSet(**head, dilemmas=tuple(dilemmas))


# --------------------------------------------------------------------------- circle guides


def _guide(guide_id: str, spec: dict[str, Any], read: _Reader) -> CircleGuide:
    where = f"guide {guide_id}"
    add = read.problems.add
    mix = spec.get("mix")
    if mix not in GUIDE_MIXES:
        add(where, f"field mix must be one of {', '.join(GUIDE_MIXES)} (got {mix!r})")
    sessions: list[Session] = []
    raw_sessions = spec.get("sessions")
    if not isinstance(raw_sessions, list) or len(raw_sessions) != SESSIONS_PER_GUIDE:
        add(where, f"field sessions must list exactly {SESSIONS_PER_GUIDE} sessions")
        raw_sessions = raw_sessions if isinstance(raw_sessions, list) else []
    for n, session in enumerate(raw_sessions, start=1):
        swhere = f"{where} session {n}"
        if not isinstance(session, dict):
            add(swhere, "must be a mapping with theme, prompts and one_action")
            continue
        sessions.append(
            Session(
                n,
                read.text(session.get("theme"), swhere, "theme"),
                read.texts(session.get("prompts"), swhere, "prompts", at_least=2),
                read.text(session.get("one_action"), swhere, "one_action"),
            )
        )
    return CircleGuide(
        id=guide_id,
        mix=str(mix),
        title=read.text(spec.get("title"), where, "title"),
        summary=read.text(spec.get("summary"), where, "summary"),
        sessions=tuple(sessions),
    )


def _guides(raw: dict[str, Any], read: _Reader, head: dict[str, Any]) -> GuideSet:
    guides = [_guide(gid, spec, read) for gid, spec in _entries(raw, "guides", "guide", read.problems)]
    for mix in GUIDE_MIXES:
        count = sum(1 for g in guides if g.mix == mix)
        if count != 1:
            read.problems.add("guides", f"the mix {mix!r} has {count} guides; it needs exactly one")
    return GuideSet(**head, guides=tuple(guides))


# --------------------------------------------------------------------------- files

_BUILDERS: dict[str, Callable[[dict[str, Any], _Reader, dict[str, Any]], Library | DilemmaSet | GuideSet]] = {
    "library": _library,
    "dilemmas": _dilemmas,
    "circle_guides": _guides,
}


def _build(raw: Any, source: str) -> Library | DilemmaSet | GuideSet:
    problems = Problems(source, ContentError, shown=60)
    if not isinstance(raw, dict):
        raise ContentError(f"{source}: the file must hold a YAML mapping")
    kind = raw.get("kind")
    if kind not in _BUILDERS:
        raise ContentError(f"{source}: file: field kind must be one of {', '.join(_BUILDERS)} (got {kind!r})")
    for field in ("id", "version", "languages"):
        if field not in raw:
            problems.add("file", f"field {field!r} is missing")
    problems.raise_if_any()
    languages = raw["languages"]
    if not isinstance(languages, list) or not set(REQUIRED_LANGUAGES) <= set(languages):
        problems.add(
            "file", f"field languages must list at least {', '.join(REQUIRED_LANGUAGES)} (got {languages!r})"
        )
        languages = list(REQUIRED_LANGUAGES)
    head = {
        "id": str(raw["id"]),
        "version": str(raw["version"]),
        "languages": tuple(languages),
        "source": source,
    }
    built = _BUILDERS[kind](raw, _Reader(problems, tuple(languages)), head)
    problems.raise_if_any()
    return built


def validate_content_file(path: str | Path) -> Library | DilemmaSet | GuideSet:
    """Parse and validate a content file; raise :class:`ContentError` listing every problem.

    Examples
    --------
    >>> from allypath.content.loader import DEFAULT_FILES
    >>> len(validate_content_file(DEFAULT_FILES["dilemmas"])) >= 12
    True
    """
    path = Path(path)
    return _build(read_yaml(path, ContentError, "content"), str(path))


@lru_cache(maxsize=16)
def _load(resolved: str, kind: str) -> Library | DilemmaSet | GuideSet:
    built = validate_content_file(resolved)
    expected = {"library": Library, "dilemmas": DilemmaSet, "circle_guides": GuideSet}[kind]
    if not isinstance(built, expected):
        raise ContentError(f"{resolved}: holds no {kind.replace('_', ' ')} (see its kind field)")
    return built


def load_library(path: str | Path | None = None) -> Library:
    """The content library at ``path``, or the packaged one (validated, cached per file)."""
    built = _load(str(Path(path or DEFAULT_FILES["library"]).resolve()), "library")
    assert isinstance(built, Library)
    return built


def load_dilemmas(path: str | Path | None = None) -> DilemmaSet:
    """The scenario dilemmas at ``path``, or the packaged ones (validated, cached per file)."""
    built = _load(str(Path(path or DEFAULT_FILES["dilemmas"]).resolve()), "dilemmas")
    assert isinstance(built, DilemmaSet)
    return built


def load_circle_guides(path: str | Path | None = None) -> GuideSet:
    """The ally-circle meeting guides at ``path``, or the packaged ones (validated, cached per file)."""
    built = _load(str(Path(path or DEFAULT_FILES["circle_guides"]).resolve()), "circle_guides")
    assert isinstance(built, GuideSet)
    return built
