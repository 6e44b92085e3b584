"""HR console views. Each one starts with the access helper: 404 for other organisations' objects, 403
when the user's role is too small. Viewers read; analysts read per unit; org admins change things.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from allypath.errors import AllypathError, ConfigurationError, DataError
from allypath.web.audit import record_access, record_change
from allypath.web.audit.models import ChangeEvent
from allypath.web.console.audience import audience_summary
from allypath.web.console.forms import HrisUploadForm, MemberAddForm, MembershipForm, WaveForm
from allypath.web.dashboard.deferred import ReleaseNotReady
from allypath.web.dashboard.query import DashboardInputError
from allypath.web.dashboard.rates import rates_view, response_rates
from allypath.web.orgs.access import get_for, membership_for, organisations_of
from allypath.web.orgs.importing import (
    ConfirmationNeeded,
    ImportSummary,
    ImportUnderWay,
    PendingImport,
    confirm_hris_upload,
    discard_hris_upload,
    import_hris_upload,
)
from allypath.web.orgs.instruments import wave_instrument
from allypath.web.orgs.invitations import (
    MailError,
    export_links_csv,
    send_invitations,
    send_reminders,
)
from allypath.web.orgs.models import (
    Employee,
    Membership,
    Organisation,
    Role,
    Unit,
    Wave,
    WavePhase,
    WaveStatus,
)
from allypath.web.survey.texts import LANGUAGE_NAMES


def org_for(request: HttpRequest, slug: str, role: str = Role.VIEWER) -> Organisation:
    return get_for(request.user, Organisation, slug=slug, role=role)


def wave_for(request: HttpRequest, slug: str, pk: int, role: str = Role.VIEWER) -> Wave:
    return get_for(request.user, Wave, pk=pk, org__slug=slug, role=role)


def base_context(
    request: HttpRequest, org: Organisation | None, title: str, **extra: object
) -> dict[str, object]:
    context: dict[str, object] = {"title": title, "org": org, "lang": "en", "dir": "ltr"}
    if org is not None:
        context["membership"] = membership_for(request.user, org)
    context.update(extra)
    return context


@login_required
def home(request: HttpRequest) -> HttpResponse:
    orgs = organisations_of(request.user)
    if len(orgs) == 1:
        return redirect("console:org", slug=orgs[0].slug)
    return render(request, "console/home.html", base_context(request, None, "Your organisations", orgs=orgs))


@login_required
def org_detail(request: HttpRequest, slug: str) -> HttpResponse:
    org = org_for(request, slug)
    context = base_context(
        request,
        org,
        org.name,
        units=Unit.objects.filter(org=org).count(),
        employees=Employee.objects.filter(org=org, active=True).count(),
        waves=Wave.objects.filter(org=org),
    )
    return render(request, "console/org.html", context)


@login_required
def import_people(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload a people file; one that would mark people as no longer in the organisation is only
    imported once confirmed (its counts stated in words), from a copy kept for that."""
    org = org_for(request, slug, Role.ORG_ADMIN)
    key = request.POST.get("pending", "")
    form = HrisUploadForm(None if key else request.POST or None, None if key else request.FILES or None)
    problems = ""
    pending: PendingImport | None = None
    if key and request.POST.get("action") == "cancel":
        discard_hris_upload(org, request.user, key)
        messages.info(request, "Nothing was imported: the file was not kept.")
        return redirect("console:import", slug=org.slug)
    if key or (request.method == "POST" and form.is_valid()):
        try:
            if key:
                summary = confirm_hris_upload(org, request.user, key)
            else:
                upload = form.cleaned_data["file"]  # streamed, not held whole
                summary = import_hris_upload(org, upload.name, upload.chunks(), user=request.user)
        except ConfirmationNeeded as exc:
            pending = exc.pending
        except ImportUnderWay:
            messages.info(
                request,
                "This file is being imported already (a second click?): its result shows here in a moment.",
            )
            return redirect("console:units", slug=org.slug)
        except DataError as exc:
            problems = str(exc)
        except IntegrityError:  # nothing was imported: the import is one transaction
            problems = (
                "Another change to this organisation's people or units was saved while this file was "
                "being imported, so nothing was imported. Upload the file again."
            )
        else:
            outcome = (
                f"{summary.employees_added} people added, {summary.employees_updated} updated, "
                f"{summary.employees_deactivated} no longer in the file, {summary.units_added} new units"
            )
            record_change(request, org=org, action=ChangeEvent.Action.PEOPLE_IMPORTED, detail=outcome)
            messages.success(request, f"Imported: {outcome}.")
            return redirect("console:units", slug=org.slug)
    context = base_context(
        request,
        org,
        "Import people" if pending is None else "Import this file?",
        form=form,
        problems=problems,
        pending=pending,
        confirming_again=bool(key) and pending is not None,
        question=_import_question(pending.summary) if pending is not None else "",
    )
    return render(request, "console/import.html", context, status=422 if problems else 200)


def _import_question(summary: ImportSummary) -> str:
    """What a people file would change, in a sentence (the confirmation of an import marking people gone)."""

    def people(n: int) -> str:
        return f"{n} {'person' if n == 1 else 'people'}"

    units = summary.units_added
    also = f" It also adds {units} new unit{'' if units == 1 else 's'}." if units else ""
    return (
        f"This file adds {people(summary.employees_added)}, updates {summary.employees_updated} and marks "
        f"{people(summary.employees_deactivated)} as no longer in the organisation.{also}"
    )


@login_required
def units(request: HttpRequest, slug: str) -> HttpResponse:
    org = org_for(request, slug)
    rows = Unit.objects.filter(org=org).order_by("path")
    counts = dict(
        Employee.objects.filter(org=org, active=True)
        .values("unit__path")
        .annotate(n=Count("id"))
        .values_list("unit__path", "n")
    )
    table = [(u, counts.get(u.path, 0)) for u in rows]
    return render(request, "console/units.html", base_context(request, org, "Units", table=table))


@login_required
def people(request: HttpRequest, slug: str) -> HttpResponse:
    org = org_for(request, slug, Role.ORG_ADMIN)
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        User = get_user_model()
        with transaction.atomic():
            if data["exists"]:
                user = User.objects.get(username=data["username"])
            else:
                user = User.objects.create_user(data["username"], data.get("email") or "", data["password"])
            Membership.objects.update_or_create(user=user, org=org, defaults={"role": data["role"]})
            record_change(
                request,
                org=org,
                action=ChangeEvent.Action.MEMBER_ADDED,
                detail=f"{user.get_username()} as {Role(data['role']).label.lower()}",
            )
        messages.success(
            request, f"{user.get_username()} is now {Role(data['role']).label.lower()} of {org.name}."
        )
        return redirect("console:people", slug=org.slug)
    memberships = Membership.objects.filter(org=org).select_related("user").prefetch_related("units")
    return render(
        request,
        "console/people.html",
        base_context(request, org, "People and roles", form=form, memberships=memberships),
    )


@login_required
def membership_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = get_for(request.user, Membership, pk=pk, org__slug=slug, role=Role.ORG_ADMIN)
    org = membership.org
    removing = request.method == "POST" and request.POST.get("action") == "remove"
    form = MembershipForm(None if removing else request.POST or None, instance=membership)
    refused = ""
    if removing and request.POST.get("confirm") != "yes":
        # the removal form's required box, checked here too: a POST without it changes nothing
        refused = (
            f"Nothing was changed: tick the box to confirm that {membership.user} is to be removed from "
            f"{org.name}."
        )
    elif request.method == "POST" and (removing or form.is_valid()):
        with transaction.atomic():
            refusal = _membership_change_refused(request, org, membership, removing, form)
            if refusal:
                messages.error(request, refusal)
            elif removing:
                membership.delete()
                record_change(
                    request, org=org, action=ChangeEvent.Action.MEMBER_REMOVED, detail=str(membership.user)
                )
                messages.success(request, "Membership removed.")
            else:
                form.save()
                record_change(
                    request,
                    org=org,
                    action=ChangeEvent.Action.ROLE_CHANGED,
                    detail=f"{membership.user} is now {Role(membership.role).label.lower()}",
                )
                if membership.user_id == request.user.pk and membership.role != Role.ORG_ADMIN:
                    # he can no longer open the people page: say so where he can still go
                    messages.success(
                        request,
                        f"Your role in {org.name} is now {Role(membership.role).label.lower()}: you no "
                        "longer manage its people and roles.",
                    )
                    return redirect("console:org", slug=org.slug)
                messages.success(request, "Role updated.")
        return redirect("console:people", slug=org.slug)
    return render(
        request,
        "console/membership.html",
        base_context(
            request, org, f"Role of {membership.user}", form=form, member=membership, refused=refused
        ),
        status=422 if refused else 200,
    )


def _membership_change_refused(
    request: HttpRequest, org: Organisation, membership: Membership, removing: bool, form: MembershipForm
) -> str:
    """Why removing ``membership`` (or giving it the form's role) is refused, in words; "" when allowed.

    Run in the transaction that makes the change. The organisation's admin memberships are locked
    first (on SQLite the transaction holds the one write lock), then the target's: two admins removing
    or demoting each other at once are taken one after the other, and the second sees the first's
    change. The acting user's role is checked again under the lock, and the last admin is kept.
    """
    admins = dict(
        Membership.objects.select_for_update()
        .filter(org=org, role=Role.ORG_ADMIN)
        .order_by("pk")
        .values_list("pk", "user_id")
    )
    if request.user.pk not in admins.values():
        raise PermissionDenied("this needs the organisation admin role")
    if not Membership.objects.select_for_update().filter(pk=membership.pk, org=org).exists():
        return "This membership was removed in the meantime: nothing was changed."
    if removing and membership.user_id == request.user.pk:
        return "You cannot remove your own membership."
    leaves_admins = removing or form.cleaned_data["role"] != Role.ORG_ADMIN
    if leaves_admins and set(admins) == {membership.pk}:
        return (
            f"{membership.user} is the organisation's only admin: make someone else an admin first, "
            "so that the organisation keeps one."
        )
    return ""


def _closed_early(wave: Wave) -> dict[str, dt.date | None] | None:
    """For a wave closed before its closing day: the day HR closed it (from the audit log; None when
    the log has no entry, as for a wave closed by a script), so the page does not show a closed
    wave "to" a day still ahead without saying so."""
    if wave.status != WaveStatus.CLOSED:
        return None
    event = (
        ChangeEvent.objects.filter(org=wave.org, wave_id=wave.pk, action=ChangeEvent.Action.WAVE_CLOSED)
        .order_by("-at")
        .first()
    )
    day = timezone.localdate(event.at) if event is not None else None
    if (day or timezone.localdate()) >= wave.closes_on:
        return None
    return {"on": day}


def _invited(wave: Wave, membership: Membership) -> int:
    """People invited to ``wave``: the whole organisation's, or within an analyst's units where he is
    limited to some (as his response-rate totals are)."""
    invitations = wave.invitations.all()
    if membership.role == Role.ANALYST:
        scope = Q()
        for unit in membership.units.all():
            scope |= Q(unit__path=unit.path) | Q(unit__path__startswith=unit.path + "/")
        if scope:
            invitations = invitations.filter(scope)
    return invitations.count()


def _wave_counts(request: HttpRequest, wave: Wave, membership: Membership) -> dict[str, object]:
    """Invited and usable responses from the one release (like the wave page): the whole
    organisation's, or an analyst's own units' where he is limited to some; a count below the wave's
    k is not shown."""
    if not wave.has_response_rates:  # a draft, or imported from a file: the reason in words
        return {"invited": "—", "responded": wave.no_rates_reason}
    try:
        table = response_rates(wave, membership)
    except ReleaseNotReady:  # a large organisation's counts are being solved in a process of their own
        return {"invited": _invited(wave, membership), "responded": "being counted"}
    record_access(request, org=wave.org, wave=wave, group="all", view="console.waves")
    responded = table.responded if table.responded is not None else f"fewer than {table.k}"
    return {"invited": table.invited, "responded": responded}


@login_required
def waves(request: HttpRequest, slug: str) -> HttpResponse:
    org = org_for(request, slug)
    membership = membership_for(request.user, org)
    rows = [(wave, _wave_counts(request, wave, membership)) for wave in Wave.objects.filter(org=org)]
    return render(request, "console/waves.html", base_context(request, org, "Waves", rows=rows))


@login_required
def wave_new(request: HttpRequest, slug: str) -> HttpResponse:
    org = org_for(request, slug, Role.ORG_ADMIN)
    form = WaveForm(request.POST or None, instance=Wave(org=org))
    if request.method == "POST" and form.is_valid():
        wave = form.save()
        record_change(request, org=org, wave=wave, action=ChangeEvent.Action.WAVE_CREATED)
        messages.success(request, "Draft wave created. Check its settings, then launch it.")
        return redirect("console:wave", slug=org.slug, pk=wave.pk)
    return render(request, "console/wave_form.html", base_context(request, org, "New wave", form=form))


@login_required
def wave_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    wave = wave_for(request, slug, pk, Role.ORG_ADMIN)
    if wave.is_frozen:
        messages.error(request, "A launched wave's settings are frozen: respondents were told them.")
        return redirect("console:wave", slug=slug, pk=pk)
    form = WaveForm(request.POST or None, instance=wave)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Wave updated.")
        return redirect("console:wave", slug=slug, pk=pk)
    return render(
        request,
        "console/wave_form.html",
        base_context(request, wave.org, f"Edit {wave.name}", form=form, wave=wave),
    )


@login_required
def wave_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    wave = wave_for(request, slug, pk)
    membership = membership_for(request.user, wave.org)
    rates_pending = ""
    try:  # from the organisation's release, like the dashboard: the same counts for every viewer
        rates = rates_view(request, wave, membership, view="console.response_rates")
    except ReleaseNotReady as pending:
        rates, rates_pending = None, pending.message
    except DashboardInputError:  # no rates for this wave: the page says what kind of wave it is
        rates = None
    context = base_context(
        request,
        wave.org,
        wave.name,
        wave=wave,
        rates=rates,
        rates_pending=rates_pending,
        can_manage=membership.has_role(Role.ORG_ADMIN),
        # an analyst limited to some units gets their totals (response_rates), and is told so
        rates_scope=[u.path for u in membership.units.all()] if membership.role == Role.ANALYST else [],
        invited=_invited(wave, membership),
        audience=audience_summary(wave),
        closed_early=_closed_early(wave),
        # an ended wave (its closing day passed) sends no invitations, reminders or links
        ended=wave.phase() == WavePhase.ENDED,
        # A launch can be undone until the first personal link goes out (e-mailed or downloaded): a fact
        # HR knows, never whether anyone answered (offered only while nobody had, the page told HR the
        # moment the one man invited answered). The model checks again under its lock, in the same words.
        can_undo_launch=wave.can_undo_launch,
        instrument_title=_instrument_title(wave),
        language_names=[LANGUAGE_NAMES.get(code, code) for code in wave.languages],
    )
    return render(request, "console/wave.html", context)


#: The id of the standard questionnaire allypath ships (every packaged version carries it).
STANDARD_INSTRUMENT_ID = "allypath-core"


class InstrumentTitle(NamedTuple):
    """The wave's questionnaire in words: its ``title`` as respondents see it (in English; "" when this
    server no longer has the version the wave was launched with) and ``source``, which questionnaire
    the version is of ("the standard allypath questionnaire", or the organisation's own)."""

    title: str
    source: str


def _instrument_title(wave: Wave) -> InstrumentTitle:
    """The questionnaire's title and what it is a version of, never its internal id."""
    try:
        title = wave_instrument(wave.instrument_id, wave.instrument_version).title.get_lang("en")
    except ConfigurationError:
        title = ""
    if wave.instrument_id == STANDARD_INSTRUMENT_ID:
        return InstrumentTitle(title, "the standard allypath questionnaire")
    return InstrumentTitle(title, f"{wave.org.name}'s own questionnaire")  # its title comes first


#: The actions that cannot be taken back, and why one posted without its confirmation box is refused:
#: the wave page asks for the box to be ticked (the browser's ``required``), and the server checks too.
CONFIRMATIONS = {
    "close": "tick the box to confirm that the wave closes now: nobody can answer after this, and "
    "unfinished drafts are deleted.",
    "revert": "tick the box to confirm that the launch is undone: the wave becomes a draft again and "
    "nobody is invited until it is launched again.",
}


@login_required
@require_POST
def wave_action(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    wave = wave_for(request, slug, pk, Role.ORG_ADMIN)
    action = request.POST.get("action")
    try:
        if action == "launch":  # only from the confirmation page, which states whom it invites
            return redirect("console:wave_launch", slug=slug, pk=pk)
        if action in CONFIRMATIONS and request.POST.get("confirm") != "yes":
            messages.error(request, f"Not done: {CONFIRMATIONS[action]}")
        elif action == "close":
            wave.close()
            wave.drafts.all().delete()
            record_change(request, org=wave.org, wave=wave, action=ChangeEvent.Action.WAVE_CLOSED)
            messages.success(request, "Wave closed; unfinished drafts were deleted.")
        elif action == "revert":
            wave.revert_to_draft()
            record_change(request, org=wave.org, wave=wave, action=ChangeEvent.Action.LAUNCH_UNDONE)
            messages.success(
                request,
                "The launch was undone: the wave is a draft again and nobody is invited. Its settings "
                "can be changed; launch it again to invite people.",
            )
        elif action == "invite":
            sent = send_invitations(wave)
            record_change(
                request,
                org=wave.org,
                wave=wave,
                action=ChangeEvent.Action.INVITATIONS_SENT,
                detail=f"{sent} sent",
            )
            messages.success(request, f"{sent} invitation e-mails sent.")
        elif action == "remind":
            if send_reminders(wave):
                # no count: beside the population, the number reminded could tell who answered
                record_change(request, org=wave.org, wave=wave, action=ChangeEvent.Action.REMINDERS_SENT)
                messages.success(request, "Reminders sent to everyone who has not answered yet.")
            else:
                messages.info(
                    request,
                    "A reminder round for this wave was already under way (another click or another"
                    " admin): it reminds everyone who has not answered yet, so no second one was sent.",
                )
        else:
            messages.error(request, "Unknown action.")
    except (AllypathError, ValidationError) as exc:
        if isinstance(exc, MailError):  # some e-mails went out before the mail server refused one
            _record_interrupted(request, wave, action, exc)
        messages.error(
            request, f"Not done: {'; '.join(exc.messages) if isinstance(exc, ValidationError) else exc}"
        )
    return HttpResponseRedirect(reverse("console:wave", kwargs={"slug": slug, "pk": pk}))


def _record_interrupted(request: HttpRequest, wave: Wave, action: str | None, exc: MailError) -> None:
    """The change log's entry for a run of e-mails the mail server stopped half-way: those sent stand."""
    if action == "invite" and exc.sent:
        record_change(
            request,
            org=wave.org,
            wave=wave,
            action=ChangeEvent.Action.INVITATIONS_SENT,
            detail=f"{exc.sent} sent, then the mail server refused one",
        )
    elif action == "remind":  # no count, as for a whole round
        detail = "interrupted by the mail server: not everyone was reminded"
        record_change(
            request, org=wave.org, wave=wave, action=ChangeEvent.Action.REMINDERS_SENT, detail=detail
        )


@login_required
@require_POST
def wave_links(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The CSV of personal links not yet handed out (each link appears in one export only).

    Only after the org admin confirms the warning on the wave page, and recorded in the audit log:
    whoever holds a link can answer in that person's place and see whether it was used.
    """
    wave = wave_for(request, slug, pk, Role.ORG_ADMIN)
    if request.POST.get("confirm") != "yes":
        messages.error(
            request, "Not done: first confirm that you have read the warning about personal links."
        )
        return redirect("console:wave", slug=slug, pk=pk)
    try:
        with transaction.atomic():
            export = export_links_csv(wave)
            record_access(request, org=wave.org, wave=wave, group="all", view="console.links_csv")
    except AllypathError as exc:
        messages.error(request, f"Not done: {exc}")
        return redirect("console:wave", slug=slug, pk=pk)
    response = HttpResponse(export.csv_text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="links-wave-{wave.pk}.csv"'
    response["Cache-Control"] = "no-store"
    return response
