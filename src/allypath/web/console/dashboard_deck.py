"""The dashboard's workshop deck: the scenario deck chosen for one group from its released results.

HR picks a group with the dashboard's filters (a unit, a level, a region or their crossing; no filter
is everyone) and downloads the deck chosen for the group's most common stage and weakest context.
Both are read from the organisation's release only, through the same door as every dashboard page
(:func:`allypath.web.dashboard.service.run_on_release`: read from ``org_release``, audited), and picked by
:func:`allypath.reports.deck.pick_for_group`, which documents the tie rules.

A group the release does not show gets one plain sentence and no download. Every reason that has to
do with the group's people (too few, a smaller group could be worked out, the stage split is
withheld) gets the same sentence, so the page never tells one of them from another. A wave whose
form does not ask about work situations (the short form) gets its own sentence: that is a fact about
the questionnaire, the same for every group, not about anyone in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

from allypath._values import records
from allypath.analytics import context_profiles
from allypath.analytics.plans import stands_apart
from allypath.model import stage as stage_of
from allypath.privacy import Release
from allypath.reports.deck import deck_pdf, pick_for_group, workshop_deck
from allypath.web.console.dashboard import dashboard_context, dashboard_language
from allypath.web.dashboard.contexts import context_labels
from allypath.web.dashboard.query import DashboardInputError, DashboardQuery, resolve
from allypath.web.dashboard.service import run_on_release, total_row
from allypath.web.orgs.instruments import wave_instrument
from allypath.web.orgs.models import Wave

__all__ = ["HIDDEN", "NOT_DECLARED", "NO_CONTEXTS", "OPEN_WAVE", "GroupDeck", "deck", "group_deck"]

#: The one sentence for every refusal that has to do with the group's people (never a number).
HIDDEN = (
    "The results of this group are not released, so no deck can be chosen from them: the group is "
    "too small, or showing it would let a smaller group, or someone's stage, be worked out."
)
NOT_DECLARED = (
    "The organisation does not publish results for this combination, so no deck can be chosen from "
    "them. An organisation admin can add the combination to the published breakdowns."
)
NO_CONTEXTS = (
    "This wave's questionnaire (the short form) does not ask about work situations, so the deck cannot "
    "be chosen from its results. Choose a wave that used the full form, or type a stage and a situation "
    "yourself with allypath content deck."
)
OPEN_WAVE = (
    "This wave is still open: its results are released when it closes, and the deck can be chosen "
    "from them then."
)
#: ``?download=`` -> with the facilitator's notes or not (the version to project).
DOWNLOADS = {"notes": True, "slides": False}


@dataclass(frozen=True)
class GroupDeck:
    """The deck's stage and context for a checked request, or why they cannot be chosen."""

    query: DashboardQuery
    stage: int | None = None
    context: str | None = None
    refusal: str = ""
    # whether the chosen context stands clearly further back (the plan's rule), or is only the lowest
    context_apart: bool = False


def _refusal(release: Release, query: DashboardQuery) -> str:
    """Why the group's figures are not released, in one of three sentences (see the module doc)."""
    label = query.labels[query.wave.pk]
    if release.is_open(label):
        return OPEN_WAVE
    if not release.cell(query.wave_filters).declared:
        return NOT_DECLARED
    return HIDDEN


def _measures_contexts(wave: Wave) -> bool:
    """Whether the wave's form asks about the work situations (the short form does not): a fact
    about the questionnaire, the same for every group."""
    form = wave_instrument(wave.instrument_id, wave.instrument_version).form(wave.form)
    return any(item.context for item in form.items)


def group_deck(request: HttpRequest, query: DashboardQuery, view: str = "dashboard.deck") -> GroupDeck:
    """The stage and context of the filtered group's deck, from the release (audited as ``view``)."""
    contexts = [key for key, _ in context_labels()]

    def work(release: Release, frame: pd.DataFrame) -> GroupDeck:
        total = total_row(frame, query, release)
        if not total.get("visible", False):
            return GroupDeck(query, refusal=_refusal(release, query))
        if not _measures_contexts(query.wave):
            return GroupDeck(query, refusal=NO_CONTEXTS)
        (profile,) = records(context_profiles(frame, [], release=release, filters=query.wave_filters))
        picked = pick_for_group(total, profile, contexts)
        if picked is None:  # shown, but without its stage split or any context mean
            return GroupDeck(query, refusal=_refusal(release, query))
        margin = profile.get("margin")
        apart = stands_apart(
            {key: profile.get(key) for key in contexts}, margin if isinstance(margin, float) else None
        )
        return GroupDeck(
            query, stage=picked[0], context=picked[1], context_apart=apart[picked[1]] == "further back"
        )

    return run_on_release(request, query, view, work)


def _group_words(query: DashboardQuery) -> str:
    """The chosen group in plain words ("everyone", "unit Sales/EMEA, level Manager")."""
    parts = [
        f"{name} {value}"
        for name, value in (
            ("unit", query.unit.path if query.unit is not None else None),
            ("level", query.level),
            ("region", query.region),
        )
        if value
    ]
    return ", ".join(parts) if parts else "everyone"


def _parameters(request: HttpRequest) -> tuple[QueryDict, str, str | None]:
    """The dashboard's parameters, the deck's language and ``download`` (None: show the page).

    ``by`` is dropped: the deck is for one group, so a breakdown carried over from another page
    (the Contexts page links here with its own) has no meaning here.
    """
    params, language = dashboard_language(request)
    params = params.copy()
    download = params.pop("download", [None])[-1]
    params.pop("by", None)
    if download is not None and download not in DOWNLOADS:
        raise DashboardInputError(
            422,
            "invalid_parameter",
            "download",
            f"the deck downloads as speaker notes or as slides only (the address asked for {download!r})",
        )
    return params, language, download


@login_required
def deck(request: HttpRequest, slug: str) -> HttpResponse:
    """The deck page for the filtered group, or (``?download=notes|slides``) the deck as a PDF."""
    # a DashboardInputError becomes the dashboard's problem page in the console's middleware
    params, language, download = _parameters(request)
    query = resolve(request.user, slug, params)
    view = "dashboard.deck.pdf" if download else "dashboard.deck"
    chosen = group_deck(request, query, view)
    if chosen.stage is not None and chosen.context is not None:
        built = workshop_deck(chosen.stage, chosen.context, language=language)
        if download:
            response = HttpResponse(
                deck_pdf(built, notes=DOWNLOADS[download]), content_type="application/pdf"
            )
            name = f"{query.org.slug}-workshop-{chosen.context}-{language}-{download}.pdf"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            response["Cache-Control"] = "no-store"
            return response
        parts: dict[str, Any] = {
            "titles": [d.title.get_lang(language) for d in built.dilemmas],
            "stage_label": stage_of(chosen.stage).label["en"],
            "context_label": dict(context_labels()).get(chosen.context, chosen.context),
            "context_apart": chosen.context_apart,
            "downloads": _links(request, language),
        }
    else:
        parts = {"refusal": chosen.refusal}
    context = dashboard_context(
        request,
        slug,
        "dashboard_deck",
        query=query,
        group_words=_group_words(query),
        deck_lang=language,
        **parts,
    )
    # a group the user picked and the release hides is refused as on every dashboard page (422);
    # with no filter typed, the page says so with 200 (the same status whatever the reason)
    status = 422 if chosen.refusal and query.chosen else 200
    return render(request, "console/dashboard/deck.html", context, status=status)


def _links(request: HttpRequest, language: str) -> list[tuple[str, str]]:
    """(label, link) of the two versions of the deck, same selection and language."""
    out = []
    for kind, label in (("notes", "With facilitator notes"), ("slides", "Slides to project (no notes)")):
        params = request.GET.copy()
        params.pop("by", None)
        params["download"] = kind
        params["lang"] = language
        out.append((label, f"{request.path}?{params.urlencode()}"))
    return out
