"""Load and validate instrument YAML files (format: docs/instrument-format.md).

Validation collects every problem before failing, so a translator fixing a file sees them all at once;
each message names the file, the construct or item, and the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from allypath._files import packaged_path, read_yaml
from allypath._problems import Problems
from allypath.errors import InstrumentError
from allypath.instrument.definition import (
    CONSTRUCT_KINDS,
    ITEM_TYPES,
    NOT_APPLICABLE,
    Construct,
    Instrument,
    Item,
    Option,
    Scale,
)
from allypath.model.text import Text

__all__ = [
    "DEFAULT_INSTRUMENT",
    "PACKAGED_INSTRUMENTS",
    "instrument_for_columns",
    "load_instrument",
    "validate_instrument_file",
]

_DATA = Path(__file__).with_name("data")
DEFAULT_INSTRUMENT = _DATA / "allypath-v1.yaml"
#: Every packaged version of allypath-core, oldest first; the last is the default. Earlier versions stay
#: so that their answer files still score (data/CHANGELOG.md says what changed between them).
PACKAGED_INSTRUMENTS: dict[str, Path] = {
    "1.0.0": _DATA / "allypath-v1.0.0.yaml",
    "1.1.0": DEFAULT_INSTRUMENT,
}
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def _text(raw: Any, where: str, field: str, languages: tuple[str, ...], problems: Problems) -> Text:
    if isinstance(raw, str):
        raw = {"en": raw}
    if not isinstance(raw, dict):
        problems.add(where, f"field {field!r} must be a mapping of language to text")
        return Text({"en": ""})
    for lang in languages:
        value = raw.get(lang)
        if not isinstance(value, str) or not value.strip():
            problems.add(where, f"field {field}.{lang} is missing or empty (translation needed)")
    extra = sorted(set(raw) - set(languages))
    if extra:
        problems.add(where, f"field {field!r} has languages not declared: {', '.join(extra)}")
    clean = {k: str(v) for k, v in raw.items() if isinstance(v, str)}
    clean.setdefault("en", "")
    return Text(clean)


#: The most points a response scale may have (0-10 ratings have 11; the kernel's codes are one byte).
MAX_SCALE_POINTS = 101


def _scales(raw: Any, languages: tuple[str, ...], problems: Problems) -> dict[str, Scale]:
    scales: dict[str, Scale] = {}
    if not isinstance(raw, dict) or not raw:
        problems.add("response_scales", "must be a non-empty mapping")
        return scales
    for key, spec in raw.items():
        where = f"scale {key}"
        if not isinstance(spec, dict):
            problems.add(where, "must be a mapping with min, max and anchors")
            continue
        lo, hi = spec.get("min"), spec.get("max")
        if not isinstance(lo, int) or not isinstance(hi, int) or lo >= hi:
            problems.add(where, f"fields min/max must be integers with min < max (got {lo!r}, {hi!r})")
            continue
        if hi - lo + 1 > MAX_SCALE_POINTS:
            # each point needs its anchor in every language: a typo of a max ran for minutes
            problems.add(
                where, f"fields min/max give {hi - lo + 1} points; a scale has at most {MAX_SCALE_POINTS}"
            )
            continue
        anchors_raw = spec.get("anchors") or {}
        if not isinstance(anchors_raw, dict):
            problems.add(where, f"field anchors must map each value to its words (got {anchors_raw!r})")
            continue
        anchors: dict[int, Text] = {}
        for value in range(lo, hi + 1):
            if value not in anchors_raw:
                problems.add(where, f"field anchors.{value} is missing")
                continue
            anchors[value] = _text(anchors_raw[value], where, f"anchors.{value}", languages, problems)
        stray = sorted(set(anchors_raw) - set(range(lo, hi + 1)), key=str)
        if stray:
            problems.add(where, f"field anchors has values outside {lo}-{hi}: {stray}")
        scales[key] = Scale(str(key), lo, hi, anchors)
    return scales


def _options(
    raw: Any, where: str, item_type: str, languages: tuple[str, ...], problems: Problems
) -> tuple[Option, ...]:
    if not isinstance(raw, list) or len(raw) < 2:
        problems.add(where, "field options must list at least two options")
        return ()
    options: list[Option] = []
    seen: set[Any] = set()
    for n, spec in enumerate(raw, start=1):
        owhere = f"{where} option {n}"
        if not isinstance(spec, dict):
            problems.add(owhere, "must be a mapping")
            continue
        text = _text(spec.get("text"), owhere, "text", languages, problems)
        if item_type == "single":
            key = spec.get("value")
            if not isinstance(key, int) or isinstance(key, bool):
                problems.add(owhere, f"field value must be an integer (got {key!r})")
                continue
        else:
            key = spec.get("id")
            if not isinstance(key, str) or not _ID.match(key):
                problems.add(owhere, f"field id must be a lower-case identifier (got {key!r})")
                continue
        if key in seen:
            problems.add(owhere, f"duplicate option {key!r}")
        seen.add(key)
        exclusive = spec.get("exclusive", False)
        if not isinstance(exclusive, bool):
            problems.add(owhere, f"field exclusive must be true or false (got {exclusive!r})")
            exclusive = False
        correct = spec.get("correct")
        if correct is not None and not isinstance(correct, bool):
            problems.add(owhere, "field correct must be true or false")
        options.append(
            Option(
                text=text,
                id=key if isinstance(key, str) else None,
                value=key if isinstance(key, int) else None,
                correct=correct,
                exclusive=exclusive,
            )
        )
    values = sorted(o.value for o in options if o.value is not None)
    if item_type == "single" and values and values != list(range(values[0], values[-1] + 1)):
        # One rule for a single-choice answer everywhere: "one of its option values" (the web, the API,
        # imports) is then the same as "a whole number from the lowest to the highest" (scoring).
        problems.add(
            where, f"field options must have values without gaps (got {', '.join(map(str, values))})"
        )
    return tuple(options)


def _item(
    raw: Any,
    construct: dict[str, Any],
    scales: dict[str, Scale],
    languages: tuple[str, ...],
    na_text: Text | None,
    problems: Problems,
) -> Item | None:
    cid = construct.get("id", "?")
    if not isinstance(raw, dict):
        problems.add(f"construct {cid}", "each item must be a mapping")
        return None
    item_id = raw.get("id")
    if not isinstance(item_id, str) or not _ID.match(item_id):
        problems.add(f"construct {cid}", f"item field id must be a lower-case identifier (got {item_id!r})")
        return None
    where = f"item {item_id}"
    item_type = raw.get("type", "likert")
    if item_type not in ITEM_TYPES:
        problems.add(where, f"field type must be one of {', '.join(ITEM_TYPES)} (got {item_type!r})")
        return None
    text = _text(raw.get("text"), where, "text", languages, problems)
    scale = None
    options: tuple[Option, ...] = ()
    if item_type == "likert":
        scale_key = raw.get("scale")
        if scale_key not in scales:
            problems.add(where, f"field scale names no declared response scale (got {scale_key!r})")
        else:
            scale = scales[scale_key]
    elif item_type in ("single", "checklist"):
        options = _options(raw.get("options"), where, item_type, languages, problems)
    kind = construct.get("kind", "")
    stage = raw.get("stage", construct.get("stage"))
    if kind == "context" and stage not in (1, 2, 3, 4):
        problems.add(where, f"field stage must be 1-4 for a context item (got {stage!r})")
    if stage is not None and stage not in (1, 2, 3, 4):
        problems.add(where, f"field stage must be 1-4 (got {stage!r})")
        stage = None
    reverse = raw.get("reverse", False)
    if not isinstance(reverse, bool):
        problems.add(where, "field reverse must be true or false")
        reverse = False
    if reverse and item_type != "likert":
        problems.add(where, "field reverse applies to likert items only")
    not_applicable = _not_applicable(raw, where, item_type, scale, na_text, problems)
    short = raw.get("short", False)
    if not isinstance(short, bool):  # bool("no") is true: a quoted 'no' put the item on the short form
        problems.add(where, f"field short must be true or false (got {short!r})")
        short = False
    return Item(
        id=item_id,
        construct=str(cid),
        kind=str(kind),
        type=item_type,
        text=text,
        scale=scale,
        options=options,
        stage=stage,
        reverse=reverse,
        context=construct.get("context"),
        short=short,
        not_applicable=not_applicable,
    )


def _not_applicable(
    raw: dict[str, Any],
    where: str,
    item_type: str,
    scale: Scale | None,
    text: Text | None,
    problems: Problems,
) -> Option | None:
    """The item's "does not apply to me" answer when its field ``not_applicable`` is true."""
    flag = raw.get("not_applicable", False)
    if not isinstance(flag, bool):
        problems.add(where, f"field not_applicable must be true or false (got {flag!r})")
        return None
    if not flag:
        return None
    if item_type != "likert":
        problems.add(where, f"field not_applicable applies to likert items only (this item is {item_type})")
        return None
    if scale is not None and scale.min <= NOT_APPLICABLE <= scale.max:
        problems.add(
            where,
            f"field not_applicable needs a scale without the value {NOT_APPLICABLE}, the stored code of "
            f"'does not apply to me' (scale {scale.key} runs {scale.min}-{scale.max})",
        )
        return None
    if text is None:
        problems.add(
            where,
            "field not_applicable is true but the instrument has no not_applicable_text (the label of "
            "the extra answer, in every language)",
        )
        return None
    return Option(text=text, value=NOT_APPLICABLE)


def _build(raw: Any, source: str) -> Instrument:
    problems = Problems(source, InstrumentError, what=" in the instrument")
    if not isinstance(raw, dict):
        raise InstrumentError(f"{source}: the file must hold a YAML mapping")
    for field in ("id", "version", "languages", "response_scales", "constructs"):
        if field not in raw:
            problems.add("instrument", f"field {field!r} is missing")
    problems.raise_if_any()
    languages = tuple(raw["languages"]) if isinstance(raw["languages"], list) else ()
    if "en" not in languages:
        problems.add("instrument", "field languages must be a list that includes 'en'")
        languages = ("en", *languages)
    title = _text(raw.get("title", {"en": str(raw["id"])}), "instrument", "title", languages, problems)
    scales = _scales(raw["response_scales"], languages, problems)
    na_text = (
        _text(raw["not_applicable_text"], "instrument", "not_applicable_text", languages, problems)
        if "not_applicable_text" in raw
        else None
    )
    constructs: list[Construct] = []
    construct_ids: set[str] = set()
    item_ids: set[str] = set()
    column_ids: set[str] = set()
    if not isinstance(raw["constructs"], list) or not raw["constructs"]:
        problems.add("instrument", "field constructs must be a non-empty list")
        problems.raise_if_any()
    for spec in raw["constructs"]:
        if not isinstance(spec, dict):
            problems.add("instrument", "each construct must be a mapping")
            continue
        cid = spec.get("id")
        if not isinstance(cid, str) or not _ID.match(cid):
            problems.add("instrument", f"construct field id must be a lower-case identifier (got {cid!r})")
            continue
        where = f"construct {cid}"
        if cid in construct_ids:
            problems.add(where, "duplicate construct id")
        construct_ids.add(cid)
        kind = spec.get("kind")
        if kind not in CONSTRUCT_KINDS:
            problems.add(where, f"field kind must be one of {', '.join(CONSTRUCT_KINDS)} (got {kind!r})")
        if kind == "stage" and spec.get("stage") not in (1, 2, 3, 4):
            problems.add(where, f"field stage must be 1-4 for a stage scale (got {spec.get('stage')!r})")
        if kind == "context" and not isinstance(spec.get("context"), str):
            problems.add(where, "field context must name the context")
        label = _text(spec.get("label"), where, "label", languages, problems)
        items_raw = spec.get("items")
        if not isinstance(items_raw, list) or not items_raw:
            problems.add(where, "field items is empty: a construct needs at least one item")
            continue
        items = []
        for item_raw in items_raw:
            item = _item(item_raw, spec, scales, languages, na_text, problems)
            if item is None:
                continue
            if item.id in item_ids:
                problems.add(f"item {item.id}", "duplicate item id")
            item_ids.add(item.id)
            for col in item.column_ids():
                if col in column_ids:
                    problems.add(f"item {item.id}", f"column {col!r} collides with another column")
                column_ids.add(col)
            items.append(item)
        constructs.append(
            Construct(
                id=cid,
                kind=str(kind),
                label=label,
                items=tuple(items),
                stage=spec.get("stage"),
                context=spec.get("context"),
            )
        )
    problems.raise_if_any()
    return Instrument(
        id=str(raw["id"]),
        version=str(raw["version"]),
        languages=languages,
        title=title,
        scales=scales,
        constructs=tuple(constructs),
        source=source,
    )


def validate_instrument_file(path: str | Path) -> Instrument:
    """Parse and validate an instrument file; raise :class:`InstrumentError` listing every problem."""
    path = Path(path)
    return _build(read_yaml(path, InstrumentError, "instrument"), str(path))


@lru_cache(maxsize=16)
def _load_cached(resolved: str) -> Instrument:
    return validate_instrument_file(resolved)


def load_instrument(path: str | Path | None = None, *, version: str | None = None) -> Instrument:
    """The instrument at ``path``, a packaged ``version``, or the packaged default (validated, cached
    per file).

    Examples
    --------
    >>> inst = load_instrument()
    >>> inst.id, inst.version
    ('allypath-core', '1.1.0')
    >>> load_instrument(version="1.0.0").version
    '1.0.0'
    """
    if version is not None:
        if path is not None:
            raise ValueError("give either path or version, not both")
        if version not in PACKAGED_INSTRUMENTS:
            raise InstrumentError(
                f"no packaged instrument version {version!r}; packaged: {', '.join(PACKAGED_INSTRUMENTS)}"
            )
        loaded = _load_cached(packaged_path(PACKAGED_INSTRUMENTS[version]))
        if loaded.version != version:
            raise InstrumentError(f"{loaded.source}: holds version {loaded.version}, not {version}")
        return loaded
    if not path:
        return _load_cached(packaged_path(DEFAULT_INSTRUMENT))
    return _load_cached(str(Path(path).resolve()))


def _is_packaged(instrument: Instrument) -> bool:
    if not instrument.source:
        return False
    source = Path(instrument.source).resolve()
    return any(source == path.resolve() for path in PACKAGED_INSTRUMENTS.values())


def instrument_for_columns(columns: Iterable[str], instrument: Instrument | None = None) -> Instrument:
    """The instrument a wide table with these columns was answered on.

    ``instrument`` (default: the packaged one) is returned unless it is a packaged version, some
    columns look like items it does not have (``re6``, retired in 1.1.0), and another packaged
    version of the same instrument has every such column: then that version, the newest first. So a
    1.0.0 answer file scores by 1.0.0, as it did, and a file from any other source is left to the
    instrument it was given (and its unknown columns reported).

    Examples
    --------
    >>> instrument_for_columns(["respondent_id", "ap1", "re6"]).version
    '1.0.0'
    >>> instrument_for_columns(["respondent_id", "ap1", "re7"]).version
    '1.1.0'
    """
    names = [str(c) for c in columns]
    current = instrument or load_instrument()
    if not current.unknown_item_columns(names) or not _is_packaged(current):
        return current
    for version in reversed(PACKAGED_INSTRUMENTS):
        candidate = load_instrument(version=version)
        if (
            candidate.id == current.id
            and candidate.version != current.version
            and not candidate.unknown_item_columns(names)
        ):
            return candidate
    return current
