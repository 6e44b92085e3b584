"""Populated organisations for the demo (scripts/demo_web.py), the live test sites
(tests/security/site_seed.py), the test fixtures and the benchmarks: one way to seed them.

Everything goes through the same doors HR uses (the HRIS importer, the wave's launch, the invitations),
so a seeded site holds exactly what a real one would.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.utils import timezone

from allypath.instrument import Instrument
from allypath.web.orgs.importing import import_hris
from allypath.web.orgs.invitations import create_invitations, issue_link_tokens
from allypath.web.orgs.models import Organisation, Wave

__all__ = ["HRIS_COLUMNS", "launch_wave", "new_wave", "organisation_with", "write_hris"]

HRIS_COLUMNS = ("employee_id", "unit", "level", "region", "email", "language")


def write_hris(path: Path, people: Iterable[Sequence[str]]) -> Path:
    """An HRIS file as HR exports it: one row per person, in :data:`HRIS_COLUMNS` order."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HRIS_COLUMNS)
        writer.writerows(people)
    return path


def organisation_with(
    name: str, slug: str, people: Iterable[Sequence[str]], *, hris: Path | None = None
) -> Organisation:
    """A new organisation whose population is ``people`` (imported through the HRIS importer).

    ``hris`` keeps the file written for it (the demo shows it); without, a temporary file is used.
    """
    org = Organisation.objects.create(name=name, slug=slug)
    if hris is not None:
        import_hris(org, write_hris(hris, people))
        return org
    with tempfile.TemporaryDirectory(prefix="allypath-seed-") as folder:
        import_hris(org, write_hris(Path(folder) / f"{slug}.csv", people))
    return org


def new_wave(org: Organisation, instrument: Instrument, **fields: Any) -> Wave:
    """A wave in draft. ``fields`` override the defaults: the short form in the instrument's languages,
    k = 3, open since yesterday for a month."""
    today = timezone.localdate()
    values: dict[str, Any] = {
        "name": "Seeded wave",
        "instrument_id": instrument.id,
        "instrument_version": instrument.version,
        "form": "short",
        "languages": list(instrument.languages),
        "k": 3,
        "k_text": 5,
        "opens_on": today - dt.timedelta(days=1),
        "closes_on": today + dt.timedelta(days=30),
    }
    values.update(fields)
    return Wave.objects.create(org=org, **values)


def launch_wave(
    org: Organisation, instrument: Instrument, *, links: bool = True, **fields: Any
) -> tuple[Wave, dict[str, str]]:
    """:func:`new_wave`, launched, inviting the whole population, and (``links``) each person's link
    token by employee id."""
    wave = new_wave(org, instrument, **fields)
    wave.launch()
    create_invitations(wave)
    return wave, issue_link_tokens(wave) if links else {}
