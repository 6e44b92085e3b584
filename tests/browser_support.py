"""Helpers for the browser tests (importable: pytest puts tests/ on the path for its packages)."""

from __future__ import annotations

from typing import Any

#: Debian's chromium (downloading Playwright's browsers fails here), headless, quiet.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical accessibility violations on ``page`` (empty when it passes)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
