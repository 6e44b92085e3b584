"""What the private report shows, built from a stored response (never visible to HR).

Order of the page: strengths first, then where he stands and how sure that is ("between stages"
wording, the developmental index and its band explained in one sentence), what the next stage is and
what moving there looks like, how he sees himself against his answers, his profile across
situations, next steps from :func:`allypath.recommend` (titled by what they are, never by a bare
stage name), resources, and in a panel wave, once he gives the receipt code of his earlier answers
(never stored), his own earlier result, with his index's change claimed only beyond the margin of
error (:func:`allypath.web.journey.movement.movement`, the journey's words).
Between two stages, his self-placement is set against both stages, never against the likelier alone.

Numbers and dates follow the report's language through Django's localisation: "4,3 sur 5" and
"12 mars 2026" in French, the Arabic month names in Arabic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from django.utils import formats, translation

from allypath import recommend
from allypath.model import STAGES, stage
from allypath.recommendations import Recommendation
from allypath.scoring import PROBABILITY_COLUMNS, context_columns
from allypath.scoring.careless import fits_loosely
from allypath.web.journey.movement import Z, movement
from allypath.web.orgs.emails import local_date  # the e-mails' dates: one way to write a date
from allypath.web.orgs.instruments import wave_instrument
from allypath.web.orgs.keys import normalise_receipt, receipt_hash
from allypath.web.orgs.models import PrivacyMode, Wave
from allypath.web.survey.models import Response
from allypath.web.survey.texts import FIRST_STEPS, NEXT_STAGE, RESOURCES, ui

__all__ = ["CONTEXT_CLEAR_PROBABILITY", "build_report", "local_date"]

#: A context's stage is shown only when its top probability reaches this; otherwise the report says
#: that the answers in that context do not point to one stage. Context placements rest on four
#: items: on simulated data about 13 % of them reach 0.70 (docs/methods.md).
CONTEXT_CLEAR_PROBABILITY = 0.70


@dataclass(frozen=True)
class Bar:
    label: str
    percent: int
    current: bool
    text: str = ""  # the percentage as the language writes it ("42 %" in French)


def local_number(value: float, digits: int, language: str) -> str:
    """``value`` with ``digits`` decimals as ``language`` writes it (Django's formats: "4,3" in French)."""
    with translation.override(language):
        return str(formats.number_format(value, digits, use_l10n=True))


_DECIMAL = re.compile(r"(?<![\d.,])(\d+)\.(\d+)(?!\d|[.,]\d)")


def local_decimals(text: str, language: str) -> str:
    """Every decimal number of ``text`` (the recommendations write "4.3") as ``language`` writes it."""
    return _DECIMAL.sub(lambda m: local_number(float(m.group(0)), len(m.group(2)), language), text)


def _titled(
    recs: list[Recommendation], current: int | None, words: dict[str, str], language: str
) -> list[Recommendation]:
    """The steps with titles that say what they are: a stage's steps are titled by where they lead
    ("A first step from where you are", "A step towards “Reflective and responsible”"), never by the
    bare stage name; the reasons' scores in the report's number format."""
    out, here = [], 0
    for rec in recs:
        title = rec.title
        if rec.kind == "stage" and current is not None and rec.key == STAGES[current - 1].key:
            title = words["step_first"] if here == 0 else words["step_another"]
            here += 1
        elif rec.kind == "stage":
            title = words["step_towards"].format(label=rec.title)
        out.append(replace(rec, title=title, reason=local_decimals(rec.reason, language)))
    return out


@dataclass(frozen=True)
class ContextRow:
    label: str
    stage: str


def _stage_number(number: Any) -> int | None:
    try:
        n = int(number)
    except (TypeError, ValueError):
        return None
    return n if 1 <= n <= len(STAGES) else None


def _stage_label(number: Any, language: str) -> str | None:
    n = _stage_number(number)
    return None if n is None else stage(n).label.get_lang(language)


def _context_stage(result: dict[str, Any], name: str, words: dict[str, str], language: str) -> str:
    """The context's stage when it is clear (top probability >= CONTEXT_CLEAR_PROBABILITY), else plain
    words: not enough answers, or answers that do not point to one stage."""
    label = _stage_label(result.get(f"context_{name}_stage"), language)
    if label is None:
        return words["context_unknown"]
    stored = [result.get(column) for column in context_columns(name)]
    probabilities = [float(p) for p in stored if isinstance(p, int | float)]
    if len(probabilities) < len(stored):  # a result stored before the probabilities existed
        return words["context_unclear"]
    return label if max(probabilities) >= CONTEXT_CLEAR_PROBABILITY else words["context_unclear"]


def _between_pair(result: dict[str, Any]) -> tuple[int, int] | None:
    """``(trailing, leading)`` stage numbers when the report says his answers sit between two stages."""
    if not result.get("between_stages"):
        return None
    ends = [_stage_number(result.get(f"{end}_stage")) for end in ("trailing", "leading")]
    if ends[0] is None or ends[1] is None or ends[0] == ends[1]:
        return None
    return ends[0], ends[1]


def _perceived(
    result: dict[str, Any],
    current: int,
    pair: tuple[int, int] | None,
    words: dict[str, str],
    language: str,
) -> str:
    """How he placed himself against his answers. Between two stages, against both: at one of them is
    no gap, beyond both is ahead or behind, and between two stages apart is neither."""
    perceived = _stage_number(result.get("perceived_stage"))
    if perceived is None:
        return words["perceived_none"]
    label = stage(perceived).label.get_lang(language)
    if pair is None:
        gap = perceived - current
        key = "perceived_same" if gap == 0 else "perceived_ahead" if gap > 0 else "perceived_behind"
        return words[key].format(perceived=label, scored=stage(current).label.get_lang(language))
    low, high = min(pair), max(pair)
    if perceived in pair:
        key = "perceived_between"
    elif perceived > high:
        key = "perceived_ahead_between"
    elif perceived < low:
        key = "perceived_behind_between"
    else:
        key = "perceived_within"
    a, b = (stage(n).label.get_lang(language) for n in (low, high))
    return words[key].format(perceived=label, a=a, b=b)


def _earlier(response: Response, receipt: str) -> Response | None:
    """His response to an earlier panel wave, found by the receipt code he was given then, and only if
    it is his (the same panel key). Never by the panel key alone: whoever holds his link could answer
    in his place and read his earlier result on the report he gets back."""
    code = normalise_receipt(receipt)
    if not response.panel_key or code is None:
        return None
    return (
        Response.objects.filter(
            receipt_hash=receipt_hash(code),
            panel_key=response.panel_key,
            wave__org_id=response.wave.org_id,
            wave__opens_on__lt=response.wave.opens_on,
        )
        .exclude(pk=response.pk)
        .select_related("wave")
        .first()
    )


def _earlier_panel_wave(response: Response) -> bool:
    return Wave.objects.filter(
        org_id=response.wave.org_id, privacy_mode=PrivacyMode.PANEL, opens_on__lt=response.wave.opens_on
    ).exists()


def build_report(response: Response, language: str, earlier_receipt: str | None = None) -> dict[str, Any]:
    """Template context of the report in ``language``; in a panel wave, compared with his earlier
    answers where ``earlier_receipt`` is the receipt code he was given for them."""
    words = ui(language)
    result: dict[str, Any] = response.result
    scored = result.get("status") == "scored"
    context: dict[str, Any] = {"words": words, "scored": scored, "language": language}
    recs: list[Recommendation] = recommend(result, language=language)
    context["recommendations"] = _titled(recs, None, words, language)
    context["resources"] = [r.get_lang(language) for r in RESOURCES]
    if not scored:
        # Say plainly why there is no stage (never the scorer's internal reason codes), and give first
        # steps that fit anyone: the stage-based recommendations have nothing to go on.
        form = wave_instrument(response.wave.instrument_id, response.wave.instrument_version).form(
            response.wave.form
        )
        if result.get("status") != "suspect" and not response.answers:
            context["insufficient"] = words["insufficient_none"]  # never "you answered 0 of 29"
        elif result.get("status") != "suspect":
            context["insufficient"] = words["insufficient"].format(
                answered=len(response.answers), questions=len(form.items)
            )
        elif response.pace == "rushed":
            context["insufficient"] = words["rushed"]
        else:
            context["insufficient"] = words["suspect"]
        context["first_steps"] = [step.get_lang(language) for step in FIRST_STEPS]
        return context
    current = stage(int(result["stage"]))
    context["stage_label"] = current.label.get_lang(language)
    context["strengths"] = current.strengths.get_lang(language)
    context["description"] = current.description.get_lang(language)
    pair = _between_pair(result)
    if pair is not None:
        a, b = (stage(n).label.get_lang(language) for n in pair)
        context["between"] = words["between"].format(a=a, b=b)
    if "between" not in context:
        context["stage_sentence"] = words["stage_is"].format(label=context["stage_label"])
    if fits_loosely(result.get("person_fit")):
        context["loose_fit"] = words["loose_fit"]
    context["recommendations"] = _titled(recs, current.number, words, language)
    bars = []
    for s, col in zip(STAGES, PROBABILITY_COLUMNS, strict=True):
        # An estimate is never certain: a match is shown between 1 % and 99 %, never 0 % or 100 %
        # (the journey's "chances in 100" stop at 99 too); beyond them it says "less than 1%" and
        # "more than 99%", so the four figures never seem to add up to more than 100.
        share = 100 * float(result.get(col) or 0)
        percent = min(99, max(1, round(share)))
        said = "percent_under" if share < 0.5 else "percent_over" if share >= 99.5 else "percent"
        text = words[said].format(value=local_number(percent, 0, language))
        bars.append(Bar(s.label.get_lang(language), percent, s.number == current.number, text))
    context["bars"] = bars
    if result.get("index") is not None:
        # the 95 % range, the margin his journey uses for a change ("most likely" is not one SE)
        index, spread = float(result["index"]), Z * float(result.get("index_se") or 0)
        low, high = round(max(0.0, index - spread)), round(min(100.0, index + spread))
        # "between 0 and 0" reads as certainty: a range that rounds to one number is "about a point"
        context["index_sentence"] = words["index" if low < high else "index_narrow"].format(
            index=round(index),
            low=low,
            high=high,
            first=STAGES[0].label.get_lang(language),
            last=STAGES[-1].label.get_lang(language),
        )
    following = current.number + 1
    if following <= len(STAGES):
        context["next_stage"] = words["next_stage"].format(
            label=STAGES[following - 1].label.get_lang(language)
        )
    else:
        context["next_stage"] = words["last_stage"].format(label=context["stage_label"])
    context["next_stage_move"] = NEXT_STAGE[current.number].get_lang(language)
    context["perceived"] = _perceived(result, current.number, pair, words, language)
    instrument = wave_instrument(response.wave.instrument_id, response.wave.instrument_version)
    contexts = [
        ContextRow(c.label.get_lang(language), _context_stage(result, c.context or c.id, words, language))
        for c in instrument.constructs_of("context")
    ]
    # The short form asks no context questions: then the section is left out rather than shown empty.
    if any(row.stage != words["context_unknown"] for row in contexts):
        context["contexts"] = contexts
    # offered where the organisation ran a panel wave before this one (a fact about waves, not him)
    context["compare_offered"] = bool(response.panel_key) and _earlier_panel_wave(response)
    earlier = _earlier(response, earlier_receipt) if earlier_receipt else None
    if earlier_receipt and earlier is None:
        context["compare_refused"] = words["compare_not_found"]
    elif earlier is not None and earlier.result.get("status") != "scored":
        context["compare_refused"] = words["compare_unscored"]
    if earlier is not None and earlier.result.get("status") == "scored":
        context["earlier_receipt"] = normalise_receipt(earlier_receipt or "")
        before = _stage_label(earlier.result.get("stage"), language)
        when = {"wave": earlier.wave.name, "date": local_date(earlier.submitted_on, language)}
        if pair is not None:  # between two stages now, as the page says above: not the likelier alone
            a, b = (stage(n).label.get_lang(language) for n in pair)
            context["comparison"] = words["compare_now_between"].format(**when, earlier=before, a=a, b=b)
        else:
            context["comparison"] = words["compare"].format(
                **when, earlier=before, now=context["stage_label"]
            )
        # A change of his index is claimed only beyond the margin of error of a difference, as the
        # journey pages say it; without both indexes nothing is said.
        moved = movement(earlier.result, result)
        if moved.key != "moved_cannot":
            context["comparison_index"] = words[f"compare_{moved.key}"].format(
                before=moved.before, after=moved.after, margin=moved.margin
            )
    return context
