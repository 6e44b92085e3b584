"""The process a large organisation's page starts really solves and stores its release: a real site (its
own data folder and database, tests/security/live.py), a page's request in a process of its own, and
the ``prepare_releases`` process it starts, as under gunicorn."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from security.live import Site, fresh_database

pytestmark = [pytest.mark.db, pytest.mark.slow]

# What a page does first (org_release), in a process of its own, as a gunicorn worker would.
ASK = """
import django
django.setup()
from allypath.web.dashboard.deferred import ReleaseNotReady
from allypath.web.dashboard.release import org_release
from allypath.web.orgs.models import Organisation
try:
    org_release(Organisation.objects.get(slug="loadco"))
    print("ready")
except ReleaseNotReady as pending:
    print(pending.status, pending.code)
"""


def test_a_page_of_a_large_organisation_starts_a_process_that_stores_its_release(tmp_path: Path):
    with fresh_database("prep") as url:
        site = Site(
            tmp_path / "site",
            url,
            {"ALLYPATH_SOLVE_IN_REQUEST_ROWS": "0", "ALLYPATH_SOLVE_IN_REQUEST_SECONDS": "0"},
        )
        site.data_dir.mkdir()
        site.seed(people=40, responses=12)
        assert site.query("SELECT count(*) FROM dashboard_publishedrelease")[0][0] == 0

        assert site.python(ASK).split() == ["503", "release_being_prepared"]
        folder = site.data_dir / "preparing"
        assert len(list(folder.glob("*.started"))) == 1  # the claim of the process it started
        deadline = time.monotonic() + 120
        while list(folder.glob("*.started")) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not list(folder.glob("*.started")), "the preparing process did not finish in 2 minutes"

        (log_file,) = folder.glob("*.log")
        log = log_file.read_text()
        assert log == "", log  # --quiet: errors only, no line of counts per run (test_at_rest_host_files.py)
        # the release and the answers' releases are stored: the next request reads them
        assert site.query("SELECT count(*) FROM dashboard_publishedrelease")[0][0] >= 2
        assert site.python(ASK).split() == ["ready"]
