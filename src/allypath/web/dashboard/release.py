"""The organisation's release for the web: load its responses, solve (or reuse) the publication.

:func:`org_release` is the one door every console page, API answer, export and the wave page's
response rates go through. It loads the usable responses of the organisation's launched waves,
digests everything the decisions depend on, and returns the stored release of that digest or
solves and stores a new one. The decisions depend on the data and the declared breakdowns only:
who asks, and what was asked before, never enter.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
import zlib
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from allypath.privacy import (
    Breakdown,
    PrivacyPolicy,
    PublishedCell,
    Release,
    default_breakdowns,
    parse_breakdowns,
    solve_release,
)
from allypath.privacy.release import cell_rows, cells_of_rows, wave_store
from allypath.web.dashboard.deferred import (
    ReleaseNotReady,
    preparing_now,
    slowest_solve,
    solves_in_request,
    start_preparing,
)
from allypath.web.dashboard.frames import response_frame, unit_column, wave_labels
from allypath.web.dashboard.models import Publication, PublishedRelease
from allypath.web.orgs.models import Organisation, PrivacyMode, Unit, Wave, WaveStatus

__all__ = [
    "ATTRIBUTES",
    "OrgRelease",
    "StoredAnswerers",
    "StoredWaves",
    "declared_breakdowns",
    "org_policy",
    "org_release",
    "published_settings",
]

ATTRIBUTES = ("level", "region")
# Bumped when a stored release lacks something views now read (2: the panel waves' order, which
# transitions check), so a release stored by older code is solved again rather than misread.
RELEASE_FORMAT = 2
_MEMORY: OrderedDict[str, Release] = OrderedDict()
_MEMORY_SIZE = 32
_MEMORY_LOCK = threading.Lock()


@dataclass(frozen=True)
class OrgRelease:
    """The release and the rows it was solved on (figures of shown cells are computed from them)."""

    release: Release
    frame: pd.DataFrame
    labels: dict[int, str]
    depth: int


def org_policy(org: Organisation) -> PrivacyPolicy:
    """The strictest policy of the organisation's launched waves: one release keeps every promise."""
    found = (
        Wave.objects.filter(org=org)
        .exclude(status=WaveStatus.DRAFT)
        .aggregate(k=Max("k"), k_text=Max("k_text"))
    )
    if found["k"] is None:
        return PrivacyPolicy()
    return PrivacyPolicy(k=int(found["k"]), k_text=max(int(found["k_text"]), int(found["k"])))


def _depth(org: Organisation) -> int:
    return int(Unit.objects.filter(org=org).aggregate(d=Max("depth"))["d"] or 0)


def hierarchy(depth: int) -> list[str]:
    return [unit_column(level) for level in range(depth + 1)]


def declared_breakdowns(org: Organisation, depth: int | None = None) -> list[Breakdown]:
    """The organisation's declared breakdowns, or the default: every unit level, level, region and
    their crossings (a unit level with level or region, and level with region)."""
    stored = Publication.objects.filter(org=org).values_list("breakdowns", flat=True).first()
    if stored:
        return parse_breakdowns(stored)
    levels = hierarchy(_depth(org) if depth is None else depth)
    return default_breakdowns(ATTRIBUTES, levels)


@dataclass(frozen=True)
class WavePublication:
    """What one wave's figures are published over: fixed when they are first published."""

    breakdowns: list[Breakdown]
    policy: PrivacyPolicy


def published_settings(
    waves: list[Wave], current: list[Breakdown], policy: PrivacyPolicy
) -> dict[int, WavePublication]:
    """Each launched wave's breakdowns and minimum sizes, by its id: the ones it was first published
    over. A wave published for the first time now is fixed to the organisation's ``current`` declared
    breakdowns and ``policy`` here, once: a later declaration (or a later wave's larger k) applies to
    the waves after it, as a release solved anew over other tables or sizes could be subtracted from
    the figures already seen (a cell hidden in one and shown in the other)."""
    settings = {"breakdowns": [b.key for b in current], "k": policy.k, "k_text": policy.k_text}
    loose = [w.pk for w in waves if w.publication is None]
    if loose:
        # only where still unset: of two requests at once, the first one's stays
        Wave.objects.filter(pk__in=loose, publication__isnull=True).update(publication=settings)
        fixed = dict(Wave.objects.filter(pk__in=loose).values_list("pk", "publication"))
        for wave in waves:
            if wave.pk in fixed:
                wave.publication = fixed[wave.pk]
    return {w.pk: _publication_of(w.publication or settings) for w in waves}


def _publication_of(settings: dict[str, Any]) -> WavePublication:
    return WavePublication(
        parse_breakdowns(settings["breakdowns"]),
        PrivacyPolicy(k=int(settings["k"]), k_text=int(settings["k_text"])),
    )


def _digest(
    frame: pd.DataFrame, waves: list[Wave], breakdowns: list[Breakdown], policy: PrivacyPolicy
) -> str:
    keys = [
        c
        for c in ("respondent_id", "wave", "status", "unit_path", "level", "region", "panel_key")
        if c in frame
    ]
    digest = hashlib.blake2b(digest_size=20)
    if len(frame):
        rows = pd.util.hash_pandas_object(frame[keys].astype("string"), index=False).to_numpy()
        digest.update(rows.tobytes())
    state = [[w.pk, w.status, still_open(w), w.k, w.k_text, w.privacy_mode, w.publication] for w in waves]
    digest.update(
        json.dumps([RELEASE_FORMAT, state, [b.key for b in breakdowns], policy.k, policy.k_text]).encode()
    )
    return digest.hexdigest()


def _stored(org: Organisation, digest: str) -> Release | None:
    row = PublishedRelease.objects.filter(org=org, digest=digest).values_list("payload", flat=True).first()
    if row is None:
        return None
    return Release.from_dict(json.loads(zlib.decompress(bytes(row))))


def _store(
    org: Organisation, digest: str, release: Release, seconds: float, *, keep: set[str] | None = None
) -> None:
    """Store a solved release. With ``keep`` (the organisation's whole release: the digests of the
    waves' parts it was made of), the organisation's other rows, those of earlier states of the data,
    are deleted in the same transaction, and the slowest solve on record is carried to the new row."""
    payload = zlib.compress(json.dumps(release.to_dict(), separators=(",", ":"), default=str).encode(), 6)
    cells = len(release.cells)
    shown = sum(c.shown for c in release.cells.values())
    try:
        with transaction.atomic():
            if keep is not None:
                # One whole release stored at a time per organisation: without the lock, two states
                # stored at once on PostgreSQL each missed the other's uncommitted row and both stayed.
                # (NO KEY: rows pointing at the organisation, such as audit entries, are not held up)
                list(Organisation.objects.select_for_update(no_key=True).filter(pk=org.pk).values_list("pk"))
            slowest = max(seconds, slowest_solve(org) or 0.0) if keep is not None else 0.0
            PublishedRelease.objects.create(
                org=org,
                digest=digest,
                payload=payload,
                cells=cells,
                shown=shown,
                solve_seconds=seconds,
                slowest_seconds=slowest,
            )
            if keep is not None:
                # Rows of earlier states: read by no one once this one exists (each is found by the
                # digest of its state), and together a history of when the answers came.
                PublishedRelease.objects.filter(org=org).exclude(digest__in={digest, *keep}).delete()
    except IntegrityError:  # another process solved the same data a moment ago: the same decisions
        pass


@dataclass(frozen=True)
class StoredAnswerers:
    """The organisation's answerer releases (:func:`allypath.privacy.release.solve_answerers`) kept
    beside its release, so each is solved once per state of the data like the release itself, not
    once per process (at 25,000 respondents with the default breakdowns, three of them took 168 s)."""

    org: Organisation
    may_defer: bool = True  # False in the process that prepares them (see org_release)

    def get(self, digest: str) -> Release | None:
        found = _stored(self.org, ANSWERERS_PREFIX + digest)
        if (
            found is None
            and self.may_defer
            and (preparing_now(self.org) or not solves_in_request(self.org, 0))
        ):
            # their cost follows the release's (three of them took 2.3 times as long)
            start_preparing(self.org)
            raise ReleaseNotReady(self.org)
        return found

    def put(self, digest: str, release: Release, seconds: float) -> None:
        _store(self.org, ANSWERERS_PREFIX + digest, release, seconds)


#: Marks a stored answerer release among the organisation's stored releases.
ANSWERERS_PREFIX = "answers-"
#: Marks one wave's stored cells (:class:`StoredWaves`) among them.
WAVE_PREFIX = "wave-"


@dataclass(frozen=True)
class StoredWaves:
    """Each wave's solved cells (:data:`allypath.privacy.release.wave_store`) kept beside the
    organisation's release: a new answer in an open wave changes the release's digest, but only that
    wave's cells (and, between panel waves, the previous wave's cohorts) need solving again; the
    others are read back."""

    org: Organisation
    # the stored digests of the waves' parts read or written while solving: the ones the release
    # stored after them is made of, kept when earlier states' rows are deleted
    used: set[str] = field(default_factory=set)

    def get(self, digest: str) -> list[PublishedCell] | None:
        self.used.add(WAVE_PREFIX + digest)
        row = (
            PublishedRelease.objects.filter(org=self.org, digest=WAVE_PREFIX + digest)
            .values_list("payload", flat=True)
            .first()
        )
        return None if row is None else cells_of_rows(json.loads(zlib.decompress(bytes(row))))

    def put(self, digest: str, cells: list[PublishedCell], seconds: float) -> None:
        self.used.add(WAVE_PREFIX + digest)
        payload = zlib.compress(json.dumps(cell_rows(cells), separators=(",", ":"), default=str).encode(), 6)
        shown = sum(c.shown for c in cells)
        try:
            with transaction.atomic():
                PublishedRelease.objects.create(
                    org=self.org,
                    digest=WAVE_PREFIX + digest,
                    payload=payload,
                    cells=len(cells),
                    shown=shown,
                    solve_seconds=seconds,
                )
        except IntegrityError:  # another process solved the same wave a moment ago: the same cells
            pass


def still_open(wave: Wave) -> bool:
    """The wave may still receive answers (open, and its closing day not yet passed)."""
    return wave.status == WaveStatus.OPEN and timezone.localdate() <= wave.closes_on


def org_release(org: Organisation, *, may_defer: bool = True) -> OrgRelease:
    """The organisation's release over its launched waves (solved once per state of the data).

    A large organisation's release is not solved here while ``may_defer``: a process of its own is
    started to solve it and :class:`~allypath.web.dashboard.deferred.ReleaseNotReady` raised
    (:mod:`.deferred` says why); the command that process runs passes ``may_defer=False``.
    """
    waves = list(Wave.objects.filter(org=org).exclude(status=WaveStatus.DRAFT).order_by("opens_on", "pk"))
    labels = wave_labels(Wave.objects.filter(org=org))
    depth = _depth(org)
    frame = response_frame(waves, labels, depth, org.policies)
    declared = declared_breakdowns(org, depth)
    policy = org_policy(org)
    fixed = published_settings(waves, declared, policy)
    # the declared ones and any a wave was published over before (its figures are out); a breakdown
    # of unit levels the organisation no longer has is left out
    known = {*hierarchy(depth), *ATTRIBUTES}
    everything = dict.fromkeys([*declared, *(b for w in waves for b in fixed[w.pk].breakdowns)])
    breakdowns = [b for b in everything if set(b.columns) <= known]
    own = {labels[w.pk]: [b for b in fixed[w.pk].breakdowns if b in breakdowns] for w in waves}
    own = {wave: tables for wave, tables in own.items() if set(tables) != set(breakdowns)}
    sizes = {labels[w.pk]: fixed[w.pk].policy for w in waves if fixed[w.pk].policy != policy}
    digest = _digest(frame, waves, breakdowns, policy)
    release = _MEMORY.get(digest) or _stored(org, digest)
    if release is None:
        if may_defer and (preparing_now(org) or not solves_in_request(org, len(frame))):
            start_preparing(org)
            raise ReleaseNotReady(org)
        started = time.perf_counter()
        parts = StoredWaves(org)
        token = wave_store.set(parts)
        try:
            release = solve_release(
                frame,
                breakdowns,
                policy,
                hierarchy=hierarchy(depth),
                open_waves=[labels[w.pk] for w in waves if still_open(w)],
                panel_waves=[labels[w.pk] for w in waves if w.privacy_mode == PrivacyMode.PANEL],
                wave_breakdowns=own,
                current=declared if own else (),
                wave_policies=sizes,
            )
        finally:
            wave_store.reset(token)
        _store(org, digest, release, time.perf_counter() - started, keep=parts.used)
    with _MEMORY_LOCK:  # a worker serves on two threads: the other may drop this digest in between
        _MEMORY[digest] = release
        _MEMORY.move_to_end(digest)
        while len(_MEMORY) > _MEMORY_SIZE:
            _MEMORY.popitem(last=False)
    return OrgRelease(release, frame, labels, depth)
