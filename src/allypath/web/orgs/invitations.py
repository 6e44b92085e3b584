"""Invitations: who is invited, their personal links, e-mails and reminders.

A token exists in clear only in the CSV export or the e-mail that carries it; the database keeps its
SHA-256. Links are shown once: the CSV holds only invitations that never had a link. Reminders go by
e-mail to every unused invitation, chosen here, so HR never learns who has answered (the console shows
no count either: with the number of people without an e-mail address it could reveal one person).
"""

from __future__ import annotations

import csv
import io
import smtplib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from allypath.errors import AllypathError
from allypath.model import Text
from allypath.web.orgs.coarsen import Coarse, coarsen
from allypath.web.orgs.errors import WaveStateError
from allypath.web.orgs.keys import new_token, token_hash
from allypath.web.orgs.models import Employee, Invitation, InvitationToken, Unit, Wave, WaveStatus
from allypath.web.security import spreadsheet_safe

__all__ = [
    "LinksExport",
    "MailError",
    "create_invitations",
    "export_links_csv",
    "send_invitations",
    "send_reminders",
    "survey_link",
]

LINK_COLUMNS = ("employee_id", "email", "language", "link")


def _t(en: str, fr: str, ar: str) -> Text:
    return Text({"en": en, "fr": fr, "ar": ar})


_SUBJECT = _t(
    "Your invitation: gender equity at work, your perspective",
    "Votre invitation : l'égalité femmes-hommes au travail, votre regard",
    "دعوتك: المساواة بين الجنسين في العمل من وجهة نظرك",
)
_REMINDER_SUBJECT = _t(
    "Reminder: gender equity at work, your perspective",
    "Rappel : l'égalité femmes-hommes au travail, votre regard",
    "تذكير: المساواة بين الجنسين في العمل من وجهة نظرك",
)
_BODY = _t(
    "You are invited to a short survey on gender equity at work (10 to 15 minutes).\n\n"
    "Your personal link: {link}\n\n"
    "Your answers are not shown to your employer: HR sees only results of groups of at least {k} "
    "people. After answering you get a private report that only you can open.\n"
    "The link works once and until {closes}. Please do not forward it.",
    "Vous êtes invité à une courte enquête sur l'égalité femmes-hommes au travail (10 à 15 minutes).\n\n"
    "Votre lien personnel : {link}\n\n"
    "Vos réponses ne sont pas montrées à votre employeur : les RH ne voient que les résultats de "
    "groupes d'au moins {k} personnes. Après avoir répondu, vous recevez un rapport privé que vous "
    "seul pouvez ouvrir.\nLe lien fonctionne une fois, jusqu'au {closes}. Merci de ne pas le transférer.",
    "أنت مدعو إلى استبيان قصير حول المساواة بين الجنسين في العمل (من 10 إلى 15 دقيقة).\n\n"
    "رابطك الشخصي: {link}\n\n"
    "لا تُعرض إجاباتك على جهة عملك: لا ترى الموارد البشرية إلا نتائج مجموعات لا يقل عدد أفرادها عن {k}. "
    "بعد الإجابة تحصل على تقرير خاص لا يفتحه أحد غيرك.\n"
    "يعمل الرابط مرة واحدة وحتى {closes}. يُرجى عدم إعادة توجيهه.",
)
_REMINDER_BODY = _t(
    "If you have not answered yet, there is still time until {closes}.\n\n"
    "A new personal link: {link}\n\n"
    "If you already started, open the link from your first e-mail on the same device to find your saved "
    "answers. "
    "If you have already answered, please ignore this message: we do not know who has answered.",
    "Si vous n'avez pas encore répondu, il est encore temps jusqu'au {closes}.\n\n"
    "Un nouveau lien personnel : {link}\n\n"
    "Si vous avez déjà commencé, ouvrez le lien de votre premier e-mail sur le même appareil pour retrouver "
    "vos réponses enregistrées. "
    "Si vous avez déjà répondu, ignorez ce message : nous ne savons pas qui a répondu.",
    "إن لم تكن قد أجبت بعد، فما زال أمامك وقت حتى {closes}.\n\n"
    "رابط شخصي جديد: {link}\n\n"
    "إن كنت قد بدأت بالفعل، فافتح رابط رسالتك الأولى على الجهاز نفسه لتجد إجاباتك المحفوظة. "
    "وإن كنت قد أجبت، فتجاهل هذه الرسالة: نحن لا نعرف من أجاب.",
)


def survey_link(token: str) -> str:
    return f"{settings.SITE_URL}/s/{token}/"


def create_invitations(wave: Wave) -> int:
    """Invite every active employee of the organisation not yet invited, with coarse attributes.

    The first call (at launch) coarsens the whole population (:mod:`.coarsen`): every stored
    combination of unit, level and region then has at least k invitees. People invited later (added
    to the HRIS while the wave is open) get their unit only, merged upwards while it has fewer than
    k invitees, so they never make a new small combination either.
    """
    invited = set(wave.invitations.values_list("employee_id", flat=True))
    people = list(Employee.objects.filter(org=wave.org, active=True).exclude(pk__in=invited))
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
    if wave.status != WaveStatus.OPEN:
        raise WaveStateError(f"wave {wave.pk} is {wave.status}: links are issued only while it is open")


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


def export_links_csv(wave: Wave) -> LinksExport:
    """Personal links for every invitation that never had one, as CSV; each link appears only here."""
    _require_open(wave)
    with transaction.atomic():
        pending = list(
            wave.invitations.filter(tokens__isnull=True)
            .select_related("employee")
            .order_by("employee__employee_id")
        )
        issued = _issue(pending)
        Invitation.objects.filter(pk__in=[inv.pk for inv in pending]).update(sent_on=timezone.localdate())
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
    """The mail server refused an e-mail: those sent before it stand, the rest can be sent again."""


def _send_each(
    wave: Wave, invitations: list[Invitation], subject: Text, body: Text, mark: Callable[[Invitation], None]
) -> int:
    """E-mail each person a new link, one transaction per person: his token is stored (and ``mark``
    applied) only once the mail server has accepted his e-mail, so a failure half-way leaves no link
    that was never sent and sends no link that was not stored. The first refusal stops the run."""
    sent = 0
    connection = get_connection()
    try:
        with connection:  # one SMTP session for the run
            for inv in invitations:
                with transaction.atomic():
                    ((_, token),) = _issue([inv])
                    mark(inv)
                    lang = _language(wave, inv.employee)
                    text = body.get_lang(lang).format(
                        link=survey_link(token), k=wave.k, closes=wave.closes_on.isoformat()
                    )
                    message = EmailMessage(
                        subject.get_lang(lang), text, to=[inv.employee.email], connection=connection
                    )
                    connection.send_messages([message])
                sent += 1
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(
            f"the mail server refused an e-mail after {sent} were sent ({exc.__class__.__name__}); "
            "nothing was stored for the others: send again once the server works"
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

    return _send_each(wave, pending, _SUBJECT, _BODY, mark)


def send_reminders(wave: Wave) -> None:
    """E-mail a fresh link to every unused invitation that already had one. Returns nothing on purpose:
    the number reminded, beside what HR knows of the population, could reveal who answered.
    """
    _require_open(wave)
    pending = list(
        wave.invitations.filter(used=False, tokens__isnull=False)
        .exclude(employee__email="")
        .select_related("employee")
        .distinct()
    )

    def mark(inv: Invitation) -> None:
        Invitation.objects.filter(pk=inv.pk).update(reminders_sent=F("reminders_sent") + 1)

    _send_each(wave, pending, _REMINDER_SUBJECT, _REMINDER_BODY, mark)
