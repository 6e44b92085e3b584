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


#: The roles a person fills in or presses: each needs a name a screen reader can say.
CONTROL_ROLES = {
    "textbox",
    "searchbox",
    "radio",
    "checkbox",
    "combobox",
    "listbox",
    "spinbutton",
    "button",
    "slider",
}

#: What a page says about itself to a screen reader, read in the page (see ``page_facts``).
_FACTS = r"""() => {
  const refs = [];
  for (const el of document.querySelectorAll('[aria-describedby], [aria-labelledby]')) {
    for (const attr of ['aria-describedby', 'aria-labelledby']) {
      for (const id of (el.getAttribute(attr) || '').split(/\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) refs.push(`${attr}="${id}" on ${el.tagName.toLowerCase()}#${el.id}`);
      }
    }
  }
  const loose = [];
  for (const box of document.querySelectorAll('input[type=radio], input[type=checkbox]')) {
    if (box.closest('details:not([open])')) continue;
    const group = box.closest('fieldset');
    const legend = group && group.querySelector(':scope > legend');
    const single = box.type === 'checkbox' && (box.form || document).querySelectorAll(`[name="${box.name}"]`).length === 1;
    if (!single && !(legend && legend.textContent.trim())) loose.push(box.name);
  }
  const empty = [...document.querySelectorAll(
    'header, footer, nav, main, aside, [role=region], section[aria-label], section[aria-labelledby]',
  )].filter(el => !el.textContent.trim()).map(el => el.tagName.toLowerCase());
  const html = document.documentElement;
  return {
    lang: html.getAttribute('lang'), dir: html.getAttribute('dir'), title: document.title,
    h1: document.querySelectorAll('h1').length,
    broken_refs: refs, boxes_outside_a_legend: [...new Set(loose)], empty_landmarks: empty,
    focused: document.activeElement ? document.activeElement.id : null,
    too_wide: html.scrollWidth > html.clientWidth,
  };
}"""


def unnamed_controls(page: Any) -> list[str]:
    """The form controls and buttons Chromium's accessibility tree gives no name (empty when all are
    named): the name a screen reader says, as Chromium computes it from labels, legends and ARIA."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    out = []
    for node in nodes:
        role = node.get("role", {}).get("value")
        if node.get("ignored") or role not in CONTROL_ROLES:
            continue
        if not str(node.get("name", {}).get("value", "")).strip():
            out.append(f"{role} (backend node {node.get('backendDOMNodeId')})")
    return out


def control_names(page: Any) -> list[tuple[str, str]]:
    """(role, name) of each form control and button Chromium's accessibility tree shows, in page order:
    the name a screen reader says for it. Date fields count (role "Date"), not their own parts (day,
    month, year, the picker's button); controls in a closed disclosure are not in the tree."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    by_id = {node["nodeId"]: node for node in nodes}

    def in_a_date_field(node: dict[str, Any]) -> bool:
        parent = by_id.get(node.get("parentId", ""))
        while parent is not None:
            if parent.get("role", {}).get("value") == "Date":
                return True
            parent = by_id.get(parent.get("parentId", ""))
        return False

    return [
        (node["role"]["value"], str(node.get("name", {}).get("value", "")).strip())
        for node in nodes
        if not node.get("ignored")
        and node.get("role", {}).get("value") in CONTROL_ROLES | {"Date"}
        and not in_a_date_field(node)
    ]


def wait_for_autofocus(page: Any) -> None:
    """On a page with an ``autofocus`` element, wait (2 s at most) for the browser to move the focus
    there: it runs autofocus when it next draws the page, which can come a moment after the page has
    loaded (a check made at once failed about one run in six). Polled from here: the site's
    Content-Security-Policy refuses the eval Playwright's ``wait_for_function`` uses."""
    if not page.evaluate("document.querySelector('[autofocus]') !== null"):
        return
    for _ in range(20):
        if page.evaluate("document.activeElement !== document.body"):
            return
        page.wait_for_timeout(100)


def page_facts(page: Any) -> dict[str, Any]:
    """lang, dir, title, the number of h1, aria references to ids that do not exist, radios and boxes
    outside a fieldset with a legend, landmarks with nothing in them, the focused element's id (once
    an ``autofocus`` has been applied), whether the page scrolls sideways."""
    wait_for_autofocus(page)
    return dict(page.evaluate(_FACTS))


def clean_page(page: Any, lang: str = "en", where: str = "") -> dict[str, Any]:
    """``page_facts`` of a page that passes the checks every page walked in the browser tests must:
    every control named, one h1, the language and direction ``lang`` asks, no aria reference to
    nothing, no empty landmark, every radio and box in a group with a legend, a title naming the page,
    nothing wider than the screen (``where`` says which page failed)."""
    facts = page_facts(page)
    where = where or page.url
    assert unnamed_controls(page) == [], where
    assert facts["h1"] == 1, where
    assert (facts["lang"], facts["dir"]) == (lang, "rtl" if lang == "ar" else "ltr"), where
    assert facts["broken_refs"] == [], where
    assert facts["empty_landmarks"] == [], where
    assert facts["boxes_outside_a_legend"] == [], where
    assert not facts["title"].startswith("·"), where  # a title names the page
    assert not facts["too_wide"], where
    return facts
