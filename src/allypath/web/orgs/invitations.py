"""Invitations: who is invited, their personal links, e-mails and reminders.

A token exists in clear only in the CSV export or the e-mail that carries it; the database keeps its
SHA-256. Links are shown once: the CSV holds only invitations that never had a link. Reminders go by
e-mail to every unused invitation, chosen here, so HR never learns who has answered (the console shows
no count either: with the number of people without an e-mail address it could reveal one person).
Nor does the database: a reminder stores the same for a used invitation as for an unused one (see
:func:`send_reminders`), so whoever reads it cannot tell between which reminders an answer came.
"""

from __future__ import annotations

import csv
import datetime as dt
import fcntl
import io
import os
import smtplib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import DatabaseError, transaction
from django.db import connection as db_connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from allypath.errors import AllypathError
from allypath.web.orgs.coarsen import Coarse, coarsen
from allypath.web.orgs.emails import EmailKind, render_email
from allypath.web.orgs.errors import WaveStateError
from allypath.web.orgs.keys import claim_key, new_token, token_hash
from allypath.web.orgs.models import Audience, Employee, Invitation, InvitationToken, Unit, Wave, WaveStatus
from allypath.web.security import spreadsheet_safe

__all__ = [
    "AudienceError",
    "LinksExport",
    "MailError",
    "audience",
    "audience_problem",
    "create_invitations",
    "due_reminder_days",
    "export_links_csv",
    "issue_link_tokens",
    "send_due_reminders",
    "send_invitations",
    "send_reminders",
    "survey_link",
]

LINK_COLUMNS = ("employee_id", "email", "language", "link")


def survey_link(token: str) -> str:
    return f"{settings.SITE_URL}/s/{token}/"


class AudienceError(WaveStateError):
    """The wave's audience cannot be invited as set (nobody in it, or no gender recorded)."""


def audience(wave: Wave) -> QuerySet[Employee]:
    """The active employees the wave's audience settings choose (invited or not).

    Men by default (the research describes men's journey). A people list that records nobody's gender
    is taken as the list of those to invite (many organisations export only the men): the confirmation
    page says so before anyone is invited. Units take their whole subtree; empty lists of units, levels
    or regions mean all of them.
    """
    people = Employee.objects.filter(org=wave.org, active=True)
    if wave.audience == Audience.MEN and gender_recorded(wave.org_id):
        people = people.filter(gender="man")
    if wave.audience_units:
        subtree = Q()
        for path in wave.audience_units:
            subtree |= Q(unit__path=path) | Q(unit__path__startswith=path + "/")
        people = people.filter(subtree)
    if wave.audience_levels:
        people = people.filter(level__in=wave.audience_levels)
    if wave.audience_regions:
        people = people.filter(region__in=wave.audience_regions)
    return people


def gender_recorded(org_id: int) -> bool:
    """Whether the organisation's people list records anyone's gender."""
    return Employee.objects.filter(org_id=org_id, active=True).exclude(gender="").exists()


def audience_problem(wave: Wave, size: int | None = None) -> str:
    """Why the audience cannot be invited, in words ("" when it can)."""
    size = audience(wave).count() if size is None else size
    if size:
        return ""
    men = Employee.objects.filter(org=wave.org, active=True, gender="man")
    if wave.audience == Audience.MEN and gender_recorded(wave.org_id) and not men.exists():
        return "nobody in the people list is recorded as a man: check the gender column of the HRIS file"
    return "nobody in the people list matches the chosen audience: widen the units, levels or regions"


def create_invitations(wave: Wave) -> int:
    """Invite every active employee of the wave's audience not yet invited, with coarse attributes.

    The first call (at launch) coarsens the whole population (:mod:`.coarsen`): every stored
    combination of unit, level and region then has at least k invitees. People invited later (added
    to the HRIS while the wave is open) get their unit only, merged upwards while it has fewer than
    k invitees, so they never make a new small combination either.
    """
    invited = set(wave.invitations.values_list("employee_id", flat=True))
    people = list(audience(wave).exclude(pk__in=invited))
    if not people and not invited:
        raise AudienceError(audience_problem(wave, 0))
    units = list(Unit.objects.filter(org=wave.org))
    coarse = coarsen(people, units, wave.k) if not invited else _late_coarse(wave, people, units)
    new = [
        Invitation(
            wave=wave,
            employee=p,
            unit_id=coarse[p.pk].unit_id,
            level=coarse[p.pk].level,
            region=coarse[p.pk].region,
        )
        for p in people
    ]
    Invitation.objects.bulk_create(new, batch_size=1000)
    return len(new)


def _late_coarse(wave: Wave, people: list[Employee], units: list[Unit]) -> dict[int, Coarse]:
    """Later invitees: no level or region, and a unit that already holds at least k invitations
    (or the root of his branch)."""
    counts = Counter(wave.invitations.filter(level="", region="").values_list("unit_id", flat=True))
    by_id = {u.pk: u for u in units}
    out = {}
    for person in people:
        unit = by_id[person.unit_id]
        while counts[unit.pk] < wave.k and unit.parent_id is not None:
            unit = by_id[unit.parent_id]
        out[person.pk] = Coarse(unit.pk, "", "")
    return out


def _require_open(wave: Wave) -> None:
    """Refuse, in words HR reads, to issue or send links for a wave nobody can answer: a draft, a closed
    wave, or an ended one (its closing day has passed: a link would open nothing, and a reminder would
    say there is still time)."""
    if wave.status == WaveStatus.DRAFT:
        raise WaveStateError("this wave has not been launched: links are sent only once it is launched")
    if wave.status != WaveStatus.OPEN:
        raise WaveStateError("this wave is closed: no more invitations, reminders or links are sent")
    if timezone.localdate() > wave.closes_on:
        raise WaveStateError(
            f"this wave has ended: its closing day ({wave.closes_on.day} {wave.closes_on:%B %Y}) has "
            "passed, so nobody can answer any more and no invitations, reminders or links are sent"
        )


def _issue(invitations: list[Invitation]) -> list[tuple[Invitation, str]]:
    today = timezone.localdate()
    issued = [(inv, new_token()) for inv in invitations]
    InvitationToken.objects.bulk_create(
        [
            InvitationToken(invitation=inv, token_hash=token_hash(token), issued_on=today)
            for inv, token in issued
        ],
        batch_size=1000,
    )
    return issued


def _language(wave: Wave, employee: Employee) -> str:
    preferred = (employee.language or "").split("-")[0]
    return preferred if preferred in wave.languages else wave.languages[0]


@dataclass(frozen=True)
class LinksExport:
    csv_text: str
    count: int


def _unlinked(invitations: list[Invitation]) -> list[Invitation]:
    """Those of ``invitations`` (locked by the caller) that still have no token, read afresh.

    A new statement after the lock: on PostgreSQL the locking read itself, having waited for another
    send or export to commit, still judges that transaction's new tokens by its older snapshot."""
    linked = set(
        InvitationToken.objects.filter(invitation_id__in=[inv.pk for inv in invitations]).values_list(
            "invitation_id", flat=True
        )
    )
    return [inv for inv in invitations if inv.pk not in linked]


def _issue_pending(wave: Wave) -> list[tuple[Invitation, str]]:
    """Tokens for every invitation of ``wave`` that never had one (marked sent today)."""
    _require_open(wave)
    with transaction.atomic():
        # Locked, so that two exports, or an export and a send, at once cannot both hand out a link for
        # the same person (SQLite has one writer at a time: IMMEDIATE transactions, see settings).
        locked = (
            wave.invitations.filter(tokens__isnull=True)
            .select_related("employee")
            .select_for_update(of=("self",))
            .order_by("employee__employee_id")
        )
        pending = _unlinked(list(locked))
        issued = _issue(pending)
        Invitation.objects.filter(pk__in=[inv.pk for inv in pending]).update(sent_on=timezone.localdate())
    return issued


def issue_link_tokens(wave: Wave) -> dict[str, str]:
    """:func:`export_links_csv` as a mapping employee id -> token, for the demo and the test sites
    (which hand the links to simulated respondents rather than to HR)."""
    return {inv.employee.employee_id: token for inv, token in _issue_pending(wave)}


def export_links_csv(wave: Wave) -> LinksExport:
    """Personal links for every invitation that never had one, as CSV; each link appears only here."""
    issued = _issue_pending(wave)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(LINK_COLUMNS)
    for inv, token in issued:
        e = inv.employee
        # HRIS values are untrusted: a cell like "=HYPERLINK(...)" must stay text in a spreadsheet.
        cells = [e.employee_id, e.email, _language(wave, e), survey_link(token)]
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
    return LinksExport(out.getvalue(), len(issued))


class MailError(AllypathError):
    """The mail server refused an e-mail: those sent before it stand, the rest can be sent again.

    ``sent``: invitations e-mailed before the refusal (None for reminders, which are never counted)."""

    def __init__(self, message: str, sent: int | None = None) -> None:
        super().__init__(message)
        self.sent = sent


def _mail(connection: BaseEmailBackend, wave: Wave, kind: EmailKind, inv: Invitation, token: str) -> None:
    email = render_email(wave, kind, _language(wave, inv.employee), survey_link(token))
    message = EmailMessage(email.subject, email.body, to=[inv.employee.email], connection=connection)
    connection.send_messages([message])


def _send_each(
    wave: Wave, invitations: list[Invitation], kind: EmailKind, mark: Callable[[Invitation], None]
) -> int:
    """E-mail each person who still has no link a new one, one transaction per person: his token is
    stored (and ``mark`` applied) only once the mail server has accepted his e-mail, so a failure
    half-way leaves no link that was never sent and sends no link that was not stored. The first
    refusal stops the run.

    ``invitations`` were read before: each is locked and checked again in its transaction, as another
    send (a double click, two admins) or a links export may have given him a link since. Issuing a
    second would leave him two working links, one of them perhaps in HR's CSV."""
    sent = 0
    connection = get_connection()
    try:
        with connection:  # one SMTP session for the run
            for inv in invitations:
                with transaction.atomic():
                    locked = list(Invitation.objects.select_for_update().filter(pk=inv.pk))
                    if not _unlinked(locked):
                        continue
                    ((_, token),) = _issue([inv])
                    mark(inv)
                    _mail(connection, wave, kind, inv, token)
                sent += 1
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(
            f"the mail server refused an e-mail after {sent} were sent ({exc.__class__.__name__}); "
            "nothing was stored for the others: send again once the server works",
            sent=sent,
        ) from None
    return sent


def send_invitations(wave: Wave) -> int:
    """E-mail a personal link to every invited person with an address who has not had a link yet."""
    _require_open(wave)
    pending = list(
        wave.invitations.filter(tokens__isnull=True).exclude(employee__email="").select_related("employee")
    )
    today = timezone.localdate()

    def mark(inv: Invitation) -> None:
        Invitation.objects.filter(pk=inv.pk).update(sent_on=today)

    return _send_each(wave, pending, "invitation", mark)


def send_reminders(wave: Wave) -> bool:
    """E-mail a fresh link to every unused invitation that already had one. Returns whether this call
    ran the round (False: another round of the wave was under way), never the number reminded: beside
    what HR knows of the population, it could reveal who answered.

    What is stored must not say who was reminded either: a count of reminders per invitation, or tokens
    issued to unused invitations only, would date each answer between two reminders, and the responses'
    days and coarse attributes would then often name its author. So one transaction first gives every
    invitation the reminder covers (it had a link and has an address), used or not, a new token, in
    primary-key order: an unused one the token its e-mail will carry, a used one the hash of a token
    that is never sent. No invitation row changes. Only then do the e-mails go, to the unused ones. A
    mail server failing half-way leaves the others' new tokens unsent, like the used ones': they open
    nothing anyone holds, and the next run sends everyone still unused a fresh link.

    One round at a time for a wave: a round asked for while another is running (a double click, two
    admins, the daily command) sends nothing, as that one reminds everyone it would. The other's tokens
    are stored before its e-mails go, so only a lock held until they have gone can tell (see
    :func:`_reminder_round`). Once a round has ended, even by a mail server failure, the next is a round
    of its own.
    """
    _require_open(wave)
    with _reminder_round(wave) as alone:
        if alone:
            _remind(wave)
    return alone


def _remind(wave: Wave) -> None:
    """One round of :func:`send_reminders`, run under the wave's reminder lock."""
    with transaction.atomic():
        covered = list(
            wave.invitations.filter(tokens__isnull=False)
            .exclude(employee__email="")
            .select_related("employee")
            .distinct()
            .order_by("pk")
        )
        issued = _issue(covered)  # same rows, ids and day for used and unused invitations
        # answered: marked used at an earlier close, or claimed while this wave is open
        claims = set(wave.claims.values_list("key", flat=True))
    connection = get_connection()
    try:
        with connection:  # one SMTP session for the run
            for inv, token in issued:
                if not inv.used and claim_key(inv.pk) not in claims:
                    _mail(connection, wave, "reminder", inv, token)
    except (OSError, smtplib.SMTPException) as exc:
        # No count here either: it is shown to HR and may reach a log.
        raise MailError(
            f"the mail server refused a reminder ({exc.__class__.__name__}); the reminders were not all "
            "sent: send them again once the server works"
        ) from None


_REMINDER_LOCKS = 0x616C7972  # PostgreSQL advisory lock class of reminder rounds ("alyr"), key the wave


@contextmanager
def _reminder_round(wave: Wave) -> Iterator[bool]:
    """Hold the wave's reminder lock for the block, or yield False at once if another round holds it.

    Held across the tokens' transaction and the e-mails after it, which no row lock can be: on SQLite
    it would stop every submission while the e-mails go. PostgreSQL: a session advisory lock, which
    every app server sees and which ends with the session if the process dies. SQLite, whose app
    servers share one host: an exclusive ``flock`` on a file of the data directory, which ends with its
    descriptor (each open of the file is locked apart, so threads of one process exclude each other too).
    The file stays empty: its name says only that the wave has had a reminder round, as its tokens do.
    """
    if db_connection.vendor == "postgresql":
        key = (_REMINDER_LOCKS, wave.pk % 2**31)
        with db_connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
            (alone,) = cursor.fetchone() or (False,)
        try:
            yield bool(alone)
        finally:
            if alone:
                try:
                    with db_connection.cursor() as cursor:
                        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)
                except DatabaseError:  # a caller's broken transaction: end the session, and the lock
                    db_connection.close()  # (held on, it would silently skip every later round)
        return
    folder = Path(settings.ALLYPATH_DATA_DIR) / "locks"
    folder.mkdir(mode=0o700, exist_ok=True)
    fd = os.open(folder / f"reminders-wave-{wave.pk}", os.O_CREAT | os.O_RDWR, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
        else:
            yield True
    finally:
        os.close(fd)  # and with it the lock


def due_reminder_days(wave: Wave, today: dt.date) -> list[str]:
    """The wave's scheduled reminder days that have come and were not yet sent."""
    done = set(wave.reminders_done or [])
    return sorted(day for day in (wave.reminders_on or []) if day not in done and day <= today.isoformat())


def send_due_reminders(today: dt.date | None = None) -> list[Wave]:
    """Send the reminders scheduled for today (or missed since), once per wave however many are due.

    Run daily (cron: ``python -m allypath.web send_due_reminders``). A day is marked done only once the
    whole run for its wave went through; if the mail server fails half-way, the next run reminds again
    everyone who has still not answered, with a fresh link.

    The days due are read again under the wave's reminder lock: a second run that listed the wave while
    the first was sending would otherwise find the lock free once the first had finished, and remind
    everyone a second time for the same day. A wave whose round another run holds is left to that run.
    """
    today = today or timezone.localdate()
    reminded = []
    for listed in Wave.objects.filter(status=WaveStatus.OPEN, opens_on__lte=today, closes_on__gte=today):
        if not due_reminder_days(listed, today):
            continue
        with _reminder_round(listed) as alone:
            if not alone:
                continue
            wave = Wave.objects.get(pk=listed.pk)  # as it is now, with the days marked done meanwhile
            due = due_reminder_days(wave, today)
            if wave.status != WaveStatus.OPEN or not due:
                continue
            _require_open(wave)
            _remind(wave)
            wave.reminders_done = sorted({*(wave.reminders_done or []), *due})
            wave.save(update_fields=["reminders_done"])
        reminded.append(wave)
    return reminded
