"""Setting a wave up safely: the launch confirmation, the e-mails HR edits, and the survey preview.

Launching invites people and freezes what respondents were promised, so it takes a confirmation page
that states how many people will be invited and where they are; the confirmation carries that number,
and if the people list changed in the meantime the page is shown again with the new one.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from allypath.errors import AllypathError
from allypath.model.text import is_rtl
from allypath.web.audit import record_change
from allypath.web.audit.models import ChangeEvent
from allypath.web.console.audience import audience_summary
from allypath.web.console.forms import WaveEmailsForm, closing_day_passed
from allypath.web.console.views import base_context, wave_for
from allypath.web.orgs.emails import EMAIL_KINDS, PLACEHOLDERS, local_date, render_email
from allypath.web.orgs.instruments import wave_instrument
from allypath.web.orgs.invitations import create_invitations
from allypath.web.orgs.models import Role, WavePhase, WaveStatus
from allypath.web.survey.pages import page_count, page_items, questions
from allypath.web.survey.texts import LANGUAGE_NAMES, ui

__all__ = ["wave_emails", "wave_launch", "wave_preview"]


@login_required
@require_http_methods(["GET", "POST"])
def wave_launch(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Confirm, then launch: the page states how many people will be invited before anyone is."""
    wave = wave_for(request, slug, pk, Role.ORG_ADMIN)
    if wave.is_imported or wave.status != WaveStatus.DRAFT:
        messages.error(request, "Not done: only a draft survey wave can be launched.")
        return redirect("console:wave", slug=slug, pk=pk)
    summary = audience_summary(wave)
    too_late = closing_day_passed(wave.closes_on)
    if request.method == "POST":
        if too_late:
            messages.error(request, f"Not done: {too_late}")
        elif request.POST.get("confirm_count") != str(summary["size"]):
            messages.error(
                request,
                f"The people list changed since the page was shown: {summary['size']} people would now be "
                "invited. Check the number and confirm again.",
            )
        elif summary["problem"]:
            messages.error(request, f"Not done: {summary['problem']}.")
        else:
            try:
                with transaction.atomic():
                    wave.launch()
                    count = create_invitations(wave)
            except (AllypathError, ValidationError) as exc:
                text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                messages.error(request, f"Not done: {text}")
            else:
                record_change(
                    request,
                    org=wave.org,
                    wave=wave,
                    action=ChangeEvent.Action.WAVE_LAUNCHED,
                    detail=f"{count} people invited",
                )
                messages.success(
                    request,
                    f"Wave launched: {count} people invited. Nobody has been e-mailed yet: send the "
                    "invitations from this page when you are ready.",
                )
                return redirect("console:wave", slug=slug, pk=pk)
    context = base_context(
        request, wave.org, f"Launch {wave.name}", wave=wave, audience=summary, too_late=too_late
    )
    return render(request, "console/wave_launch.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def wave_emails(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Edit the invitation and reminder e-mails, and preview them as one person would receive them."""
    wave = wave_for(request, slug, pk, Role.ORG_ADMIN)
    # an ended wave (its closing day passed) sends none either: its e-mails are no longer HR's to edit
    if wave.status == WaveStatus.CLOSED or wave.is_imported or wave.phase() == WavePhase.ENDED:
        messages.error(request, "Not done: this wave sends no more e-mails.")
        return redirect("console:wave", slug=slug, pk=pk)
    form = WaveEmailsForm(wave, request.POST or None)
    previewing = request.method == "POST" and request.POST.get("action") == "preview"
    if request.method == "POST" and form.is_valid():
        edited = form.emails()
        if not previewing:
            wave.emails = edited
            wave.save(update_fields=["emails"])
            messages.success(request, "E-mails saved.")
            return redirect("console:wave", slug=slug, pk=pk)
        wave.emails = edited  # shown, not stored
    example = "https://allypath.example/s/personal-link-of-each-person/"
    previews = (
        [
            (kind, lang, LANGUAGE_NAMES.get(lang, lang), render_email(wave, kind, lang, example))
            for kind in EMAIL_KINDS
            for lang in wave.languages
        ]
        if form.is_bound is False or form.is_valid()
        else []
    )
    context = base_context(
        request,
        wave.org,
        f"E-mails of {wave.name}",
        wave=wave,
        form=form,
        previews=previews,
        placeholders=PLACEHOLDERS,
        previewing=previewing,
    )
    return render(request, "console/wave_emails.html", context)


@login_required
def wave_preview(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The survey as respondents will see it, page by page and in each language; nothing is saved."""
    wave = wave_for(request, slug, pk)
    if wave.is_imported:
        raise Http404("an imported wave has no survey")
    form = wave_instrument(wave.instrument_id, wave.instrument_version).form(wave.form)
    language = request.GET.get("lang", "")
    language = language if language in wave.languages else wave.languages[0]
    total = page_count(form)
    try:
        number = int(request.GET.get("page", "1"))
        items = page_items(form, number)
    except (ValueError, IndexError):
        raise Http404("no such page") from None
    first = sum(len(page_items(form, n)) for n in range(1, number)) + 1
    words = ui(language)
    context = base_context(
        request,
        wave.org,
        f"Preview of {wave.name}",
        wave=wave,
        preview_lang=language,
        preview_dir="rtl" if is_rtl(language) else "ltr",
        words=words,
        number=number,
        total=total,
        page_title=words["page_of"].format(n=number, total=total),
        questions=questions(items, language, {}, {}, first),
        languages=[(code, LANGUAGE_NAMES.get(code, code), code == language) for code in wave.languages],
        opens=local_date(wave.opens_on, language),
    )
    return render(request, "console/wave_preview.html", context)
