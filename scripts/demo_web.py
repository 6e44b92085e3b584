#!/usr/bin/env python
"""Seed the web app with the two simulated study organisations (``make demo`` calls this).

For each organisation of :func:`allypath.synth.simulate_invited`: an HRIS file written to var/demo/ and
imported through the console's importer, a launched wave (Meridian Energy as a panel wave, Castellan
Finance anonymous), real invitations with personal links, and the simulated respondents' answers
submitted through the same service as the survey pages. Prints the demo admin's credentials, one unused
survey link and one private report link.

    DJANGO_SETTINGS_MODULE=allypath.web.settings .venv/bin/python scripts/demo_web.py [--scale 0.1]

Without ALLYPATH_SECRET_KEY(_FILE) or ALLYPATH_PANEL_SECRET(_FILE) in the environment, development keys
are kept in ~/.config/allypath/ (outside the data directory), the files scripts/serve.sh uses too.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime as dt
import math
import os
import secrets
import sys
import time
import uuid
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEMO_SLUGS = {"Meridian Energy": "meridian-energy", "Castellan Finance": "castellan-finance"}
ADMIN = "demo-admin"


#: The development secrets and their files in ~/.config/allypath/. Neither is ever kept in the data
#: directory: beside the database, the secret key would unseal every ally-circle volunteer's contact and
#: stage, and the panel secret would name every panel respondent.
DEV_SECRETS = {"ALLYPATH_PANEL_SECRET": "panel-secret", "ALLYPATH_SECRET_KEY": "secret-key"}


def _keep_outside(setting: str, path: Path, old: str | None) -> None:
    """Create ``path`` once (0600 in a 0700 folder) with ``old``, the value an older demo wrote in
    var/secrets.env (so whatever was sealed or signed under it stays valid), or a random key."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.parent.chmod(0o700)
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text((old or secrets.token_urlsafe(48)) + "\n", encoding="utf-8")
    elif old and path.read_text(encoding="utf-8").strip() != old:
        # Deleting it would lose what this data directory sealed or signed under it: the operator chooses.
        raise SystemExit(
            f"var/secrets.env holds another {setting} than {path}. Move the value from var/secrets.env "
            f"into a file outside the data directory (chmod 600) and set {setting}_FILE to it; or delete "
            f"that line to use {path} (what was sealed or signed under the old value is then lost)."
        )


def ensure_secrets(var: Path) -> None:
    """Development keys for a laptop demo, outside the data directory (``DEV_SECRETS``; XDG_CONFIG_HOME
    respected), unless the environment gives them; an older demo's var/secrets.env values are moved out."""
    config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "allypath"
    env_file = var / "secrets.env"
    lines = env_file.read_text(encoding="utf-8").splitlines() if env_file.exists() else []
    written: dict[str, str] = {}
    for line in lines:  # the last one wins, as when the shell reads the file
        name, _, value = line.partition("=")
        if name.strip() and value.strip():
            written[name.strip()] = value.strip()
    moved: set[str] = set()
    for setting, file_name in DEV_SECRETS.items():
        if os.environ.get(setting) or os.environ.get(f"{setting}_FILE"):
            continue
        _keep_outside(setting, config / file_name, written.get(setting))
        os.environ[f"{setting}_FILE"] = str(config / file_name)
        moved.add(setting)
    if not env_file.exists():
        return
    # The panel secret goes even when the environment gives it, as scripts/serve.sh does.
    removed = moved | {"ALLYPATH_PANEL_SECRET"}
    kept = [line for line in lines if line.partition("=")[0].strip() not in removed]
    if not any(line.strip() for line in kept):
        env_file.unlink()  # it held only the keys moved out
    elif len(kept) < len(lines):
        env_file.write_text("".join(line + "\n" for line in kept), encoding="utf-8")
    if "ALLYPATH_SECRET_KEY" not in moved:
        return
    for line in kept:  # other settings an operator wrote there
        name, _, value = line.partition("=")
        if name.strip() and value.strip() and name.strip() not in DEV_SECRETS:
            os.environ.setdefault(name.strip(), value.strip())


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allypath.web.settings")
    ensure_secrets(Path(os.environ.get("ALLYPATH_DATA_DIR", REPO / "var")))
    import django

    django.setup()


def answers_from_row(row: Any, form: Any) -> dict[str, Any]:
    """A simulated wide row as the ``{item_id: value}`` answers a respondent would send."""
    answers: dict[str, Any] = {}
    for item in form.items:
        if item.type == "checklist":
            values = {o.id: row.get(f"{item.id}_{o.id}") for o in item.options}
            if all(v is None or (isinstance(v, float) and math.isnan(v)) for v in values.values()):
                continue
            chosen = [o.id for o in item.options if values[o.id] == 1]
            plain = [o.id for o in item.options if o.id in chosen and not o.exclusive]
            answers[item.id] = plain or chosen[:1]
        elif item.type == "text":
            value = row.get(item.id)
            if isinstance(value, str) and value.strip():
                answers[item.id] = value
        else:
            value = row.get(item.id)
            if value is not None and not (isinstance(value, float) and math.isnan(value)):
                answers[item.id] = int(value)
    return answers


def remove_demo_data() -> None:
    """The demo organisations of an earlier run go, so the new ones take their names. One whose
    dashboard someone opened has entries in the audit log, which nothing deletes (it is append-only):
    it is kept under another address, "(earlier demo run)", with no one's access."""
    from django.db.models import Q

    from allypath.web.audit.models import AccessEvent, ChangeEvent
    from allypath.web.orgs.models import (
        Employee,
        Invitation,
        InvitationToken,
        Membership,
        Organisation,
        Unit,
        Wave,
    )
    from allypath.web.survey.models import Draft, Response

    # the audit log (access and change entries, which nothing deletes) protects them: kept aside
    audited_orgs = Q(pk__in=AccessEvent.objects.values("org_id")) | Q(
        pk__in=ChangeEvent.objects.values("org_id")
    )
    for audited in Organisation.objects.filter(audited_orgs, slug__in=DEMO_SLUGS.values()):
        Membership.objects.filter(org=audited).delete()
        audited.slug = f"{audited.slug}-earlier-{audited.pk}"
        audited.name = f"{audited.name} (earlier demo run)"
        audited.save(update_fields=["slug", "name"])
    orgs = Organisation.objects.filter(slug__in=DEMO_SLUGS.values())
    Response.objects.filter(wave__org__in=orgs).delete()
    Draft.objects.filter(wave__org__in=orgs).delete()
    InvitationToken.objects.filter(invitation__wave__org__in=orgs).delete()
    Invitation.objects.filter(wave__org__in=orgs).delete()
    Wave.objects.filter(org__in=orgs).delete()
    Employee.objects.filter(org__in=orgs).delete()
    for depth in range(20, -1, -1):
        Unit.objects.filter(org__in=orgs, depth=depth).delete()
    orgs.delete()


DEMO_ITEM = {
    "format": "short",
    "stages": [1, 2],
    "barriers": ["low_policy_awareness"],
    "contexts": ["flexible_caregiving"],
    "turning_points": ["father"],
    "reading_minutes": 1,
    "title": {"en": "Our parental leave, in one minute"},
    "summary": {"en": "What the policy gives fathers, and what taking it does not cost."},
    "body": {
        "en": (
            "Every parent here can take sixteen weeks of leave at full pay in the child's first year, "
            "in one block or in parts. Taking it has no effect on bonus or promotion: the policy says so, "
            "and every manager has been briefed. Fathers who took it last year say the hardest part was "
            "asking; the HR team can help you plan it with your manager."
        )
    },
}


def add_demo_library_item(org: Any, username: str) -> None:
    """One of the organisation's own journey items, as an org admin would write it in the console."""
    from allypath.web.journey.models import OrgLibraryItem

    item = OrgLibraryItem.objects.create(org=org, language="en", spec=DEMO_ITEM, changed_by=username)
    item.as_item()  # checked by the library's rules, as the console's form does


def seed(
    scale: float = 1.0, seed_value: int = 2026, out: Path | None = None, quiet: bool = False
) -> dict[str, Any]:
    """Create the demo organisations; returns the printed facts (for tests)."""
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.utils import timezone

    from allypath.synth import DEFAULT_ORGS, simulate_invited
    from allypath.web.orgs.instruments import available_instrument
    from allypath.web.orgs.invitations import export_links_csv
    from allypath.web.orgs.models import Membership, Role
    from allypath.web.orgs.seeding import launch_wave, organisation_with
    from allypath.web.survey.submission import submit

    def say(*args: object) -> None:
        if not quiet:
            print(*args, flush=True)

    out = out or Path(os.environ.get("ALLYPATH_DATA_DIR", REPO / "var")) / "demo"
    out.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    remove_demo_data()
    calibrations = [dataclasses.replace(o, invited=max(30, int(o.invited * scale))) for o in DEFAULT_ORGS]
    people = simulate_invited(seed=seed_value, orgs=calibrations)
    people["employee_id"] = [f"E{i:05d}" for i in range(len(people))]
    instrument = available_instrument()
    today = timezone.localdate()
    password = secrets.token_urlsafe(12)
    admin, _ = User.objects.get_or_create(username=ADMIN, defaults={"email": "demo-admin@example.org"})
    admin.is_staff = True
    admin.set_password(password)
    admin.save()
    facts: dict[str, Any] = {"admin": ADMIN, "password": password, "orgs": {}}
    for name, slug in DEMO_SLUGS.items():
        started = time.perf_counter()
        mine = people[people["org"] == name]
        rows = [
            (
                r.employee_id,
                f"{r.unit}/{r.region}",
                r.level,
                r.region,
                f"{r.employee_id.lower()}@{slug}.example",
                r.language,
            )
            for r in mine.itertuples(index=False)
        ]
        org = organisation_with(name, slug, rows, hris=out / f"{slug}-hris.csv")
        Membership.objects.create(user=admin, org=org, role=Role.ORG_ADMIN)
        wave, _ = launch_wave(
            org,
            instrument,
            links=False,  # issued below as the CSV HR would download
            name="2026 Q1",
            form="full",
            privacy_mode="panel" if slug == "meridian-energy" else "anonymous",
            k=5,
            k_text=10,
            opens_on=today - dt.timedelta(days=14),
        )
        export = export_links_csv(wave)
        links = out / f"{slug}-links.csv"
        links.write_text(export.csv_text, encoding="utf-8")
        links.chmod(0o600)
        token_of = {
            r["employee_id"]: r["link"].rstrip("/").rsplit("/", 1)[-1]
            for r in csv.DictReader(export.csv_text.splitlines())
        }
        form = instrument.form(wave.form)
        receipt = ""
        responders = mine[mine["responded"]]
        for row in responders.to_dict("records"):
            language = row["language"] if row["language"] in wave.languages else "en"
            result = submit(token_of[row["employee_id"]], uuid.uuid4(), answers_from_row(row, form), language)
            receipt = receipt or result.receipt
        if slug == "meridian-energy":
            # Meridian's wave has closed: its results are published. Castellan's is still open, so
            # its dashboard shows response counts only (figures would single out the newest answers).
            wave.close()
        add_demo_library_item(org, admin.get_username())
        unused = next(e for e in mine.loc[~mine["responded"], "employee_id"])
        facts["orgs"][slug] = {
            "invited": len(mine),
            "responses": len(responders),
            "unused_link": f"/s/{token_of[unused]}/",
            "report": f"/r/{receipt}/",
            "wave": wave.pk,
        }
        say(
            f"{name}: {len(mine)} invited, {len(responders)} responses stored "
            f"({time.perf_counter() - started:.1f} s); personal links in {links}"
        )
    return facts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="share of the study's invited population")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    setup_django()
    from django.conf import settings

    facts = seed(args.scale, args.seed)
    site = settings.SITE_URL
    meridian, castellan = facts["orgs"]["meridian-energy"], facts["orgs"]["castellan-finance"]
    print()
    print(f"HR console:   {site}/console/   user {facts['admin']}   password {facts['password']}")
    print("  Meridian Energy's wave has closed: its dashboard shows results.")
    print("  Castellan Finance's wave is still open: its dashboard shows response counts until it closes.")
    print(f"Survey link (unused, Castellan Finance): {site}{castellan['unused_link']}")
    print(f"A private report (a simulated respondent's receipt): {site}{meridian['report']}")
    print(f"API docs:     {site}/api/v1/docs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
