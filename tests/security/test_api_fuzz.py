"""schemathesis against /api/v1/openapi.json with every check (status codes, schemas, content types,
negative data rejected, positive data accepted, auth enforced, stateful links), against gunicorn on
127.0.0.1 with a seeded organisation and a signed-in org admin. 0 failures allowed.

Config: tests/security/schemathesis.toml (why 422 is a correct answer to a schema-valid submission).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .live import REPO, Server, Site, Zygote, fresh_database

pytestmark = [pytest.mark.db, pytest.mark.slow]

EXAMPLES = os.environ.get("ALLYPATH_FUZZ_EXAMPLES", "25")
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
SESSION = """
import django; django.setup()
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from allypath.web.orgs.models import Membership, Organisation
user = User.objects.get(username="alice")
Membership.objects.create(user=user, org=Organisation.objects.get(), role="org_admin")
session = SessionStore()
session.update({"_auth_user_id": str(user.pk), "_auth_user_hash": user.get_session_auth_hash(),
                "_auth_user_backend": "django.contrib.auth.backends.ModelBackend"})
session.create()
print(session.session_key)
"""


def test_the_api_passes_every_schemathesis_check(tmp_path: Path):
    limits = {
        "ALLYPATH_SUBMIT_LIMIT_PER_IP": "0",
        "ALLYPATH_SUBMIT_LIMIT_PER_TOKEN": "0",
        "ALLYPATH_TEST_LIMIT_REQUEST_LINE": "0",
    }
    with fresh_database("fuzz") as database_url:
        site = Site(tmp_path, database_url, limits)
        site.seed(people=20, responses=6)
        session = site.python(SESSION).strip().splitlines()[-1]
        zygote = Zygote(site)
        server = Server(site, workers=2, threads=4, zygote=zygote)
        server.start()
        try:
            run = subprocess.run(
                [
                    str(SCHEMATHESIS),
                    "--config-file",
                    str(Path(__file__).with_name("schemathesis.toml")),
                    "run",
                    f"{server.url}/api/v1/openapi.json",
                    "--checks",
                    "all",
                    "--max-examples",
                    EXAMPLES,
                    "--seed",
                    "20250101",
                    "--request-timeout",
                    "30",
                    "--no-color",
                ],
                env={**os.environ, "ALLYPATH_ST_SESSION": session},
                capture_output=True,
                text=True,
                timeout=600,
                cwd=REPO,
                check=False,
            )
        finally:
            server.stop()
            zygote.close()
    summary = run.stdout[-1500:]
    counts = re.search(r"(\d+) generated, (\d+) passed", run.stdout)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert counts is not None, summary
    assert int(counts[1]) >= 200 and counts[1] == counts[2], summary
    print(f"\nschemathesis: {counts[1]} cases generated, {counts[2]} passed, every check, 0 failures")
