"""The private journey at ``/r/<receipt>/journey/``: reached only with the receipt code, no account.

The response is found exactly as the report finds it (:func:`allypath.web.survey.views._response_for`);
an unknown code gets the report's plain "not found" page (404). Everything he does here is kept in
his sealed journey (:mod:`.store`) or, when he volunteers, on his organisation's circle list
(:mod:`.circles`). No JavaScript and no inline style: plain forms, each with Django's CSRF token.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from allypath.content import (
    Dilemma,
    LibraryItem,
    Profile,
    choose_dilemmas,
    load_dilemmas,
    next_items,
    profile_from_scored,
)
from allypath.instrument import Instrument
from allypath.model import BARRIERS, NORMS, TURNING_POINTS, is_rtl, stage
from allypath.web.journey import circles
from allypath.web.journey.forms import CommitmentActionForm, CommitmentForm, DilemmaForm, VolunteerForm
from allypath.web.journey.library import find_item, library_for, own_items
from allypath.web.journey.models import CirclePlan
from allypath.web.journey.movement import certainty, index_margin, is_placed, movement
from allypath.web.journey.store import MAX_COMMITMENTS, JourneyState, editing, load
from allypath.web.journey.texts import FORMAT_NAMES, words
from allypath.web.orgs.emails import local_date
from allypath.web.orgs.instruments import wave_instrument
from allypath.web.survey.answers import check_answers, parse_posted
from allypath.web.survey.models import Response
from allypath.web.survey.pages import error_messages, questions
from allypath.web.survey.scoring import score_one
from allypath.web.survey.views import _ALL_LANGUAGES, _language, _missing, _page_context, _response_for

__all__ = [
    "circle",
    "circle_leave",
    "commitment_add",
    "commitment_change",
    "dilemma",
    "home",
    "item",
    "progress",
    "recheck",
]

RECHECK_FORM = "short"


@dataclass
class Visit:
    response: Response
    code: str
    language: str
    context: dict[str, Any]

    def url(self, name: str, *args: str) -> str:
        return reverse(f"journey:{name}", args=[self.code, *args]) + f"?lang={self.language}"

    def render(self, request: HttpRequest, template: str, status: int = 200, **extra: Any) -> HttpResponse:
        self.context.update(extra, has_errors=status == 422)  # "Error: " leads the page's title
        shown = render(request, f"journey/{template}", self.context, status=status)
        shown["Cache-Control"] = "no-store"
        return shown

    def back_home(self, anchor: str = "") -> HttpResponse:
        return HttpResponseRedirect(self.url("home") + (f"#{anchor}" if anchor else ""), status=303)


def _visit(request: HttpRequest, receipt: str) -> Visit | None:
    response, code = _response_for(receipt)
    if response is None:
        return None
    language = _language(request, _ALL_LANGUAGES, response.language)
    context = _page_context(request, language, _ALL_LANGUAGES)
    context["jw"] = words(language)
    context["receipt"] = code
    visit = Visit(response, code, language, context)
    context["home_url"] = visit.url("home")
    context["report_url"] = reverse("survey:report", args=[code]) + f"?lang={language}"
    return visit


# --------------------------------------------------------------------------- placements and profile


@dataclass(frozen=True)
class Placement:
    day: str
    source: str  # "survey" or "recheck"
    result: dict[str, Any]

    @property
    def placed(self) -> bool:
        return is_placed(self.result)


def _day(iso: str, language: str) -> str:
    """A stored ISO day as the language writes dates (the report's own formatting)."""
    try:
        return local_date(dt.date.fromisoformat(iso), language)
    except ValueError:
        return iso


def _instrument(response: Response) -> Instrument:
    return wave_instrument(response.wave.instrument_id, response.wave.instrument_version)


def _placements(response: Response, state: JourneyState) -> list[Placement]:
    first = Placement(response.submitted_on.isoformat(), "survey", dict(response.result))
    return [first, *(Placement(r.on, "recheck", r.result) for r in state.rechecks)]


def _profile(response: Response, state: JourneyState) -> Profile | None:
    """His stage from his latest placement; barrier from it or his survey; context and turning point
    from his survey (the re-check's short form asks neither)."""
    contexts = _instrument(response).contexts
    base = profile_from_scored(response.result, contexts) if is_placed(response.result) else None
    latest = next((r for r in reversed(state.rechecks) if is_placed(r.result)), None)
    if latest is None:
        return base
    now = profile_from_scored(latest.result, ())
    return Profile(
        stage=now.stage,
        barrier=now.barrier or (base.barrier if base else None),
        context=base.context if base else None,
        turning_point=base.turning_point if base else None,
    )


def _where(result: dict[str, Any], language: str, jw: dict[str, str]) -> str:
    """Where a placement puts him, in words, with how sure it is."""
    if not is_placed(result):
        return jw["not_placed"]
    label = stage(int(result["stage"])).label.get_lang(language)
    a, b = result.get("trailing_stage"), result.get("leading_stage")
    if result.get("between_stages") and a in (1, 2, 3, 4) and b in (1, 2, 3, 4) and a != b:
        where = jw["placed_between"].format(
            a=stage(int(a)).label.get_lang(language), b=stage(int(b)).label.get_lang(language)
        )
    else:
        where = jw["placed_at"].format(label=label)
    key, p = certainty(result)
    return f"{where}{jw['colon']} {jw[key].format(p=p)}"


def _reasons(
    reasons: tuple[str, ...], instrument: Instrument, language: str, jw: dict[str, str]
) -> list[str]:
    labels = {f.key: f.label for f in (*BARRIERS, *NORMS)}
    turning = {t.key: t.label for t in TURNING_POINTS}
    contexts = {c.context or c.id: c.label for c in instrument.constructs_of("context")}
    out = []
    for reason in reasons:
        kind, _, key = reason.partition(":")
        if kind in ("stage", "next_stage"):
            out.append(jw[f"why_{kind}"])
        elif kind == "barrier" and key in labels:
            out.append(jw["why_barrier"].format(label=labels[key].get_lang(language)))
        elif kind == "context" and key in contexts:
            out.append(jw["why_context"].format(label=contexts[key].get_lang(language)))
        elif kind == "turning_point" and key in turning:
            out.append(jw["why_turning_point"].format(label=turning[key].get_lang(language)))
    return out


def _dilemmas(profile: Profile | None, instrument: Instrument) -> list[Dilemma]:
    level = profile.stage if profile else 1
    if profile is not None and profile.context is not None:
        return list(choose_dilemmas(level, profile.context, n=3))
    picked = [choose_dilemmas(level, context, n=1) for context in instrument.contexts]
    return [chosen[0] for chosen in picked if chosen][:3]


def _item(visit: Visit, item_id: str) -> tuple[LibraryItem, str | None]:
    """The item and the one language it is written in (None: a shipped item, in all three); only the
    shipped library and his own organisation's items can be opened."""
    found = find_item(visit.response.wave.org, item_id)
    if found is None:
        raise Http404("no such item")
    return found


def _dilemma(dilemma_id: str) -> Dilemma:
    found = next((d for d in load_dilemmas() if d.id == dilemma_id), None)
    if found is None:
        raise Http404("no such dilemma")
    return found


# --------------------------------------------------------------------------- pages


def _home(request: HttpRequest, visit: Visit, status: int = 200, **forms: Any) -> HttpResponse:
    language, jw = visit.language, visit.context["jw"]
    state = load(visit.code)
    instrument = _instrument(visit.response)
    profile = _profile(visit.response, state)
    placements = _placements(visit.response, state)
    latest = next((p for p in reversed(placements) if p.placed), None)
    if latest is None:
        now = jw["now_none"]
    else:
        key = "now_from_survey" if latest.source == "survey" else "now_from_recheck"
        now = jw[key].format(day=_day(latest.day, language), where=_where(latest.result, language, jw))
    org = visit.response.wave.org
    own = own_items(org, language)
    library = library_for(own)
    suggestions = next_items(profile or Profile(stage=1), library, n=3, exclude=state.read)
    ids = {x.id for x in library}
    read = [library.item(i) for i in state.read if i in ids]
    dilemmas = _dilemmas(profile, instrument)
    context_labels = {
        c.context or c.id: c.label.get_lang(language) for c in instrument.constructs_of("context")
    }
    reword = forms.get("reword")
    return visit.render(
        request,
        "home.html",
        status=status,
        title=jw["journey_h"],
        now=now,
        suggestions=[
            {
                "item": s.item,
                "title": s.item.title.get_lang(language),
                "summary": s.item.summary.get_lang(language),
                "format": FORMAT_NAMES[s.item.format].get_lang(language),
                "minutes": jw["minutes"].format(n=s.item.reading_minutes),
                "why": ", ".join(_reasons(s.reasons, instrument, language, jw)),
                "url": visit.url("item", s.item.id),
            }
            for s in suggestions
        ],
        read=[{"title": i.title.get_lang(language), "url": visit.url("item", i.id)} for i in read],
        own_h=jw["own_h"].format(org=org.name),
        own=[
            {
                "title": i.title.get_lang(language),
                "summary": i.summary.get_lang(language),
                "format": FORMAT_NAMES[i.format].get_lang(language),
                "minutes": jw["minutes"].format(n=i.reading_minutes),
                "url": visit.url("item", i.id),
            }
            for i in own
        ],
        dilemmas=[
            {
                "title": d.title.get_lang(language),
                "context": context_labels.get(d.context, ""),
                "played": d.id in state.plays,
                "url": visit.url("dilemma", d.id),
            }
            for d in dilemmas
        ],
        commitments=[
            {
                "c": c,
                "made": jw["made_on"].format(day=_day(c.made_on, language)),
                "done": jw["done_on"].format(day=_day(c.done_on, language)) if c.done_on else "",
                "url": visit.url("commitment", c.id),
                # the reword form sent back with an error: open, with his words and the error
                "reword": reword[1] if reword and reword[0] == c.id else None,
            }
            for c in state.commitments
        ],
        commitment_form=forms.get("commitment_form") or CommitmentForm(words=jw),
        reworded={"id": reword[0], "form": reword[1]} if reword else None,  # for the error summary
        add_url=visit.url("commitment_add"),
        recheck_url=visit.url("recheck"),
        progress_url=visit.url("progress") if state.rechecks else "",
        circle_url=visit.url("circle"),
    )


@require_http_methods(["GET"])
def home(request: HttpRequest, receipt: str) -> HttpResponse:
    """His journey: where he is, what to read next, dilemmas, commitments, the re-check, circles."""
    visit = _visit(request, receipt)
    if visit is None:
        return _missing(request)
    return _home(request, visit)


@require_http_methods(["GET", "POST"])
def item(request: HttpRequest, receipt: str, item_id: str) -> HttpResponse:
    """One library item; POST marks it as read (it is then not suggested again)."""
    visit = _visit(request, receipt)
    if visit is None:
        return _missing(request)
    chosen, written_in = _item(visit, item_id)
    if request.method == "POST":
        with editing(visit.code) as state:
            if chosen.id not in state.read:
                state.read.append(chosen.id)
        return visit.back_home("read-h")
    # An organisation's item is shown in the language it is written in, whatever the page's language.
    language = written_in or visit.language
    is_read = chosen.id in load(visit.code).read

    def lang(text: Any) -> str:
        return str(text.get_lang(language))

    return visit.render(
        request,
        "item.html",
        title=lang(chosen.title),
        item=chosen,
        # the format and reading time are the page's words (in its language), not the item's
        format=FORMAT_NAMES[chosen.format].get_lang(visit.language),
        minutes=visit.context["jw"]["minutes"].format(n=chosen.reading_minutes),
        body=lang(chosen.body),
        question=lang(chosen.question) if chosen.question else "",
        prompts=[lang(p) for p in chosen.prompts],
        steps=[{"title": lang(s.title), "action": lang(s.action)} for s in chosen.steps],
        action=lang(chosen.action) if chosen.action else "",
        links=[{"url": x.url, "title": lang(x.title)} for x in chosen.links],
        composite=chosen.format in ("story", "short") and written_in is None,
        is_read=is_read,
        own_note=(
            visit.context["jw"]["own_item_note"].format(org=visit.response.wave.org.name)
            if written_in is not None
            else ""
        ),
        item_lang=language if written_in and written_in != visit.language else "",
        item_dir="rtl" if is_rtl(language) else "ltr",
    )


@require_http_methods(["GET", "POST"])
def dilemma(request: HttpRequest, receipt: str, dilemma_id: str) -> HttpResponse:
    """Play a dilemma privately: choose an option, then see what each tends to lead to and the debrief."""
    visit = _visit(request, receipt)
    if visit is None:
        return _missing(request)
    chosen = _dilemma(dilemma_id)
    language, jw = visit.language, visit.context["jw"]
    form = DilemmaForm(request.POST or None, dilemma=chosen, language=language, words=jw)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with editing(visit.code) as state:
                state.plays[chosen.id] = form.cleaned_data["option"]
            return HttpResponseRedirect(visit.url("dilemma", chosen.id) + "#result-h", status=303)
        status = 422
    played = load(visit.code).plays.get(chosen.id)
    show_result = played is not None and request.method == "GET" and "again" not in request.GET
    picked = next((o for o in chosen.options if o.id == played), None) if show_result else None
    return visit.render(
        request,
        "dilemma.html",
        status=status,
        title=chosen.title.get_lang(language),
        situation=chosen.situation.get_lang(language),
        form=form,
        options=[
            {"id": o.id, "text": o.text.get_lang(language), "input_id": f"option-{o.id}"}
            for o in chosen.options
        ],
        error=form.errors.get("option", [""])[0] if status == 422 else "",
        picked=(
            {"text": picked.text.get_lang(language), "outcome": picked.outcome.get_lang(language)}
            if picked
            else None
        ),
        others=[
            {"text": o.text.get_lang(language), "outcome": o.outcome.get_lang(language)}
            for o in chosen.options
            if picked is not None and o.id != picked.id
        ],
        debrief=chosen.debrief.get_lang(language),
        again_url=visit.url("dilemma", chosen.id) + "&again=1",
    )


@require_POST
def commitment_add(request: HttpRequest, receipt: str) -> HttpResponse:
    visit = _visit(request, receipt)
    if visit is None:
        return _missing(request)
    jw = visit.context["jw"]
    form = CommitmentForm(request.POST, words=jw)
    if form.is_valid():
        with editing(visit.code) as state:
            if len(state.commitments) < MAX_COMMITMENTS:
                state.add_commitment(form.cleaned_data["text"])
                return visit.back_home("commitments-h")
        form.add_error("text", jw["commitment_too_many"])
    return _home(request, visit, status=422, commitment_form=form)


@require_POST
def commitment_change(request: HttpRequest, receipt: str, commitment_id: str) -> HttpResponse:
    """Tick a commitment off, untick it, remove it, or reword it (its day and done mark stay)."""
    visit = _visit(request, receipt)
    if visit is None:
        return _missing(request)
    form = CommitmentActionForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Unknown action.", status=422, content_type="text/plain; charset=utf-8")
    action = form.cleaned_data["action"]
    reworded = CommitmentForm(request.POST, words=visit.context["jw"]) if action == "reword" else None
    if reworded is not None and not reworded.is_valid():
        if load(visit.code).commitment(commitment_id) is None:
            raise Http404("no such commitment")
        # sent back with his words and the error beside the field he typed in, not the new one
        return _home(request, visit, status=422, reword=(commitment_id, reworded))
    with editing(visit.code) as state:
        found = state.commitment(commitment_id)
        if found is None:
            raise Http404("no such commitment")
        if reworded is not None:
            found.text = reworded.cleaned_data["text"]
        elif action == "remove":
            state.commitments.remove(found)
        else:
            found.done_on = timezone.localdate().isoformat() if action == "done" else None
    return visit.back_home("commitments-h")


@require_http_methods(["GET", "POST"])
def recheck(request: HttpRequest, receipt: str) -> HttpResponse:
    """The short form again, scored by the same engine as the survey; only the placement is kept."""
    visit = _visit(request, receipt)
    if visit is None:
        return _missing(request)
    instrument = _instrument(visit.response)
    form = instrument.form(RECHECK_FORM)
    items = tuple(i for i in form.items if i.type != "text")  # open comments are for HR's survey only
    language, jw = visit.language, visit.context["jw"]
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        posted = parse_posted(request.POST, items)
        clean, problems = check_answers(posted, form)
        errors = error_messages(problems, visit.context["words"], items, language)
        if not errors:
            result = score_one(clean, instrument, RECHECK_FORM)
            with editing(visit.code) as state:
                state.add_recheck(result)
            return HttpResponseRedirect(visit.url("progress"), status=303)
        answers = {**clean, **{k: v for k, v in posted.items() if k in errors}}
        status = 422
    shown = questions(items, language, answers, errors, 1)
    return visit.render(
        request,
        "recheck.html",
        status=status,
        title=jw["recheck_h"],
        questions=shown,
        error_list=[q for q in shown if q.error],
    )


@require_http_methods(["GET"])
def progress(request: HttpRequest, receipt: str) -> HttpResponse:
    """His placements over time, each with how sure it is, and whether he moved beyond the margin."""
    visit = _visit(request, receipt)
    if visit is None:
        return _missing(request)
    language, jw = visit.language, visit.context["jw"]
    state = load(visit.code)
    placements = _placements(visit.response, state)
    rows = []
    for p in placements:
        row: dict[str, Any] = {
            "day": _day(p.day, language),
            "source": jw["source_survey"] if p.source == "survey" else jw["source_recheck"],
            "where": _where(p.result, language, jw),
            "index": "",
        }
        if p.placed and isinstance(p.result.get("index"), int | float):
            row["index"] = jw["index_margin"].format(
                index=round(float(p.result["index"])), margin=index_margin(p.result)
            )
        if p.source == "recheck" and not p.placed:
            why = jw["unplaced_few"] if p.result.get("status") == "insufficient" else jw["unplaced_careless"]
            row["where"] = jw["recheck_unplaced"].format(why=why)
        rows.append(row)

    def said(before: Placement, after: Placement) -> str:
        moved = movement(before.result, after.result)
        return jw[moved.key].format(before=moved.before, after=moved.after, margin=moved.margin)

    since_start = since_last = ""
    if len(placements) > 1:
        since_start = said(placements[0], placements[-1])
        if len(placements) > 2:  # else the previous one is the survey
            since_last = said(placements[-2], placements[-1])
    return visit.render(
        request,
        "progress.html",
        title=jw["progress_h"],
        rows=list(reversed(rows)),
        since_start=since_start,
        since_last=since_last,
        recheck_url=visit.url("recheck"),
    )


@require_http_methods(["GET", "POST"])
def circle(request: HttpRequest, receipt: str) -> HttpResponse:
    """Volunteer for an ally circle, see that he waits, or see his circle's contacts and guide."""
    visit = _visit(request, receipt)
    if visit is None:
        return _missing(request)
    jw = visit.context["jw"]
    org = visit.response.wave.org
    plan = CirclePlan.objects.filter(org=org).first()
    row = circles.find_volunteer(visit.code)
    form = VolunteerForm(request.POST or None, words=jw)
    status = 200
    profile = _profile(visit.response, load(visit.code))
    if request.method == "POST":
        if plan is None or profile is None:
            status = 409
        elif form.is_valid():
            circles.volunteer(
                visit.code,
                org,
                stage=profile.stage,
                unit=str(visit.response.unit_id),
                can_host=form.cleaned_data["can_host"],
                contact=form.cleaned_data["contact"],
            )
            return HttpResponseRedirect(visit.url("circle"), status=303)
        else:
            status = 422
    details = row.details if row is not None else {}
    view = circles.circle_for(row) if row is not None else None
    when = ""
    if plan is not None and plan.forms_on is not None:
        when = jw["circle_when"].format(day=local_date(plan.forms_on, visit.language))
    language = visit.language
    return visit.render(
        request,
        "circle.html",
        status=status,
        title=jw["circle_h"],
        open=plan is not None,
        needs_place=profile is None,
        form=form,
        volunteered=row is not None,
        contact=details.get("contact", ""),
        waiting=jw["circle_waiting"].format(when=when),
        waited_before=bool(details.get("rounds_waited")),
        view=view,
        guide=(
            {
                "title": view.guide.title.get_lang(language),
                "summary": view.guide.summary.get_lang(language),
                "sessions": [
                    {
                        "heading": jw["session_h"].format(n=s.number, theme=s.theme.get_lang(language)),
                        "prompts": [p.get_lang(language) for p in s.prompts],
                        "one_action": s.one_action.get_lang(language),
                    }
                    for s in view.guide.sessions
                ],
            }
            if view is not None
            else None
        ),
        leave_url=visit.url("circle_leave"),
    )


@require_POST
def circle_leave(request: HttpRequest, receipt: str) -> HttpResponse:
    visit = _visit(request, receipt)
    if visit is None:
        return _missing(request)
    circles.leave(visit.code)
    return HttpResponseRedirect(visit.url("circle"), status=303)
