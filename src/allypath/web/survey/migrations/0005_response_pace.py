"""A response keeps how fast its pages were answered as a coarse pace, never a time (issue 15, point 2).

``Response.pace`` is nullable without a default, so SQLite adds the column in place and the table stays
``WITHOUT ROWID`` (0003; tests/security/test_host_cannot_link.py checks it). ``Draft.active_seconds``
holds the running total of an unfinished survey and goes with the draft.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("survey", "0004_draft_answers_sealed"),
    ]

    operations = [
        migrations.AddField(
            model_name="draft",
            name="active_seconds",
            field=models.PositiveIntegerField(default=0, null=True),
        ),
        migrations.AddField(
            model_name="response",
            name="pace",
            field=models.CharField(blank=True, max_length=10, null=True),
        ),
    ]
