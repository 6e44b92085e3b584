"""``python -m allypath.web prepare_releases [--org SLUG ...]``: solve and store organisations' releases.

Every page, export and API answer of an organisation reads its release, and its answers' figures read
the answerer releases, for the current state of its data; each is solved once and stored. This command
solves and stores them now, outside any request. A large organisation's pages start it by themselves
when they need it (:mod:`allypath.web.dashboard.deferred`); run it from cron as well (every few minutes
while a wave is open, and after one closes) and HR never waits for the figures.

Without ``--quiet`` it shows a progress bar and a line per organisation (its responses, groups shown
and seconds: what its HR sees, for the operator at a terminal). With ``--quiet`` (pages, cron) it prints
nothing but errors: any file the output lands in on the host stays without a history of counts or
times, which would follow the answers as they come in.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from allypath.analytics import (
    context_profiles,
    diagnostic_answers,
    factor_heatmap,
    perception_gap,
    policy_awareness,
    turning_points,
    wave_change,
)
from allypath.privacy.release import answerer_store
from allypath.web.dashboard.deferred import claim_path, preparing_lock
from allypath.web.dashboard.release import StoredAnswerers, org_release
from allypath.web.orgs.models import Organisation, Wave, WaveStatus


@dataclass(frozen=True)
class Prepared:
    """What was made ready for one organisation, and how long each part took."""

    responses: int
    groups: int
    shown: int
    release_seconds: float
    answers_seconds: float


def prepare_org(org: Organisation) -> Prepared:
    """Solve (or find stored) ``org``'s release and the answerer releases its pages read."""
    started = time.perf_counter()
    published = org_release(org, may_defer=False)
    release_seconds = time.perf_counter() - started
    started = time.perf_counter()
    if len(published.frame):
        # The questions whose answerers are released of their own (analytics.factors._questions), and
        # the means over the answerers of a question a man may skip (analytics._gating.AnswerGate) and
        # the release of each averaged column's ends (analytics._gating._ends_withheld):
        # the same calls the pages make, for the whole organisation; the answerer releases do not
        # depend on the group or the filters a page chose.
        token = answerer_store.set(StoredAnswerers(org, may_defer=False))
        try:
            for figures in (
                policy_awareness,
                perception_gap,
                turning_points,
                factor_heatmap,
                diagnostic_answers,
                context_profiles,
            ):
                figures(published.frame, [], release=published.release)
            # the trends' index is averaged too (its release of where each man lies on 0-100 is the
            # organisation's, whichever two waves a page compares)
            wave_column = published.release.wave_column
            if wave_column and wave_column in published.frame.columns:
                waves = list(dict.fromkeys(published.frame[wave_column].dropna()))
                if len(waves) >= 2:
                    wave_change(published.frame, [], (waves[0], waves[1]), release=published.release)
        finally:
            answerer_store.reset(token)
    cells = published.release.cells.values()
    return Prepared(
        responses=len(published.frame),
        groups=len(cells),
        shown=sum(c.shown for c in cells),
        release_seconds=release_seconds,
        answers_seconds=time.perf_counter() - started,
    )


class Command(BaseCommand):
    help = (
        "Solve and store the privacy release of every organisation with a launched wave (or of those "
        "given with --org), so its pages show figures without waiting."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--org", action="append", dest="orgs", metavar="SLUG", help="only this organisation (repeatable)"
        )
        parser.add_argument(
            "--quiet",
            action="store_true",
            help="print nothing but errors (as started by a page, in the background, and from cron)",
        )

    def handle(self, *args: Any, orgs: list[str] | None = None, quiet: bool = False, **options: Any) -> None:
        launched = Organisation.objects.filter(
            pk__in=Wave.objects.exclude(status=WaveStatus.DRAFT).values("org_id")
        ).order_by("name")
        if orgs:
            known = {o.slug: o for o in Organisation.objects.filter(slug__in=orgs)}
            unknown = [slug for slug in orgs if slug not in known]
            if unknown:
                raise CommandError(f"no organisation has the slug {', '.join(repr(s) for s in unknown)}")
            launched = launched.filter(slug__in=orgs)
        chosen = list(launched)
        if not chosen and not quiet:
            self.stdout.write("No organisation has a launched wave: nothing to prepare.")
        with Progress(
            TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), disable=quiet
        ) as progress:
            task = progress.add_task("Preparing the releases", total=len(chosen))
            for org in chosen:
                progress.update(task, description=f"Preparing {org.name}")
                # one process at a time per organisation: a second one waits, then finds it stored
                with preparing_lock(org):
                    try:
                        done = prepare_org(org)
                    finally:
                        claim_path(org).unlink(missing_ok=True)
                progress.advance(task)
                if quiet:
                    # Its output lands in a file on the host (the page's process, cron's mail or log):
                    # a line per run, each after new answers, would date the answers to the minute.
                    continue
                self.stdout.write(
                    f"{org.name}: {done.responses:,} responses, {done.shown:,} of {done.groups:,} groups "
                    f"shown; release ready in {done.release_seconds:.1f} s, answers' figures in "
                    f"{done.answers_seconds:.1f} s."
                )
