"""Drafts are keyed by the link together with the respondent's browser secret (issue 14).

Drafts saved before were keyed by the link alone: whoever held the link could open them. They cannot
be re-keyed (no browser secret exists for them) and must not stay reachable, so they are removed; their
respondents start again from the same link.
"""

from typing import Any

from django.db import migrations


def _remove_link_keyed_drafts(apps: Any, schema_editor: Any) -> None:
    apps.get_model("survey", "Draft").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("survey", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(_remove_link_keyed_drafts, migrations.RunPython.noop),
        migrations.RemoveField(model_name="draft", name="submission_id"),
    ]
