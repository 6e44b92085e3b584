"""A large organisation's releases are solved in a process of their own, not in the request that needs them.

Why: the release protects every small group of every declared table at once, and its cost grows with
the number of groups. At 25,000 respondents in 500 units over two waves it took 73 s, and the
overview's answerer releases 168 s more (docs/privacy.md). Solved inside a request, the HR user's page
waited minutes (behind a proxy with the usual 60 s read timeout it failed), and each user who opened a
page meanwhile solved the same release again on another thread.

So when the release of the current data is not stored yet and the organisation is large -- its last
release took longer than ``ALLYPATH_SOLVE_IN_REQUEST_SECONDS`` to solve or, with none on record, it
has more than ``ALLYPATH_SOLVE_IN_REQUEST_ROWS`` responses -- the request starts
``python -m allypath.web prepare_releases --org SLUG`` in a process of its own and answers
:class:`ReleaseNotReady` (503, "being prepared", with Retry-After). Every page shows the figures once
that process has stored them. Running the same command from cron after a wave closes spares HR even
that wait. Nothing here decides what is shown: the release is the same whichever process solves it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db.models import Max, QuerySet
from django.http import HttpResponse
from filelock import FileLock, Timeout

from allypath.errors import RequestProblem
from allypath.web.dashboard.models import PublishedRelease
from allypath.web.orgs.models import Organisation

__all__ = [
    "RETRY_AFTER_SECONDS",
    "ReleaseNotReady",
    "claim_path",
    "prepare_if_large",
    "preparing_lock",
    "preparing_now",
    "solves_in_request",
    "start_preparing",
    "with_retry_after",
]

#: What the 503 answer's Retry-After says, and the page's own reload: a minute is a fair share of a
#: large solve, and a reload costs one look-up.
RETRY_AFTER_SECONDS = 60
#: A claim older than this whose process holds no lock is from a process that died (it takes its lock
#: within a few seconds of starting): a new one is started.
_STARTUP_SECONDS = 60


class ReleaseNotReady(RequestProblem):
    """The figures a request needs are being solved in a process of their own (answered 503)."""

    def __init__(self, org: Organisation) -> None:
        # No count in the message: the responses stored (careless ones included) beside the usable
        # ones published would say how many answers were set aside since one looked last.
        super().__init__(
            503,
            f"The figures of {org.name} are being prepared. For an organisation this large, checking that "
            "no table, and no difference between two tables, shows a group smaller than the privacy "
            "minimum takes a few minutes. This page will show them once they are ready; try again in a "
            "minute.",
            code="release_being_prepared",
        )
        self.retry_after = RETRY_AFTER_SECONDS


def with_retry_after(response: HttpResponse, problem: RequestProblem) -> HttpResponse:
    """``response`` with the Retry-After header of ``problem`` when it has one (a 503 while preparing)."""
    if problem.retry_after is not None:
        response["Retry-After"] = str(problem.retry_after)
    return response


def solves_in_request(org: Organisation, responses: int) -> bool:
    """Whether ``org``'s release may be solved inside a request: its last solve was quick or, with none
    on record, it has few responses."""
    last = _whole_solves(org).order_by("-pk").values_list("solve_seconds", flat=True).first()
    if last is not None:
        return float(last) <= float(settings.ALLYPATH_SOLVE_IN_REQUEST_SECONDS)
    return responses <= int(settings.ALLYPATH_SOLVE_IN_REQUEST_ROWS)


def _whole_solves(org: Organisation) -> QuerySet[PublishedRelease]:
    """The solve times of ``org``'s whole releases (not a wave's part, not the answers' releases)."""
    return (
        PublishedRelease.objects.filter(org=org)
        .exclude(digest__startswith="answers-")
        .exclude(digest__startswith="wave-")
    )


def slowest_solve(org: Organisation) -> float | None:
    """The slowest whole solve ``org`` has had (None: none on record). Earlier rows are deleted when a
    new release is stored, so each row carries the slowest before it (``slowest_seconds``)."""
    found = _whole_solves(org).aggregate(solve=Max("solve_seconds"), carried=Max("slowest_seconds"))
    times = [float(t) for t in found.values() if t is not None]
    return max(times) if times else None


def prepare_if_large(org: Organisation) -> bool:
    """Start preparing ``org``'s release now if it has ever been large (returns whether started).

    Called when a wave closes: that wave is then solved again in full, at the cost its first solve
    had, whatever the last solve took (while it was open, only it was solved, counts only).
    """
    from allypath.web.survey.models import Response  # the survey app's model, read here only

    slowest = slowest_solve(org)
    threshold = float(settings.ALLYPATH_SOLVE_IN_REQUEST_SECONDS)
    if slowest is not None and float(slowest) <= threshold:
        return False
    if (
        slowest is None
        and Response.objects.filter(wave__org=org).count() <= settings.ALLYPATH_SOLVE_IN_REQUEST_ROWS
    ):
        return False
    return start_preparing(org)


def preparing_now(org: Organisation) -> bool:
    """Whether a process is solving ``org``'s releases now (a request then waits for it rather than
    solve the same release beside it)."""
    return _running(org)


def _folder() -> Path:
    folder = Path(settings.ALLYPATH_DATA_DIR) / "preparing"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def claim_path(org: Organisation) -> Path:
    """The file that says a process was started for ``org`` (removed by it when it ends)."""
    return _folder() / f"org-{org.pk}.started"


def preparing_lock(org: Organisation) -> FileLock:
    """The lock the preparing process holds while it solves ``org``'s releases (one at a time)."""
    return FileLock(_folder() / f"org-{org.pk}.lock")


def _running(org: Organisation) -> bool:
    lock = preparing_lock(org)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return True
    lock.release()
    return False


def start_preparing(org: Organisation) -> bool:
    """Start the process that solves and stores ``org``'s releases, unless one is on its way.

    Returns whether one was started. Many requests may ask at once: the claim file, created only if
    absent, lets one of them start it; a claim left by a process that died is taken over.
    """
    claim = claim_path(org)
    try:
        descriptor = os.open(claim, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        started = claim.stat().st_mtime if claim.exists() else 0.0
        if _running(org) or time.time() - started < _STARTUP_SECONDS:
            return False
        claim.unlink(missing_ok=True)
        try:
            descriptor = os.open(claim, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:  # another request took it over a moment ago
            return False
    os.close(descriptor)
    # The last run's errors only: truncated at each start (never a history of runs, each of which follows
    # new responses), and --quiet prints nothing else (no counts, no times) into it.
    log_fd = os.open(_folder() / f"org-{org.pk}.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(log_fd, "wb") as log:
        subprocess.Popen(  # noqa: S603 - our own interpreter and command, no shell, no user input
            [sys.executable, "-m", "allypath.web", "prepare_releases", "--org", org.slug, "--quiet"],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # not ended with the worker that started it (a restart, a timeout)
            close_fds=True,
        )
    return True
