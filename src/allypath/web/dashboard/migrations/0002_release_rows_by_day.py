"""Stored releases keep the day they were made, not the time, and only the current state's rows.

Rows of earlier states are a cache that no one reads once a newer state is stored, and together a
history of when answers came (docs/privacy.md). Each organisation keeps its newest whole release,
carrying the slowest solve on record (a closing wave is prepared at once if it ever was slow); the
other rows are deleted and solved again when needed.
"""

import django.utils.timezone
from django.db import migrations, models
from django.db.models import Max

PARTS = ("answers-", "wave-")


def keep_the_newest(apps, schema_editor):  # type: ignore[no-untyped-def]
    PublishedRelease = apps.get_model("dashboard", "PublishedRelease")
    whole = PublishedRelease.objects.exclude(digest__startswith=PARTS[0]).exclude(digest__startswith=PARTS[1])
    for org_id in set(PublishedRelease.objects.values_list("org_id", flat=True)):
        mine = whole.filter(org_id=org_id)
        newest = mine.order_by("-pk").first()
        if newest is not None:
            newest.slowest_seconds = mine.aggregate(slowest=Max("solve_seconds"))["slowest"] or 0.0
            newest.save(update_fields=["slowest_seconds"])
        PublishedRelease.objects.filter(org_id=org_id).exclude(pk=getattr(newest, "pk", None)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0001_initial"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="publishedrelease",
            name="created_at",
        ),
        migrations.AddField(
            model_name="publishedrelease",
            name="created_on",
            field=models.DateField(default=django.utils.timezone.localdate),
        ),
        migrations.AddField(
            model_name="publishedrelease",
            name="slowest_seconds",
            field=models.FloatField(default=0.0),
        ),
        migrations.RunPython(keep_the_newest, migrations.RunPython.noop),
    ]
