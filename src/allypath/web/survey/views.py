"""Respondent pages: intro and consent, question pages with save and resume, submit, private report.

No JavaScript and no inline style: plain forms that work with a keyboard, a screen reader and the
strict Content-Security-Policy.

The link opens the survey; everything of one person -- the draft, resuming it, the report after
submitting -- is found with the link *and* his browser's secret (:mod:`.browser`). Another browser
with the same link sees the survey's start, the same whether or not anyone started or answered
(until the link is used up), and a note on continuing where he started.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from allypath.instrument import Instrument
from allypath.model import is_rtl
from allypath.web.orgs.emails import local_date
from allypath.web.orgs.instruments import wave_instrument
from allypath.web.orgs.keys import draft_key, form_submission_id, normalise_receipt, receipt_hash
from allypath.web.orgs.models import PrivacyMode, Wave
from allypath.web.survey.answers import check_answers, parse_posted
from allypath.web.survey.blank import TEMPLATE, blank_key, blank_page, is_blank
from allypath.web.survey.browser import browser_secret, issue_browser_secret, remember_browser_secret
from allypath.web.survey.links import LinkError, OpenLink, open_link
from allypath.web.survey.models import Draft, Response
from allypath.web.survey.pace import pace_of, remember_page_shown, seconds_on_page
from allypath.web.survey.pages import error_messages, page_count, page_items, questions
from allypath.web.survey.pdf import render_pdf
from allypath.web.survey.prepared import columns, fetch_one, instance, once
from allypath.web.survey.report import build_report
from allypath.web.survey.scoring import score_one
from allypath.web.survey.sealing import draft_cipher_key
from allypath.web.survey.submission import SubmissionError, find_submitted, submit
from allypath.web.survey.texts import LANGUAGE_NAMES, duration, ui

_ALL_LANGUAGES = ("en", "fr", "ar")


def _language(request: HttpRequest, offered: list[str] | tuple[str, ...], fallback: str) -> str:
    asked = request.GET.get("lang") or request.POST.get("language") or ""
    if asked in offered:
        return asked
    return fallback if fallback in offered else offered[0]


def _page_context(
    request: HttpRequest, language: str, offered: list[str] | tuple[str, ...], path: str | None = None
) -> dict[str, Any]:
    """What every respondent page shows; ``path`` stands for the page's address (the request's)."""
    path = request.path if path is None else path
    return {
        "lang": language,
        "dir": "rtl" if is_rtl(language) else "ltr",
        "words": ui(language),
        "language_links": [
            {
                "code": code,
                "name": LANGUAGE_NAMES.get(code, code),
                "current": code == language,
                "url": f"{path}?lang={code}",
            }
            for code in offered
        ],
    }


def _gone(request: HttpRequest, problem: LinkError, token: str = "") -> HttpResponse:
    if problem.kind in ("used", "closed") and token:
        # The browser that sent the answers goes back to its report; any other sees only that the
        # link was used (which a link holder learns anyway: a used link cannot take answers), or
        # once the wave is closed, that it is closed (nothing keeps who answered then).
        secret = browser_secret(request)
        done = find_submitted(token, form_submission_id(token, secret)) if secret else None
        if done is not None:
            return HttpResponseRedirect(reverse("survey:report", args=[done.receipt]), status=303)
    wave = problem.wave
    offered = wave.languages if wave else list(_ALL_LANGUAGES)
    language = _language(request, offered, "en")
    context = _page_context(request, language, offered)
    words = context["words"]
    context["title"] = words[f"gone_{problem.kind}_h"]
    context["message"] = words[f"gone_{problem.kind}"].format(
        closes=local_date(wave.closes_on, language) if wave else "",
        opens=local_date(wave.opens_on, language) if wave else "",
    )
    context["receipt_form"] = problem.kind in ("used", "closed")
    status = 404 if problem.kind == "unknown" else 410
    return render(request, "survey/gone.html", context, status=status)


_RESPONDENT_PATH = re.compile(r"^/(?:s/(?P<token>[^/]{1,200})|r)/")


def is_respondent_page(request: HttpRequest) -> bool:
    """True for a survey link's pages and the report's and journey's (``/s/...``, ``/r/...``)."""
    return _RESPONDENT_PATH.match(request.path) is not None


def problem_page(request: HttpRequest, status: int, title: str, *messages: str) -> HttpResponse:
    """A refusal on a respondent's page (too many submissions, a full disk) as a page in his language:
    the ``?lang`` or posted language when the survey offers it, else his link's, as the views choose it.
    ``title`` and ``messages`` are keys of the page words."""
    offered: list[str] | tuple[str, ...] = _ALL_LANGUAGES
    fallback = "en"
    asked = request.GET.get("lang") or request.POST.get("language") or ""
    match = _RESPONDENT_PATH.match(request.path)
    token = match["token"] if match else None
    if token and asked not in _ALL_LANGUAGES:
        try:  # only when no language was asked: a refusal should stay cheap
            link = open_link(token)
            offered, fallback = link.wave.languages, _preferred(link, _draft(request, token, link))
        except LinkError as problem:
            offered = problem.wave.languages if problem.wave else offered
        except DatabaseError:  # the disk may be full: English rather than a second failure
            pass
    language = _language(request, offered, fallback)
    context = _page_context(request, language, offered)
    words = context["words"]
    context.update(title=words[title], message=" ".join(words[m] for m in messages))
    return render(request, "survey/gone.html", context, status=status)


def _draft(request: HttpRequest, token: str, link: OpenLink) -> Draft | None:
    """This browser's draft for this link (None without a browser secret: the link alone is not enough)."""
    secret = browser_secret(request)
    if secret is None:
        return None
    draft = _find_draft(draft_key(token, secret), link.wave)
    return draft.unlock(draft_cipher_key(token, secret)) if draft is not None else None


def _find_draft(key: str, wave: Wave) -> Draft | None:
    """``Draft.objects.filter(key=key, wave=wave).first()`` with its SQL written once (:mod:`.prepared`)."""
    cols = columns(Draft, "d")
    sql = once(
        "draft",
        lambda: (
            f"SELECT {cols.sql} FROM {cols.table}"  # noqa: S608 - names from the model
            f" WHERE {cols.column('key')} = %s AND {cols.column('wave')} = %s"
        ),
    )
    row = fetch_one(sql, [key, wave.pk])
    if row is None:
        return None
    draft: Draft = instance(cols, row, 0)
    draft.wave = wave  # the wave it was looked up with, as the ORM's filter(wave=wave) leaves it unread
    return draft


def _preferred(link: OpenLink, draft: Draft | None) -> str:
    if draft is not None:
        return draft.language
    return (link.invitation.employee.language or "").split("-")[0]


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, token: str) -> HttpResponse:
    """The intro and consent page; POST starts (or resumes) the survey in the chosen language."""
    try:
        link = open_link(token)
    except LinkError as problem:
        return _gone(request, problem, token)
    wave = link.wave
    draft = _draft(request, token, link)
    language = _language(request, wave.languages, _preferred(link, draft))
    if request.method == "POST":
        if draft is None:
            secret = issue_browser_secret(request)
            draft = Draft.objects.create(key=draft_key(token, secret), wave=wave, language=language, page=1)
        else:
            draft.language = language
            draft.updated_on = timezone.localdate()
            draft.save(update_fields=["language", "updated_on"])
        redirect = HttpResponseRedirect(_page_url(token, max(draft.page, 1), language))
        return remember_browser_secret(request, redirect)
    instrument = wave_instrument(wave.instrument_id, wave.instrument_version)
    context = _page_context(request, language, wave.languages)
    words = context["words"]
    context.update(
        title=instrument.title.get_lang(language),
        intro_lead=words["intro_lead"].format(duration=duration(wave.form, language)),
        who=words["who"].format(k=wave.k, k_text=wave.k_text),
        privacy_note=words["panel"] if wave.privacy_mode == PrivacyMode.PANEL else words["anonymous"],
        optional=words["optional"].format(closes=local_date(wave.closes_on, language)),
        has_draft=draft is not None,
    )
    return render(request, "survey/intro.html", context)


def _page_url(token: str, number: int, language: str) -> str:
    return reverse("survey:page", args=[token, number]) + f"?lang={language}"


@require_http_methods(["GET", "POST"])
def page(request: HttpRequest, token: str, number: int) -> HttpResponse:
    """One page of questions. POST saves its answers, then goes on, back, to "saved", or submits."""
    try:
        link = open_link(token)
    except LinkError as problem:
        return _gone(request, problem, token)  # a second click on "Submit" lands on the report
    wave = link.wave
    form = wave_instrument(wave.instrument_id, wave.instrument_version).form(wave.form)
    total = page_count(form)
    draft = _draft(request, token, link)
    if draft is None:
        return HttpResponseRedirect(reverse("survey:start", args=[token]))
    if not 1 <= number <= total:
        return HttpResponseRedirect(_page_url(token, min(max(draft.page, 1), total), draft.language))
    language = _language(request, wave.languages, draft.language)
    items = page_items(form, number)
    answers: dict[str, Any] = dict(draft.answers)
    errors: dict[str, str] = {}
    if request.method == "POST":
        context = _page_context(request, language, wave.languages)
        words = context["words"]
        _add_time_on_page(request, token, number, draft)
        action = request.POST.get("action", "next")
        if action == "submit_anyway" and number == total:
            # confirmed on the "only a few answers" page, which posts no answers: keep the draft's
            return _submit(request, token, draft, language, context)
        posted = parse_posted(request.POST, items)
        clean, problems = check_answers(posted, form)
        for item in items:
            answers.pop(item.id, None)
        answers.update(clean)
        draft.answers = answers
        draft.language = language
        draft.page = number
        draft.updated_on = timezone.localdate()
        draft.save()  # with the time on this page (active_seconds)
        errors = error_messages(problems, words, items, language)
        if not errors or action == "back":
            if action == "back":
                return HttpResponseRedirect(
                    _page_url(token, number - 1, language)
                    if number > 1
                    else reverse("survey:start", args=[token]) + f"?lang={language}"
                )
            if action == "save":
                return HttpResponseRedirect(reverse("survey:saved", args=[token]) + f"?lang={language}")
            if action == "submit" and number == total:
                thin = _too_few_answers(draft, wave, form, words)
                if thin is not None:
                    context.update(thin, title=words["thin_h"], first_page=_page_url(token, 1, language))
                    return render(request, "survey/confirm_thin.html", context)
                return _submit(request, token, draft, language, context)
            if number < total:
                draft.page = number + 1
                draft.save(update_fields=["page"])
                return HttpResponseRedirect(_page_url(token, number + 1, language))
        # keep what was typed, even if invalid, so the person can correct it
        answers.update({k: v for k, v in posted.items() if k in errors})

    def page_context(path: str) -> dict[str, Any]:
        context = _page_context(request, language, wave.languages, path)
        first = sum(len(page_items(form, n)) for n in range(1, number)) + 1
        shown_questions = questions(items, language, answers, errors, first)
        context.update(
            title=context["words"]["page_of"].format(n=number, total=total),
            survey_title=form.title.get_lang(language),  # the browser tab says which survey, too
            number=number,
            total=total,
            questions=shown_questions,
            is_last=number == total,
            error_list=[q for q in shown_questions if q.error],
        )
        return context

    # A page he has not answered yet is the same for everyone on the form: rendered once, then only
    # his address and CSRF token are put in (:mod:`.blank`). With an answer or an error on it, it is
    # his own and always rendered afresh.
    if is_blank(items, answers, errors):
        shown = blank_page(request, blank_key(wave, form, number, language), page_context)
    else:
        shown = render(request, TEMPLATE, page_context(request.path), status=422 if errors else 200)
    return remember_page_shown(shown, token, number)


def _add_time_on_page(request: HttpRequest, token: str, number: int, draft: Draft) -> None:
    """Add the seconds since this page was shown to the draft's total (saved with the draft); a page
    sent without the browser's note leaves the whole survey unmeasured."""
    if draft.active_seconds is None:
        return
    seconds = seconds_on_page(request, token, number)
    draft.active_seconds = None if seconds is None else draft.active_seconds + round(seconds)


def _too_few_answers(
    draft: Draft, wave: Wave, form: Instrument, words: dict[str, str]
) -> dict[str, Any] | None:
    """What to tell him when his answers are too few to place him on the model (None when enough).

    Asks the one scoring entry point rather than restating its rule: the answers are scored exactly
    as the submission will be (about 1 ms).
    """
    instrument = wave_instrument(wave.instrument_id, wave.instrument_version)
    # Only too few answers: answers set aside as careless are not "thin" (the report explains them).
    if score_one(draft.answers, instrument, wave.form).get("status") != "insufficient":
        return None
    if not draft.answers:
        return {"thin_count": words["thin_none"], "thin_why": words["thin_why_none"]}
    return {
        "thin_count": words["thin_count"].format(answered=len(draft.answers), questions=len(form.items)),
        "thin_why": words["thin_why"],
    }


def _submit(
    request: HttpRequest, token: str, draft: Draft, language: str, context: dict[str, Any]
) -> HttpResponse:
    secret = browser_secret(request)
    assert secret is not None  # the draft was found with it
    try:
        form = wave_instrument(draft.wave.instrument_id, draft.wave.instrument_version).form(draft.wave.form)
        pace = pace_of(draft.active_seconds, len(form.items))
        result = submit(
            token, form_submission_id(token, secret), draft.answers, language, draft=draft.key, pace=pace
        )
    except SubmissionError as rejected:
        if rejected.code.startswith("link_"):
            problem = LinkError(rejected.code.removeprefix("link_"), rejected.message, draft.wave)
            return _gone(request, problem, token)
        # An answer saved earlier no longer passes (should not happen): send him to its page.
        return HttpResponseRedirect(_page_url(token, 1, language))
    return HttpResponseRedirect(reverse("survey:report", args=[result.receipt]) + f"?lang={language}")


def saved(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = open_link(token)
    except LinkError as problem:
        return _gone(request, problem, token)
    draft = _draft(request, token, link)
    language = _language(request, link.wave.languages, _preferred(link, draft))
    context = _page_context(request, language, link.wave.languages)
    context.update(
        title=context["words"]["saved_h"],
        message=context["words"]["saved"].format(closes=local_date(link.wave.closes_on, language)),
        continue_url=reverse("survey:start", args=[token]) + f"?lang={language}",
    )
    return render(request, "survey/saved.html", context)


def _response_for(receipt: str) -> tuple[Response | None, str]:
    code = normalise_receipt(receipt)
    if code is None:
        return None, ""
    found = Response.objects.select_related("wave").filter(receipt_hash=receipt_hash(code)).first()
    return found, code


def _missing(request: HttpRequest) -> HttpResponse:
    language = _language(request, _ALL_LANGUAGES, "en")
    context = _page_context(request, language, _ALL_LANGUAGES)
    context.update(title=context["words"]["not_found_h"], message=context["words"]["not_found"])
    return render(request, "survey/gone.html", context, status=404)


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, receipt: str) -> HttpResponse:
    """The private report: reachable only with the receipt code. In a panel wave, a POST with the
    receipt code of his earlier answers (``earlier``) adds the comparison with them."""
    response, code = _response_for(receipt)
    if response is None:
        return _missing(request)
    language = _language(request, _ALL_LANGUAGES, response.language)
    context = _page_context(request, language, _ALL_LANGUAGES)
    context.update(build_report(response, language, _earlier_code(request)))
    context.update(
        title=context["words"]["report_h"],
        receipt=code,
        report_url=reverse("survey:report", args=[code]) + f"?lang={language}",
        pdf_url=reverse("survey:report_pdf", args=[code]) + f"?lang={language}",
    )
    result = render(request, "survey/report.html", context)
    result["Cache-Control"] = "no-store"
    return result


def _earlier_code(request: HttpRequest) -> str | None:
    """The earlier receipt code he typed (a POST only: never in an address, which logs keep)."""
    if request.method != "POST":
        return None
    return str(request.POST.get("earlier", "")).strip()[:40] or None


@require_http_methods(["GET", "POST"])
def report_pdf(request: HttpRequest, receipt: str) -> HttpResponse:
    response, code = _response_for(receipt)
    if response is None:
        return _missing(request)
    language = _language(request, _ALL_LANGUAGES, response.language)
    context = _page_context(request, language, _ALL_LANGUAGES)
    context.update(build_report(response, language, _earlier_code(request)))
    context.update(title=context["words"]["report_h"], receipt=code)
    pdf = render_pdf("survey/report_pdf.html", context)
    result = HttpResponse(pdf, content_type="application/pdf")
    result["Content-Disposition"] = 'attachment; filename="allypath-report.pdf"'
    result["Cache-Control"] = "no-store"
    return result
