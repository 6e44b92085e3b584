"""Seed a throw-away allypath site for the live tests (crash, load, backup), in its own process.

Run with the site's environment (ALLYPATH_DATA_DIR / DATABASE_URL and secrets set):

    python tests/security/site_seed.py --people 400 --out seed.json

Creates one organisation with ``--people`` employees in a few units, launches a short-form wave, issues
every personal link, and writes JSON: the tokens, a valid answer set, and the survey pages as form
fields (for the load scenario, which answers page by page like a person).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allypath.web.settings")

UNITS = ["Sales/EMEA", "Sales/APAC", "Engineering", "Engineering/Platform", "Operations"]


def answers_for(form: Any, rng: random.Random) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for item in form.items:
        if item.type == "likert":
            answers[item.id] = rng.randint(item.scale.min, item.scale.max) if item.scale else 3
        elif item.type == "single":
            answers[item.id] = next(o.value for o in item.options if o.value is not None)
        elif item.type == "checklist":
            answers[item.id] = [next(o.id for o in item.options if not o.exclusive)]
        else:
            answers[item.id] = "More listening, less talking."
    return answers


def page_fields(form: Any, answers: dict[str, Any]) -> list[list[list[str]]]:
    """Each page's form fields as [name, value] pairs (checklists repeat the name)."""
    from allypath.web.survey.pages import page_count, page_items

    pages = []
    for number in range(1, page_count(form) + 1):
        fields: list[list[str]] = []
        for item in page_items(form, number):
            value = answers[item.id]
            for one in value if isinstance(value, list) else [value]:
                fields.append([f"q_{item.id}", str(one)])
        pages.append(fields)
    return pages


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100)
    parser.add_argument("--slug", default="loadco")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--responses", type=int, default=0, help="submit this many responses")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    from allypath.instrument import load_instrument
    from allypath.web.orgs.seeding import launch_wave, organisation_with

    call_command("migrate", verbosity=0, interactive=False)
    instrument = load_instrument()
    people = [
        (f"P{i:05d}", UNITS[i % len(UNITS)], "Staff", "EMEA", f"p{i}@example.test", "en")
        for i in range(args.people)
    ]
    org = organisation_with(args.slug.title(), args.slug, people)
    wave, links = launch_wave(org, instrument, name="Load wave", languages=["en"])
    tokens = list(links.values())
    form = instrument.form("short")
    answers = answers_for(form, random.Random(7))
    if args.responses:
        import uuid

        from django.contrib.auth.models import User

        from allypath.web.audit import record_access
        from allypath.web.survey.submission import submit

        for token in tokens[: args.responses]:
            submit(token, uuid.uuid4(), answers, "en")
        alice = User.objects.create_user("alice", "alice@example.test", "correct horse battery staple")
        record_access(alice, org=org, wave=wave, group="all", view="seed")
        tokens = tokens[args.responses :]
    out = {
        "wave_id": wave.pk,
        "tokens": tokens,
        "answers": answers,
        "pages": page_fields(form, answers),
    }
    args.out.write_text(json.dumps(out), encoding="utf-8")
    print(f"seeded {len(tokens)} links", file=sys.stderr)


if __name__ == "__main__":
    main()
