"""The summary that opens every dashboard page and the board report: HR's questions answered in plain
words, from the organisation's released figures only (issue 16, point 1). Django-free.

Two steps, so that the words can never reach past the release:

1. :func:`released_figures` asks :mod:`allypath.analytics` for the selection's published rows, all
   through the organisation's :class:`~allypath.privacy.Release`: its stage mix with intervals, its
   barrier, norm and enabler means, its change since the previous wave and its action plan.
   Nothing else is read; a hidden selection yields its row and nothing more.
2. :func:`summarise` turns those figures (a :class:`Released`) into sentences in English, French or
   Arabic. It is a pure function: the same figures give the same words, whoever asks and whatever
   was asked before.

What the summary says and the rules behind it (docs/summary.md):

- **Where the men are**: the largest stage with its 95% Wilson interval; it is "clearly the
  largest" only when its interval overlaps no other stage's, otherwise the overlapping stages are
  named as too close to call. Where the release shows only two bands, the bands.
- **What moved since the previous wave**: a stage share, or the developmental index, is called a
  change only when its interval excludes zero; the others are "no clear change". Shares use
  Newcombe's hybrid score interval for a difference of proportions, from the released shares and
  sizes, at 98.75% each (the four shares share 5%: :data:`STAGE_CHANGE_LEVEL`); the index uses the
  widest 95% interval its released means allow (a mean on 0-100 has a variance of at most
  m (100 - m), Bhatia-Davis), so the index is called a change only when even that interval excludes
  zero.
- **Barriers and enablers**: the strongest barriers and norms (3.5 of 5 or more is strong), the
  strongest and the weakest enabler. Every mean carries its margin in words ("3.8 of 5, give or take
  up to 0.4"): the heatmap's margin for the selection, the widest of its means' (each from the
  number it is over: :func:`~allypath.analytics.factors.widest_margins`).
- **The research's three questions**, each answered yes / partly / no from the constructs in
  :data:`QUESTIONS` (see :func:`verdict`), or "too close to call" where the means moved by their
  margin could give another answer (:func:`close_call`).
- **What to do first**: the first actions of the selection's plan (:func:`allypath.analytics.action_plan`),
  each with the released figure behind it.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from allypath._values import plain
from allypath.analytics.change import wave_change
from allypath.analytics.factors import LIKERT, chance_margin, factor_heatmap
from allypath.analytics.margin_words import MARGIN_WORDS, straddles
from allypath.analytics.mix import stage_mix, wilson_interval
from allypath.analytics.narrative_words import WORDS
from allypath.analytics.plans import PlanItem, action_plan
from allypath.model import DIAGNOSTIC_QUESTIONS, FACTORS, INTERVENTIONS, STAGE_KEYS, STAGES
from allypath.privacy import Release

__all__ = [
    "AGREE",
    "DISAGREE",
    "LANGUAGES",
    "QUESTIONS",
    "Answer",
    "Question",
    "Released",
    "Summary",
    "close_call",
    "difference_interval",
    "index_change_interval",
    "released_figures",
    "summarise",
    "verdict",
]

LANGUAGES = ("en", "fr", "ar")
#: On the 1-5 agreement scale: a mean of 3.5 or more is agreement on average, 2.5 or less disagreement.
AGREE, DISAGREE = 3.5, 2.5
#: A share's 95% interval wider than this (20 points) makes the summary say the shares are rough.
ROUGH = 0.20
Z95 = 1.959963984540054
INDEX_MAX = 100.0
#: The four stage shares of "what moved" are four tests on one page: each is decided at 1 - 0.05/4
#: (Bonferroni), so that a page claims any change where nothing moved at most 5% of the time
#: (16-18% with 95% each, measured on two waves drawn from one population).
STAGE_CHANGE_LEVEL = 1 - 0.05 / len(STAGE_KEYS)


# --------------------------------------------------------------------------- the three questions


@dataclass(frozen=True)
class Question:
    """One of the research's three questions and the constructs that answer it.

    ``key`` is the model's diagnostic question (its wording in three languages: ``text``);
    ``enablers`` are the factor keys whose presence answers "yes" (higher is better); ``barriers``
    the barrier and norm keys that stand in its way (higher is worse).
    """

    key: str
    enablers: tuple[str, ...]
    barriers: tuple[str, ...]

    def text(self, language: str) -> str:
        """The question as the model words it (the API and the survey's other pages use the same)."""
        return next(q.text.get_lang(language) for q in DIAGNOSTIC_QUESTIONS if q.key == self.key)


QUESTIONS: tuple[Question, ...] = (
    Question(
        key="safe_to_explore",
        # enabler_safety; barrier_fear (fear of saying the wrong thing); norm_hiding_vulnerability
        enablers=("safety",),
        barriers=("fear", "hiding_vulnerability"),
    ),
    Question(
        key="experience_acknowledged",
        # enabler_acknowledgement; barrier_unwelcome ("activities not meant for people like me")
        enablers=("acknowledgement",),
        barriers=("unwelcome",),
    ),
    Question(
        key="supported_modelled_rewarded",
        # enabler_support, enabler_leadership, enabler_recognition; barrier_expectations
        enablers=("support", "leadership", "recognition"),
        barriers=("expectations",),
    ),
)


def verdict(question: Question, means: Mapping[str, float | None]) -> str:
    """``yes``, ``partly``, ``no`` or ``unknown`` for ``question`` from released factor means (1-5).

    - **yes**: the mean of the question's enablers is 3.5 or more, none of them is at 2.5 or less,
      and none of its barriers is at 3.5 or more;
    - **no**: the mean of its enablers is 2.5 or less and none of them reaches 3.5;
    - **partly**: anything else;
    - **unknown**: no enabler mean of the question is published.

    Examples
    --------
    >>> q = QUESTIONS[0]
    >>> verdict(q, {"safety": 3.8, "fear": 3.0}), verdict(q, {"safety": 3.8, "fear": 3.9})
    ('yes', 'partly')
    >>> verdict(q, {"safety": 2.1}), verdict(q, {})
    ('no', 'unknown')
    """
    enablers = [m for key in question.enablers if (m := _number(means.get(key))) is not None]
    barriers = [m for key in question.barriers if (m := _number(means.get(key))) is not None]
    if not enablers:
        return "unknown"
    average = sum(enablers) / len(enablers)
    if average >= AGREE and min(enablers) > DISAGREE and all(b < AGREE for b in barriers):
        return "yes"
    if average <= DISAGREE and max(enablers) < AGREE:
        return "no"
    return "partly"


def close_call(question: Question, means: Mapping[str, float | None], margin: float | None) -> bool:
    """Whether ``question``'s verdict is too close to call: moving every mean by up to ``margin``
    (:func:`~allypath.analytics.factors.chance_margin`, one for the whole selection) could change it.

    The verdict only climbs (no, partly, yes) as enablers rise and barriers fall, so it is enough
    to compare the two extremes: every enabler down and barrier up by the margin, and the reverse.

    Examples
    --------
    >>> q = QUESTIONS[0]
    >>> close_call(q, {"safety": 3.8, "fear": 3.0}, 0.2), close_call(q, {"safety": 3.8, "fear": 3.0}, 0.4)
    (False, True)
    >>> close_call(q, {"safety": 3.0}, None), close_call(q, {}, 0.4)
    (False, False)
    """
    if margin is None:
        return False

    def moved(by: float) -> dict[str, float | None]:
        out: dict[str, float | None] = {}
        for keys, sign in ((question.enablers, 1), (question.barriers, -1)):
            for key in keys:
                value = _number(means.get(key))
                out[key] = None if value is None else round(value + sign * by, 1)
        return out

    return verdict(question, moved(-margin)) != verdict(question, moved(margin))


# --------------------------------------------------------------------------- intervals


def difference_interval(
    before: float, n_before: int, after: float, n_after: int, level: float = 0.95
) -> tuple[float, float, float]:
    """The change ``after - before`` of a share with its Newcombe hybrid score interval (95% unless
    ``level`` says otherwise).

    Newcombe, R. G. (1998). Interval estimation for the difference between independent
    proportions. Statistics in Medicine 17, 873-890 (method 10). Panel waves share members; their
    positive correlation makes the independent interval wider than needed, never narrower.

    Examples
    --------
    >>> d, low, high = difference_interval(0.40, 100, 0.25, 100)
    >>> round(d, 2), round(low, 3), round(high, 3)
    (-0.15, -0.273, -0.02)
    """
    l1, u1 = (float(v) for v in wilson_interval(before * n_before, n_before, level))
    l2, u2 = (float(v) for v in wilson_interval(after * n_after, n_after, level))
    delta = after - before
    low = delta - math.sqrt((after - l2) ** 2 + (u1 - before) ** 2)
    high = delta + math.sqrt((u2 - after) ** 2 + (before - l1) ** 2)
    return delta, low, high


def index_change_interval(
    before: float, n_before: int, after: float, n_after: int
) -> tuple[float, float, float]:
    """The change of a mean developmental index (0-100) with the widest 95% interval its means allow.

    Only the means are published, not the spread; a mean ``m`` of values within 0-100 has a variance
    of at most ``m (100 - m)`` (Bhatia and Davis, 2000), so this interval is never narrower than the
    one the spread would give: a change it calls is a change.

    Examples
    --------
    >>> d, low, high = index_change_interval(40.0, 200, 60.0, 200)
    >>> round(d, 1), round(low, 1), round(high, 1)
    (20.0, 10.4, 29.6)
    """
    variance = before * (INDEX_MAX - before) / n_before + after * (INDEX_MAX - after) / n_after
    half = Z95 * math.sqrt(max(variance, 0.0))
    delta = after - before
    return delta, delta - half, delta + half


# --------------------------------------------------------------------------- the released figures


@dataclass(frozen=True)
class Released:
    """Everything the summary may read, as the release publishes it for one selection.

    ``total`` is the selection's :func:`stage_mix` row, ``factors`` its :func:`factor_heatmap` row,
    ``change`` its :func:`wave_change` row from ``waves[0]`` to ``waves[1]`` (None without an
    earlier wave), ``plan`` its :func:`action_plan`, best first. Missing figures are ``None``.
    """

    total: Mapping[str, Any]
    factors: Mapping[str, Any] = field(default_factory=dict)
    change: Mapping[str, Any] | None = None
    waves: tuple[str, str] | None = None
    plan: tuple[PlanItem, ...] = ()
    open_wave: bool = False  # the wave still collects answers: the release publishes counts only


def _first(frame: pd.DataFrame) -> dict[str, Any] | None:
    if frame.empty:
        return None
    return {str(k): plain(v) for k, v in frame.iloc[0].to_dict().items()}


def released_figures(
    scored: pd.DataFrame,
    *,
    release: Release | None,
    filters: Mapping[str, Hashable],
    previous: Hashable | None = None,
    wave_column: str = "wave",
    actions: int = 3,
) -> Released:
    """The selection's published figures (``filters`` include the wave) and, with ``previous``, its
    change since that wave. Every figure comes through ``release`` (the organisation's)."""
    total = _first(stage_mix(scored, [], release=release, filters=filters))
    if total is None or not total.get("visible"):
        return Released(total or {"visible": False, "n": None})
    factors = _first(factor_heatmap(scored, [], release=release, filters=filters)) or {}
    change, waves = None, None
    current = filters.get(wave_column)
    if previous is not None and current is not None and previous != current:
        rest = {k: v for k, v in filters.items() if k != wave_column}
        pair = (previous, current)
        change = _first(wave_change(scored, [], pair, release=release, filters=rest, wave_column=wave_column))
        waves = (str(previous), str(current))
    plan = action_plan(scored, [], release=release, filters=filters, limit=actions)
    opened = release is not None and current is not None and release.is_open(current)
    return Released(total, factors, change, waves, tuple(plan), open_wave=opened)


# --------------------------------------------------------------------------- the words

_DECIMAL = {"en": ".", "fr": ",", "ar": ","}  # as Django's formats for these languages
_PERCENT = {"en": "{}%", "fr": "{}\u00a0%", "ar": "{}%"}
_FACTORS = {f.key: f for f in FACTORS}
_INTERVENTIONS = {i.key: i for i in INTERVENTIONS}


def _number(value: Any) -> float | None:
    value = plain(value)
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _round1(value: Any) -> float | None:
    number = _number(value)
    return None if number is None else float(f"{number:.1f}")


class _Say:
    """The words and number formats of one language."""

    def __init__(self, language: str) -> None:
        self.language = language if language in LANGUAGES else "en"
        self.words = WORDS[self.language]

    def __call__(self, key: str, **values: Any) -> str:
        return self.words[key].format(**values)

    def scored(self, key: str, margin: float | None, **values: Any) -> str:
        """``key``'s words with a mean and its margin ("3.8 of 5, give or take up to 0.4"), or
        without one where the size is not known."""
        if margin is None:
            return self(key, **values)
        return MARGIN_WORDS[self.language][key].format(margin=self.mean(margin), **values)

    def pct(self, share: float) -> str:
        return _PERCENT[self.language].format(round(share * 100))

    def mean(self, value: float) -> str:
        return f"{value:.1f}".replace(".", _DECIMAL[self.language])

    def whole(self, value: float) -> str:
        return f"{round(value)}"

    def signed(self, value: float, digits: int = 0) -> str:
        text = f"{abs(value):.{digits}f}".replace(".", _DECIMAL[self.language])
        if float(text.replace(",", ".")) == 0:
            return text
        return ("+" if value > 0 else "\u2212") + text

    def join(self, items: Sequence[str]) -> str:
        if len(items) <= 1:
            return "".join(items)
        return self.words["list"].join(items[:-1]) + self.words["and"] + items[-1]

    def stage(self, number: int) -> str:
        return STAGES[number - 1].short_label.get_lang(self.language)

    def factor(self, key: str) -> str:
        """A factor's name as it sits inside a sentence ("the always-available norm", "fear of ...")."""
        label = _FACTORS[key].label.get_lang(self.language)
        return label[:1].lower() + label[1:] if self.language in ("en", "fr") else label


# --------------------------------------------------------------------------- the summary


@dataclass(frozen=True)
class Answer:
    """One research question answered: ``verdict`` is yes, partly, no or unknown, as the means stand;
    ``close`` when their margin could change it (then ``label`` says "Too close to call")."""

    question: str
    text: str
    verdict: str
    label: str
    sentence: str
    close: bool = False


@dataclass(frozen=True)
class Summary:
    """The summary in one language: each part a tuple of sentences (empty when it has nothing).

    ``hidden`` holds the only sentence of a selection the release hides (then the parts are empty).
    """

    language: str
    direction: str
    heading: str
    headings: Mapping[str, str]
    hidden: str = ""
    where: tuple[str, ...] = ()
    moved: tuple[str, ...] = ()
    factors: tuple[str, ...] = ()
    answers: tuple[Answer, ...] = ()
    actions: tuple[str, ...] = ()

    @property
    def sentences(self) -> tuple[str, ...]:
        """Every sentence of the summary in reading order."""
        if self.hidden:
            return (self.hidden,)
        answered = tuple(f"{a.text} {a.sentence}" for a in self.answers)
        return (*self.where, *self.moved, *self.factors, *answered, *self.actions)

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


def summarise(released: Released, language: str = "en") -> Summary:
    """The summary of ``released`` in ``language`` (en, fr or ar; English otherwise)."""
    say = _Say(language)
    headings = {
        "where": say("where_h"),
        "moved": say("moved_h", previous=released.waves[0]) if released.waves else say("moved_first_h"),
        "factors": say("factors_h"),
        "questions": say("questions_h"),
        "actions": say("actions_h"),
    }
    base: dict[str, Any] = {
        "language": say.language,
        "direction": "rtl" if say.language == "ar" else "ltr",
        "heading": say("heading"),
        "headings": headings,
    }
    total = released.total
    if not total.get("visible") or _number(total.get("n")) is None:
        return Summary(**base, hidden=say("hidden"))
    # rounded once, as the summary and the heatmap write them: a verdict never rests on a hidden digit
    means = {key: _round1(released.factors.get(key)) for key in _FACTORS}
    # how far the selection's means may move by chance, as the heatmap says it: the widest of them,
    # from the number each is over (fewer than the selection where men skipped a question)
    margin = _number(released.factors.get("margin"))
    if margin is None and "margin" not in released.factors:  # figures built without a margin
        margin = chance_margin(_number(total.get("n")), LIKERT)
    return Summary(
        **base,
        where=_where(total, say),
        moved=_moved(released, say),
        factors=(say("no_factors_open"),) if released.open_wave else _factors(means, say, margin),
        answers=tuple(_answer(q, means, say, margin, open_wave=released.open_wave) for q in QUESTIONS),
        actions=_actions(released, means, say, margin),
    )


def _stage_figures(total: Mapping[str, Any]) -> list[tuple[int, float, float, float]] | None:
    """(stage number, share, low, high) of every stage, or None when the stages are not all shown."""
    out = []
    for number, key in enumerate(STAGE_KEYS, start=1):
        share, low, high = (_number(total.get(f"{p}_{key}")) for p in ("share", "low", "high"))
        if share is None or low is None or high is None:
            return None
        out.append((number, share, low, high))
    return out


def _where(total: Mapping[str, Any], say: _Say) -> tuple[str, ...]:
    n = int(_number(total["n"]) or 0)
    sentences = [say("answered", n=n)]
    stages = _stage_figures(total) if total.get("split") in (None, "stages") else None
    if stages is None:
        bands = [_number(total.get(k)) for k in ("share_early", "low_early", "high_early", "share_late")]
        if total.get("split") == "bands" and all(b is not None for b in bands):
            early, low, high, late = (say.pct(float(b or 0)) for b in bands)
            sentences.append(say("bands", early=early, low=low, high=high, late=late))
        else:
            why = total.get("split_message")
            sentences.append(
                say("no_split", why=why) if why and say.language == "en" else say("no_split_plain")
            )
        return tuple(sentences)
    ordered = sorted(stages, key=lambda s: (-s[1], s[0]))
    top, others = ordered[0], ordered[1:]
    sentences.append(
        say(
            "largest",
            stage=say.stage(top[0]),
            share=say.pct(top[1]),
            low=say.pct(top[2]),
            high=say.pct(top[3]),
        )
    )
    close = [s for s in others if s[3] >= top[2]]  # its interval reaches the largest's
    if close:
        items = [
            say(
                "close_item",
                stage=say.stage(s[0]),
                share=say.pct(s[1]),
                low=say.pct(s[2]),
                high=say.pct(s[3]),
            )
            for s in close
        ]
        verb = say.words["close_one"] if len(items) == 1 else say.words["close_many"]
        text = say("close", others=say.join(items), verb=verb)
        sentences.append(text[:1].upper() + text[1:])
    else:
        sentences.append(say("clearly"))
    rest = [s for s in others if s not in close]
    if rest:
        items = [
            say(
                "rest_item", stage=say.stage(s[0]), share=say.pct(s[1]), low=say.pct(s[2]), high=say.pct(s[3])
            )
            for s in sorted(rest)
        ]
        sentences.append(say("rest", items=say.join(items)))
    if any(high - low > ROUGH for _, _, low, high in stages):
        sentences.append(say("rough"))
    return tuple(sentences)


def _moved(released: Released, say: _Say) -> tuple[str, ...]:
    if released.waves is None:
        return (say("first_wave"),)
    previous = released.waves[0]
    change = released.change
    if change is None or not change.get("visible"):
        return (say("change_hidden", previous=previous),)
    n_before, n_after = _number(change.get("n_before")), _number(change.get("n_after"))
    if not n_before or not n_after:
        return (say("change_hidden", previous=previous),)
    sentences, unclear = [], []
    for number, key in enumerate(STAGE_KEYS, start=1):
        before, after = _number(change.get(f"share_{key}_before")), _number(change.get(f"share_{key}_after"))
        if before is None or after is None:
            continue
        delta, low, high = difference_interval(before, int(n_before), after, int(n_after), STAGE_CHANGE_LEVEL)
        if low > 0 or high < 0:
            sentences.append(
                say(
                    "stage_change",
                    stage=say.stage(number),
                    before=say.pct(before),
                    after=say.pct(after),
                    delta=say.signed(round(delta * 100)),
                    low=say.signed(round(low * 100)),
                    high=say.signed(round(high * 100)),
                )
            )
        else:
            unclear.append(say.stage(number))
    before, after = _number(change.get("index_before")), _number(change.get("index_after"))
    if before is not None and after is not None:
        delta, low, high = index_change_interval(before, int(n_before), after, int(n_after))
        if low > 0 or high < 0:
            sentences.append(
                say(
                    "index_change",
                    before=say.whole(before),
                    after=say.whole(after),
                    delta=say.signed(round(delta)),
                    low=say.signed(round(low)),
                    high=say.signed(round(high)),
                )
            )
        else:
            unclear.append(say.words["index_name"])
    if unclear:
        sentences.append(say("no_clear", items=say.join(unclear)))
    return tuple(sentences) or (say("no_change_figures", previous=previous),)


def _factors(means: Mapping[str, float | None], say: _Say, margin: float | None) -> tuple[str, ...]:
    def item(key: str, value: float) -> str:
        return say.scored("factor_item", margin, label=say.factor(key), mean=say.mean(value))

    obstacles = sorted(
        ((m, k) for k, m in means.items() if m is not None and _FACTORS[k].kind in ("barrier", "norm")),
        key=lambda p: (-p[0], p[1]),
    )
    enablers = sorted(
        ((m, k) for k, m in means.items() if m is not None and _FACTORS[k].kind == "enabler"),
        key=lambda p: (-p[0], p[1]),
    )
    if not obstacles and not enablers:
        return (say("no_factors"),)

    def strength(pairs: list[tuple[float, str]], kind: str) -> list[str]:
        """ "Strong" (or "in place") only where chance could not put the mean below 3.5; a mean its
        margin could put on either side of the line is named as too close to call, as the plans do."""
        close = [item(k, m) for m, k in pairs if straddles(m, margin, at_least=[AGREE])][:3]
        strong = [item(k, m) for m, k in pairs if m >= AGREE and not straddles(m, margin, at_least=[AGREE])]
        if strong:
            out = [say(kind, items=say.join(strong[:3]))]
        elif close:
            out = [say(f"{kind}_none_clear")]
        else:
            out = [say(f"{kind}_none", items=say.join([item(k, m) for m, k in pairs[:2]]))]
        return out + ([say(f"{kind}_close", items=say.join(close))] if close else [])

    sentences = []
    if obstacles:
        sentences += strength(obstacles, "barriers")
    if enablers:
        sentences += strength(enablers, "enablers")
        weakest_mean, weakest = enablers[-1]
        if len(enablers) > 1 and weakest_mean < AGREE:
            clearly = weakest_mean <= DISAGREE and not straddles(weakest_mean, margin, at_most=[DISAGREE])
            missing = say.words["weakest_missing"] if clearly else ""
            sentences.append(say("weakest", item=item(weakest, weakest_mean), missing=missing))
    return tuple(sentences)


def _reading(key: str, value: float, say: _Say, margin: float | None) -> str:
    if _FACTORS[key].kind == "enabler":
        word = "enabler_good" if value >= AGREE else "enabler_bad" if value <= DISAGREE else "enabler_mid"
    else:
        word = "barrier_bad" if value >= AGREE else "barrier_good" if value <= DISAGREE else "barrier_mid"
    return say.scored("reading", margin, label=say.factor(key), mean=say.mean(value), reading=say.words[word])


def _answer(
    question: Question,
    means: Mapping[str, float | None],
    say: _Say,
    margin: float | None = None,
    *,
    open_wave: bool = False,
) -> Answer:
    found = verdict(question, means)
    text = question.text(say.language)
    if found == "unknown":
        # an open wave publishes its counts only: the answers are not too few, they are not out yet
        why = say("answer_open") if open_wave else say("answer_unknown")
        return Answer(question.key, text, found, say("unknown"), why)
    items = [
        _reading(key, value, say, margin)
        for key in (*question.enablers, *question.barriers)
        if (value := means.get(key)) is not None
    ]
    label = say(found)
    listed = say.words["items"].join(items)
    listed = listed[:1].upper() + listed[1:]
    if close_call(question, means, margin):
        close = MARGIN_WORDS[say.language]["close"]
        words = MARGIN_WORDS[say.language]["answer_close"]
        face = label.lower() if say.language in ("en", "fr") else label
        sentence = words.format(label=close, verdict=face, margin=say.mean(margin or 0), items=listed)
        return Answer(question.key, text, found, close, sentence, close=True)
    sentence = say("answer", verdict=label, items=listed)
    return Answer(question.key, text, found, label, sentence)


def _actions(
    released: Released, means: Mapping[str, float | None], say: _Say, margin: float | None
) -> tuple[str, ...]:
    if not released.plan:
        return (say("no_actions_open") if released.open_wave else say("no_actions"),)
    out = []
    for item in released.plan:
        label = _INTERVENTIONS[item.intervention].label.get_lang(say.language)
        out.append(say("action", label=label, why=_why(item, released.total, means, say, margin)))
    return tuple(out)


def _why(
    item: PlanItem,
    total: Mapping[str, Any],
    means: Mapping[str, float | None],
    say: _Say,
    margin: float | None,
) -> str:
    """The reason of the tier that ranked ``item``, with the released figure behind it only."""
    code = item.reason_codes[0] if item.reason_codes else "stage_mix"
    keys = list(item.evidence)
    if code == "stage_action":
        for number, key in enumerate(STAGE_KEYS, start=1):
            share = _number(total.get(f"share_{key}"))
            low, high = _number(total.get(f"low_{key}")), _number(total.get(f"high_{key}"))
            if key in keys and share is not None and low is not None and high is not None:
                # the share with its 95% interval, as "Where the men are" gives it
                return say(
                    "why_stage",
                    share=say.pct(share),
                    low=say.pct(low),
                    high=say.pct(high),
                    stage=say.stage(number),
                )
    if code in ("barrier", "enabler_gap"):
        found = [k for k in keys if k in _FACTORS]
        if found:
            kind = "why_barrier" if code == "barrier" else "why_enabler"
            value = means.get(found[0])
            if value is None:
                return say(f"{kind}_plain", label=say.factor(found[0]))
            # strong from 3.5 of 5 (weak up to 2.5): within the margin of that line, only "may be"
            line = {"at_least": [AGREE]} if code == "barrier" else {"at_most": [DISAGREE]}
            kind += "_close" if straddles(value, margin, **line) else ""
            return say.scored(kind, margin, label=say.factor(found[0]), mean=say.mean(value))
    if code == "context":
        from allypath.analytics.plans import _context_label

        contexts = [k.removeprefix("context_") for k in keys if k.startswith("context_")]
        if contexts:
            return say("why_context", context=_context_label(contexts[0], say.language))
    stages = [say.stage(n) for n, key in enumerate(STAGE_KEYS, start=1) if key in keys]
    return say("why_fit", stages=say.join(stages))
