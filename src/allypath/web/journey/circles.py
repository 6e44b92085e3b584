"""Ally circles in the web app: volunteering from the journey, formation by an org admin, what each sees.

The formation itself is :func:`allypath.content.form_circles` (pure, reproducible, stage-mixing). Here:

- a volunteer is stored with his stage, unit, willingness to host and the contact he chose to share,
  sealed under the server's key (:func:`~allypath.web.journey.store.circle_cipher_key`); his row key
  hashes his receipt code, so only he finds it again;
- :func:`form_round` passes the waiting volunteers of one organisation to ``form_circles`` with the
  org admin's settings (his manager is not known without linking him to a person, so that rule is
  off) and erases the stage of everyone it places: a formed circle keeps members and a guide only;
- :func:`hr_counts` is all HR sees: how many volunteers and how many circles;
- :func:`circle_for` is what a member sees: the contacts of his circle and its guide, no stage.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from allypath.content import CircleGuide, CircleRules, form_circles, load_circle_guides
from allypath.content import Volunteer as Candidate
from allypath.web.journey.models import Circle, CirclePlan, Volunteer
from allypath.web.journey.store import circle_cipher_key, volunteer_key
from allypath.web.orgs.models import Organisation

__all__ = ["CircleView", "circle_for", "find_volunteer", "form_round", "hr_counts", "leave", "volunteer"]


def find_volunteer(code: str) -> Volunteer | None:
    found = Volunteer.objects.filter(key=volunteer_key(code)).select_related("circle").first()
    return found.unlock(circle_cipher_key()) if found is not None else None


def volunteer(
    code: str, org: Organisation, *, stage: int, unit: str, can_host: bool, contact: str
) -> Volunteer:
    """Put him on his organisation's circle list (or update his details while he waits).

    His first volunteering sent from two tabs at once finds no row in either: the second insert
    breaks the unique key, and that request starts again and updates the first one's row.
    """
    try:
        return _volunteer(code, org, stage=stage, unit=unit, can_host=can_host, contact=contact)
    except IntegrityError:
        return _volunteer(code, org, stage=stage, unit=unit, can_host=can_host, contact=contact)


def _volunteer(
    code: str, org: Organisation, *, stage: int, unit: str, can_host: bool, contact: str
) -> Volunteer:
    with transaction.atomic():
        found = Volunteer.objects.select_for_update().filter(key=volunteer_key(code)).first()
        row = found if found is not None else Volunteer(key=volunteer_key(code), org=org)
        row.unlock(circle_cipher_key())
        waited = row.details.get("rounds_waited", 0) if found is not None else 0
        stage_kept = None if row.circle_id is not None else stage  # once placed, the stage is not kept
        row.details = {
            "stage": stage_kept,
            "unit": unit,
            "can_host": can_host,
            "contact": contact,
            "rounds_waited": waited,
        }
        row.save()
    return row


def leave(code: str) -> bool:
    """Take him off the list (and out of his circle): his row and contact are deleted."""
    deleted, _ = Volunteer.objects.filter(key=volunteer_key(code)).delete()
    return deleted > 0


def hr_counts(org: Organisation) -> dict[str, int]:
    """All HR sees of circles: how many volunteers, and how many circles have members."""
    return {
        "volunteers": Volunteer.objects.filter(org=org).count(),
        "circles": Circle.objects.filter(org=org, members__isnull=False).distinct().count(),
    }


def form_round(org: Organisation) -> dict[str, int]:
    """Form circles from the organisation's waiting volunteers under its plan; returns :func:`hr_counts`."""
    plan = CirclePlan.objects.get(org=org)
    key = circle_cipher_key()
    with transaction.atomic():
        waiting = {
            str(v.id): v.unlock(key)
            for v in Volunteer.objects.select_for_update().filter(org=org, circle__isnull=True)
        }
        pool = []
        for vid, row in waiting.items():
            details = row.details
            if details.get("stage") in (1, 2, 3, 4):
                pool.append(
                    Candidate(
                        vid,
                        int(details["stage"]),
                        unit=str(details.get("unit") or ""),
                        can_host=bool(details.get("can_host")),
                    )
                )
        rules = CircleRules(
            min_size=plan.min_size,
            max_size=plan.max_size,
            separate_managers=False,
            max_same_unit=plan.max_same_unit,
            seed=plan.rounds,
        )
        formation = form_circles(pool, rules)
        for circle in formation.circles:
            made = Circle.objects.create(org=org, guide=circle.guide)
            for member in circle.members:
                row = waiting[member]
                details = row.details
                details["stage"] = None  # placed: the stage is no longer needed, and not kept
                row.details = details
                row.circle = made
                row.save(update_fields=["circle", "sealed"])
        for vid in formation.waiting:
            row = waiting[vid]
            details = row.details
            details["rounds_waited"] = int(details.get("rounds_waited", 0)) + 1
            row.details = details
            row.save(update_fields=["sealed"])
        plan.rounds += 1
        plan.save(update_fields=["rounds"])
    return hr_counts(org)


@dataclass(frozen=True)
class Contact:
    text: str
    mine: bool


@dataclass(frozen=True)
class CircleView:
    contacts: list[Contact]
    guide: CircleGuide


def circle_for(row: Volunteer) -> CircleView | None:
    """What a member sees of his circle: the shared contacts (sorted, his own marked) and the guide."""
    if row.circle is None:
        return None
    key = circle_cipher_key()
    contacts = []
    for member in Volunteer.objects.filter(circle=row.circle):
        details: dict[str, Any] = member.unlock(key).details
        contacts.append(Contact(str(details.get("contact", "")), member.pk == row.pk))
    contacts.sort(key=lambda c: (not c.mine, c.text.casefold()))
    guide = next(g for g in load_circle_guides() if g.id == row.circle.guide)
    return CircleView(contacts, guide)
