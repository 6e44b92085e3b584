"""Whom a wave invites, in words for HR, with the number of people and where they work."""

from __future__ import annotations

from collections import Counter
from typing import Any

from allypath.web.orgs.invitations import audience, audience_problem, gender_recorded
from allypath.web.orgs.models import Audience, Invitation, Wave, WaveStatus

__all__ = ["audience_summary"]


def audience_summary(wave: Wave) -> dict[str, Any]:
    """Whom the wave invites, in words, with the number of people and where they work (top units);
    once launched, whom it invited (its invitations, in the past tense).

    These counts are of the HRIS people list HR uploaded, not of answers: they reveal nothing HR does
    not already hold.
    """
    people = audience(wave)
    size = people.count()
    tops = Counter(path.split("/")[0] for path in people.values_list("unit__path", flat=True))
    who = "the men" if wave.audience == Audience.MEN else "everyone"
    where = [
        ("units " + ", ".join(wave.audience_units)) if wave.audience_units else "every unit",
        ("levels " + ", ".join(wave.audience_levels)) if wave.audience_levels else "every level",
        ("regions " + ", ".join(wave.audience_regions)) if wave.audience_regions else "every region",
    ]
    note = ""
    launched = wave.status != WaveStatus.DRAFT
    if launched:
        # said of what was done: the people the wave invited, not whom today's people list would
        size = Invitation.objects.filter(wave=wave).count()
        if wave.audience == Audience.MEN and not gender_recorded(wave.org_id):
            note = "Your people list records nobody's gender, so everyone in it was invited."
    elif wave.audience == Audience.MEN and not gender_recorded(wave.org_id):
        note = (
            "Your people list records nobody's gender, so everyone in it will be invited. If it lists women "
            "too, import the HRIS file again with a gender column first."
        )
    verb = "Invited" if launched else "Invites"
    return {
        "sentence": f"{verb} {who} in {', '.join(where)}: {size} {'person' if size == 1 else 'people'}.",
        "size": size,
        "by_top_unit": sorted(tops.items()),
        "note": note,
        "problem": audience_problem(wave, size),
    }
