"""The library a man's journey chooses from: the shipped one, then his organisation's own items.

An organisation's item is written in one language and offered only to men reading in it (a page half
in another language helps nobody). Every man of the organisation can also browse all its items: so
that opening one -- or following its link to a page the employer runs -- says nothing about the stage
it was suggested for.
"""

from __future__ import annotations

import logging

from allypath.content import ContentError, Library, LibraryItem, load_library
from allypath.web.journey.models import OrgLibraryItem
from allypath.web.orgs.models import Organisation

__all__ = ["find_item", "library_for", "own_items"]

log = logging.getLogger(__name__)


def own_items(org: Organisation, language: str) -> tuple[LibraryItem, ...]:
    """The organisation's items written in ``language`` that pass the checks, in the order added."""
    out = []
    for row in OrgLibraryItem.objects.filter(org=org, language=language).select_related("org"):
        try:
            out.append(row.as_item())
        except ContentError as problem:  # stored by an older release, no longer valid: leave it out
            log.warning("organisation library item %s left out: %s", row.pk, problem)
    return tuple(out)


def library_for(own: tuple[LibraryItem, ...]) -> Library:
    """The organisation's items (:func:`own_items`), then the shipped library: where an own item and a
    shipped one fit a man equally well, his organisation's (its policy, its network) comes first."""
    return load_library().with_items(own, first=True)


def find_item(org: Organisation, item_id: str) -> tuple[LibraryItem, str | None] | None:
    """The item ``item_id`` a man of ``org`` may open, with the one language it is written in (None for a
    shipped item, which has all three); None when there is none -- another organisation's item included."""
    if item_id.startswith(OrgLibraryItem.ID_PREFIX):
        number = item_id.removeprefix(OrgLibraryItem.ID_PREFIX)
        if not number.isdigit():
            return None
        row = OrgLibraryItem.objects.filter(org=org, pk=int(number)).first()
        if row is None:
            return None
        try:
            return row.as_item(), row.language
        except ContentError:
            return None
    try:
        return load_library().item(item_id), None
    except KeyError:
        return None
