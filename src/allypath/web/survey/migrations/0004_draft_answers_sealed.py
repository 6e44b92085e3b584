"""Draft answers are sealed with a key only the respondent's browser can rebuild (issue 14).

Drafts saved in clear cannot be sealed here (the server never holds the browser secret), and must not
stay readable beside the database: they are removed, and their respondents start again.
"""

from typing import Any

from django.db import migrations, models


def _remove_clear_drafts(apps: Any, schema_editor: Any) -> None:
    apps.get_model("survey", "Draft").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("survey", "0003_response_without_rowid"),
    ]

    operations = [
        migrations.RunPython(_remove_clear_drafts, migrations.RunPython.noop),
        migrations.RemoveField(model_name="draft", name="answers"),
        migrations.AddField(model_name="draft", name="sealed", field=models.TextField(blank=True, default="")),
    ]
