"""Helpers for the browser tests (importable: pytest puts tests/ on the path for its packages)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

#: Debian's chromium (downloading Playwright's browsers fails here), headless, quiet.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def console_sign_in(page: Any, url: str, username: str, password: str) -> None:
    """Sign in to the console at ``url`` through its login form, waiting for the next page."""
    page.goto(f"{url}/console/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():  # wait for the page, not just the click (slow CI)
        page.get_by_role("button", name="Sign in").click()


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical accessibility violations on ``page`` (empty when it passes)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@contextmanager
def launched_chromium() -> Iterator[Any]:
    """Debian's chromium driven by Playwright's sync API, for one fixture's lifetime."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the test itself
    # are still synchronous, so Django's async-safety guard is lifted for these tests only.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            chromium = p.chromium.launch(
                executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            # ORM calls made while Playwright's loop runs get their own connection: close it, or the
            # test database (PostgreSQL) cannot be dropped at the end of the session.
            connections.close_all()
            chromium.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
