"""The host as attacker (DESIGN §6 (c), issue 14 point 4): with every file of the data directory, the
database and a backup, link no response to its invitation or employee better than chance.

A site is seeded in its own process: an organisation of 60 people in units of mixed size, levels and
regions, an anonymous and a panel wave, and 36 responses per wave submitted one by one (each its own
transaction, as in production) in a random order that the test remembers. Then the test reads what a
host reads and tries the joins that worked before (issue 14): storage order (SQLite's rowid,
PostgreSQL's heap order and ``xmin``) against the order in which invitations were marked used,
attributes shared by one invitee only, and the panel key recomputed with a secret found on the host.
A reminder goes out after half of each wave's answers: nothing stored may tell the invitations used
before it from those used after it, nor sort the used invitations in their order of use.
Runs on SQLite and, with DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
import stat
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from .live import PYTHON, REPO, Site, fresh_database
from .sqlite_pages import physical_order

pytestmark = [pytest.mark.db, pytest.mark.slow]

RESPONSES = 36
K = 3
DRAFT_TEXT = "an unfinished answer only its author may read"
SEED = r"""
import datetime as dt, json, random, sys, uuid
import django; django.setup()
from django.core.management import call_command
from django.utils import timezone
from allypath.instrument import load_instrument
from allypath.web.orgs.importing import import_hris
from allypath.web.orgs.invitations import create_invitations, export_links_csv, send_reminders
from allypath.web.orgs.models import Organisation, Wave
from allypath.web.survey.submission import submit
from pathlib import Path
call_command("migrate", verbosity=0, interactive=False)
rng = random.Random(14)
units = ["Sales", "Sales/EMEA", "Sales/APAC", "Engineering", "Engineering/Platform", "Legal"]
levels, regions = ["Staff", "Manager", "Director"], ["EMEA", "APAC", "AMER"]
rows = ["employee_id,unit,level,region,email,language"]
for i in range(60):
    rows.append(f"H{i:03d},{rng.choice(units)},{rng.choice(levels)},{rng.choice(regions)},h{i}@x.test,en")
hris = Path(sys.argv[1]); hris.write_text("\n".join(rows) + "\n")
org = Organisation.objects.create(name="Hostco", slug="hostco")
import_hris(org, hris)
instrument = load_instrument()
form = instrument.form("short")
answers = {}
for item in form.items:
    if item.type == "likert": answers[item.id] = 3
    elif item.type == "single": answers[item.id] = next(o.value for o in item.options if o.value is not None)
    elif item.type == "checklist": answers[item.id] = [next(o.id for o in item.options if not o.exclusive)]
    else: answers[item.id] = "Listening."
today = timezone.localdate()
truth = {}
for mode in ("anonymous", "panel"):
    wave = Wave.objects.create(org=org, name=mode, instrument_id=instrument.id,
        instrument_version=instrument.version, form="short", languages=["en"], privacy_mode=mode,
        k=%(k)d, k_text=%(k)d, opens_on=today - dt.timedelta(days=1), closes_on=today + dt.timedelta(days=9))
    wave.launch(); create_invitations(wave)
    links = [line.split(",") for line in export_links_csv(wave).csv_text.strip().splitlines()[1:]]
    chosen = rng.sample(links, %(n)d)
    order = []
    for n, row in enumerate(chosen):
        if n == %(n)d // 2:
            send_reminders(wave)  # half answer before the reminder, half after it
        token = row[-1].rstrip("/").rsplit("/", 1)[-1]
        result = submit(token, uuid.uuid4(), answers, "en")
        order.append([row[0], str(result.response_id)])
    truth[mode] = {"wave": wave.pk, "order": order, "reminded_after": %(n)d // 2, "closed": mode == "anonymous"}
    # an unfinished draft in a browser, as the survey pages save it
    from allypath.web.orgs.keys import draft_key
    from allypath.web.survey.models import Draft
    from allypath.web.survey.sealing import draft_cipher_key
    spare = next(r for r in links if r not in chosen)[-1].rstrip("/").rsplit("/", 1)[-1]
    secret = "b" * 43
    draft = Draft(key=draft_key(spare, secret), wave=wave, language="en", page=2)
    draft.unlock(draft_cipher_key(spare, secret)).answers = {"ot1": "%(draft_text)s"}
    draft.save()
    if mode == "anonymous":
        wave.close()
print(json.dumps(truth))
"""
BACKUP = "from allypath.web.backup import backup_database; import sys; backup_database(sys.argv[1])"


def _uuid(value: Any) -> str:
    return str(value).replace("-", "")


class Host:
    """What whoever holds the machine can read: the data directory, the database, a backup."""

    def __init__(self, site: Site, backup: Path) -> None:
        self.site, self.backup = site, backup

    def rows(self, sql: str, *, backup: bool = False) -> list[tuple[Any, ...]]:
        if backup and not self.site.database_url:
            with sqlite3.connect(self.backup) as con:
                return con.execute(sql).fetchall()
        if backup:
            return self.restored(sql)
        return self.site.query(sql)

    def restored(self, sql: str) -> list[tuple[Any, ...]]:
        """Rows of the PostgreSQL backup, in the order pg_dump wrote them (its COPY data)."""
        assert sql == "ids", sql
        return [(row["id"],) for row in self.dumped("survey_response")]

    def dumped(self, table: str) -> list[dict[str, str]]:
        """``table``'s rows in the PostgreSQL backup, as text, in the order pg_dump wrote them."""
        text = subprocess.run(
            ["pg_restore", "--data-only", f"--table={table}", "--file=-", str(self.backup)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        copy = text[text.index(f"COPY public.{table} (") :]
        header, _, body = copy.partition("FROM stdin;\n")
        columns = [c.strip('"') for c in header[header.index("(") + 1 : header.index(")")].split(", ")]
        lines = body.split("\n")
        lines = lines[: lines.index("\\.")]
        return [dict(zip(columns, line.split("\t"), strict=True)) for line in lines]

    def table(self, name: str, *, backup: bool = False) -> list[dict[str, str]]:
        """Every row of table ``name`` (live or in the backup), values as text."""
        if backup and self.site.database_url:
            return self.dumped(name)
        if self.site.database_url:
            columns = [
                r[0]
                for r in self.rows(
                    "SELECT column_name FROM information_schema.columns "
                    f"WHERE table_name = '{name}' ORDER BY ordinal_position"
                )
            ]
        else:
            columns = [
                r[0] for r in self.rows(f"SELECT name FROM pragma_table_info('{name}')", backup=backup)
            ]
        return [
            dict(zip(columns, map(str, row), strict=True))
            for row in self.rows(f"SELECT {', '.join(columns)} FROM {name}", backup=backup)
        ]

    def response_ids_in_storage_order(self, wave: int, *, backup: bool = False) -> list[str]:
        if backup and self.site.database_url:
            ids = [_uuid(r[0]) for r in self.restored("ids")]
        elif self.site.database_url:
            ids = [
                _uuid(r[0])
                for r in self.rows(f"SELECT id FROM survey_response WHERE wave_id={wave} ORDER BY ctid")
            ]
        else:
            # no ORDER BY: the order the file keeps them in (rowid before; the key with WITHOUT ROWID)
            ids = [
                _uuid(r[0])
                for r in self.rows(f"SELECT id FROM survey_response WHERE wave_id={wave}", backup=backup)
            ]
        if backup and self.site.database_url:
            mine = {_uuid(r[0]) for r in self.rows(f"SELECT id FROM survey_response WHERE wave_id={wave}")}
            ids = [i for i in ids if i in mine]
        return ids

    def used_invitations_in_storage_order(self, wave: int, *, backup: bool = False) -> list[str]:
        """The wave's used invitations (employee ids) as the host can order them: on PostgreSQL by
        ``xmin`` (the transaction that marked each used), then heap order; on SQLite by rowid; in a
        backup, as stored there."""
        if backup and self.site.database_url:
            people = {r["id"]: r["employee_id"] for r in self.dumped("orgs_employee")}
            return [
                people[r["employee_id"]]
                for r in self.dumped("orgs_invitation")
                if r["wave_id"] == str(wave) and r["used"] == "t"
            ]
        order = "i.xmin::text::bigint, i.ctid" if self.site.database_url else "i.rowid"
        return [
            r[0]
            for r in self.rows(
                "SELECT e.employee_id FROM orgs_invitation i JOIN orgs_employee e ON e.id = i.employee_id "
                f"WHERE i.wave_id = {wave} AND i.used ORDER BY {order}",
                backup=backup,
            )
        ]


#: What says who an invitation is, and whether it was used: nothing else the host reads about it may
#: depend on when it was used.
WHO = {"id", "wave_id", "employee_id", "unit_id", "level", "region", "used"}


def invitation_views(host: Host, wave: int, *, backup: bool = False) -> dict[str, tuple[Any, ...]]:
    """Employee id -> what the host reads about his invitation besides who he is and ``used``: the
    rest of its row and its tokens (how many, issued which days, in id order)."""
    people = {r["id"]: r["employee_id"] for r in host.table("orgs_employee", backup=backup)}
    tokens: dict[str, list[str]] = {}
    for token in sorted(host.table("orgs_invitationtoken", backup=backup), key=lambda t: int(t["id"])):
        tokens.setdefault(token["invitation_id"], []).append(token["issued_on"])
    return {
        people[row["employee_id"]]: (
            tuple(sorted((k, v) for k, v in row.items() if k not in WHO)),
            tuple(tokens.get(row["id"], [])),
        )
        for row in host.table("orgs_invitation", backup=backup)
        if row["wave_id"] == str(wave)
    }


def rank_correlation(stored: list[str], truth: list[str]) -> float:
    """Spearman's rho between two orders of the same items (1: the same order)."""
    assert sorted(stored) == sorted(truth)
    position = {item: n for n, item in enumerate(truth)}
    n = len(truth)
    d2 = sum((n_stored - position[item]) ** 2 for n_stored, item in enumerate(stored))
    return 1 - 6 * d2 / (n * (n * n - 1))


def order_attack_hits(host: Host, truth: dict[str, Any], *, backup: bool = False) -> int:
    """Pair the n-th stored response with the n-th invitation marked used; count correct pairs."""
    right = {rid.replace("-", ""): emp for emp, rid in truth["order"]}
    responses = host.response_ids_in_storage_order(truth["wave"], backup=backup)
    used = host.used_invitations_in_storage_order(truth["wave"])
    if not used:  # no invitation row says it was used (open: claims only; closed: nothing kept)
        assert len(responses) == RESPONSES
        return 0
    assert len(responses) == len(used) == RESPONSES
    return sum(right[r] == e for r, e in zip(responses, used, strict=True))


def submission_order_hits(host: Host, truth: dict[str, Any], *, backup: bool = False) -> int:
    """How many responses sit at their submission position in storage order (all of them before)."""
    stored = host.response_ids_in_storage_order(truth["wave"], backup=backup)
    submitted = [rid.replace("-", "") for _, rid in truth["order"]]
    assert sorted(stored) == sorted(submitted)
    return sum(a == b for a, b in zip(stored, submitted, strict=True))


# A random pairing of 36 has on average 1 correct pair; 6 or more happen with probability < 0.001.
CHANCE_BOUND = 5


@pytest.fixture(scope="module")
def hosted(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("host")
    with fresh_database("host") as database_url:
        site = Site(tmp / "data", database_url, {})
        site.data_dir.mkdir()
        done = subprocess.run(
            [PYTHON, "-c", SEED % {"k": K, "n": RESPONSES, "draft_text": DRAFT_TEXT}, str(tmp / "hris.csv")],
            env=site.env,
            capture_output=True,
            text=True,
            timeout=600,
            cwd=REPO,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        out = done.stdout
        truth = json.loads(out.strip().splitlines()[-1])
        backup = tmp / "backups" / "site.backup"
        subprocess.run([PYTHON, "-c", BACKUP, str(backup)], env=site.env, check=True, cwd=REPO, timeout=300)
        yield Host(site, backup), truth


def test_the_data_directory_and_the_backup_are_private_to_the_server_user(hosted):
    host, _ = hosted
    data = host.site.data_dir
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE(host.backup.stat().st_mode) == 0o600
    assert stat.S_IMODE(host.backup.parent.stat().st_mode) == 0o700
    if not host.site.database_url:
        for name in ("allypath.sqlite3", "allypath.sqlite3-wal", "allypath.sqlite3-shm"):
            if (data / name).exists():
                assert stat.S_IMODE((data / name).stat().st_mode) == 0o600, name


def test_responses_keep_no_storage_order_that_follows_submission(hosted):
    host, truth = hosted
    if not host.site.database_url:
        create = host.rows("SELECT sql FROM sqlite_master WHERE name = 'survey_response'")[0][0]
        assert "WITHOUT ROWID" in create.upper()
        with pytest.raises(sqlite3.OperationalError):
            host.rows("SELECT rowid FROM survey_response")
        # an open wave too: SQLite stores rows in random-key order from the first insert
        assert submission_order_hits(host, truth["panel"]) <= CHANCE_BOUND
        assert order_attack_hits(host, truth["panel"]) <= CHANCE_BOUND
    # the closed wave in the live database (PostgreSQL: scrambled at close), and both in the backup
    for measure in (submission_order_hits, order_attack_hits):
        assert measure(host, truth["anonymous"]) <= CHANCE_BOUND
        assert measure(host, truth["anonymous"], backup=True) <= CHANCE_BOUND
        assert measure(host, truth["panel"], backup=True) <= CHANCE_BOUND


def test_on_sqlite_the_raw_pages_keep_no_order_that_follows_submission(hosted):
    """Read from the file's bytes, not through SQL: a review sorted the responses by their first
    overflow page (SQLite appends them as long rows arrive) into the exact order of submission, in the
    live file of a closed wave and in the backup (36 of 36 at their place, rho 1.00)."""
    host, truth = hosted
    if host.site.database_url:
        pytest.skip("SQLite's file format: PostgreSQL's order is checked through ctid and pg_dump")
    for wave, files in (
        ("anonymous", (host.site.sqlite_path, host.backup)),  # closed: rewritten at close
        ("panel", (host.backup,)),  # open: the backup is rebuilt in key order
    ):
        submitted = [rid.replace("-", "") for _, rid in truth[wave]["order"]]
        for path in files:
            order = physical_order(Path(path), "survey_response", set(submitted))
            hits = sum(a == b for a, b in zip(order, submitted, strict=True))
            assert hits <= CHANCE_BOUND, (wave, path.name, hits)
            assert abs(rank_correlation(order, submitted)) < 0.6, (wave, path.name)


@pytest.mark.skipif("not __import__('os').environ.get('DATABASE_URL')", reason="PostgreSQL only")
def test_on_postgresql_no_response_or_invitation_keeps_the_transaction_that_stored_it(hosted):
    """Each wave's responses and invitations were rewritten in one transaction (at close, then before
    the backup): every row carries its ``xmin``, which pairs nothing and orders nothing."""
    host, truth = hosted
    for mode in ("anonymous", "panel"):
        wave = truth[mode]["wave"]
        for table in ("survey_response", "orgs_invitation"):
            xmins = {r[0] for r in host.rows(f"SELECT xmin::text FROM {table} WHERE wave_id={wave}")}
            assert len(xmins) == 1, (mode, table)


def test_no_invitation_says_it_was_used_so_none_keeps_an_order_of_use(hosted):
    """Sorted by ``xmin`` on PostgreSQL, the invitations marked used at close came in the order they
    were used without the rewrite (36 of 36), which the responses' days would then date; and where a
    stored combination had few used invitations, they named the few who answered. A closed wave takes
    no answer, so now nothing is marked: no invitation says it was used, open or closed, live or in
    the backup (a review pointed out that nothing needs the flags once a wave is closed)."""
    host, truth = hosted
    for mode in ("anonymous", "panel"):
        for backup in (False, True):
            assert host.used_invitations_in_storage_order(truth[mode]["wave"], backup=backup) == [], (
                mode,
                backup,
            )


def test_no_row_says_whether_an_invitation_was_used_before_or_after_a_reminder(hosted):
    """A reminder went out after half the answers. The invitation's row and its tokens read the same
    for those used before it as for those used after (before: one token fewer and a reminder count,
    which put each answer between two reminders, and its response among few of that day)."""
    host, truth = hosted
    for mode in ("anonymous", "panel"):
        used = [employee for employee, _ in truth[mode]["order"]]
        split = truth[mode]["reminded_after"]
        for backup in (False, True):
            view = invitation_views(host, truth[mode]["wave"], backup=backup)
            before, after = {view[e] for e in used[:split]}, {view[e] for e in used[split:]}
            assert before == after and len(before) == 1, (mode, backup, before ^ after)


def test_every_stored_attribute_combination_has_at_least_k_invitees(hosted):
    host, truth = hosted
    for mode in ("anonymous", "panel"):
        wave = truth[mode]["wave"]
        invitees = Counter(
            host.rows(f"SELECT unit_id, level, region FROM orgs_invitation WHERE wave_id={wave}")
        )
        stored = set(host.rows(f"SELECT unit_id, level, region FROM survey_response WHERE wave_id={wave}"))
        assert stored, mode
        assert all(invitees[combo] >= K for combo in stored), {c: invitees[c] for c in stored}


def test_no_file_on_the_host_holds_the_panel_secret_so_panel_keys_name_no_one(hosted):
    host, truth = hosted
    secret = host.site.env["ALLYPATH_PANEL_SECRET"].encode()
    files = [p for p in host.site.data_dir.rglob("*") if p.is_file()] + [host.backup]
    assert not [p for p in files if secret in p.read_bytes()]
    # What the host can try: every string found in the data directory's small files as the key.
    candidates = {
        word
        for p in files
        if p.stat().st_size < 1_000_000
        for word in p.read_bytes().replace(b"=", b"\n").split()
        if len(word) >= 32
    }
    wave = truth["panel"]["wave"]
    keys = {r[0] for r in host.rows(f"SELECT panel_key FROM survey_response WHERE wave_id={wave}")}
    org = host.rows(f"SELECT org_id FROM orgs_wave WHERE id={wave}")[0][0]
    employees = [r[0] for r in host.rows(f"SELECT employee_id FROM orgs_employee WHERE org_id={org}")]
    found = {
        e
        for key in candidates
        for e in employees
        if hmac.new(key, f"{org}:{e}".encode(), hashlib.sha256).hexdigest() in keys
    }
    assert found == set()
    # and with the secret itself (held by the operator) the same computation names every one of them
    named = {
        e for e in employees if hmac.new(secret, f"{org}:{e}".encode(), hashlib.sha256).hexdigest() in keys
    }
    assert len(named) == RESPONSES


def test_no_file_table_or_backup_holds_a_drafts_answers(hosted):
    host, _ = hosted
    # the open wave's draft is still there; the closed wave's went when it closed
    assert host.rows("SELECT count(*) FROM survey_draft")[0][0] == 1
    sealed = [r[0] for r in host.rows("SELECT sealed FROM survey_draft")]
    assert all(sealed) and not any(DRAFT_TEXT in s for s in sealed)
    files = [p for p in host.site.data_dir.rglob("*") if p.is_file()] + [host.backup]
    assert not [p for p in files if DRAFT_TEXT.encode() in p.read_bytes()]
