"""Forget which invitations of waves closed by earlier versions were answered.

Versions before 38d1a69 marked a closed wave's answered invitations ``used``; since then a closed wave
keeps no trace of who answered (``Wave.close``). Their flags told whoever reads the database or a backup
who of a group's invitees answered, and a link of such a wave read "already used" where an unanswered
one read "closed". This clears them. On PostgreSQL an update writes each changed row's new version at
the end of the heap, so the formerly used invitations would sit together at its end, in their old
order: each affected wave's invitations are instead rewritten in random order, as at close
(``survey.storage``). On SQLite a row stays where it is (its rowid is its id) and the flag is
changed in place. Backups taken before this migration still hold the flags.
"""

from django.db import migrations, transaction

_SCRATCH = "allypath_forget_used"


def forget_used_flags(apps, schema_editor):
    Invitation = apps.get_model("orgs", "Invitation")
    connection = schema_editor.connection
    table = connection.ops.quote_name(Invitation._meta.db_table)
    # Closed waves only: an open wave's flag (from before claims) still refuses a second answer, and
    # is cleared when that wave closes.
    used = Invitation.objects.filter(used=True, wave__status="closed")
    waves = sorted(set(used.values_list("wave_id", flat=True)))
    # One transaction (a migration's own, or this one where migrations run outside one): the tokens'
    # foreign keys are checked at its commit (Django declares them deferrable), when the same ids are
    # back.
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for wave_id in waves:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TABLE IF EXISTS {_SCRATCH}")
                cursor.execute(
                    f"CREATE TEMP TABLE {_SCRATCH} AS SELECT * FROM {table} WHERE wave_id = %s",
                    [wave_id],
                )
                cursor.execute(f"UPDATE {_SCRATCH} SET used = false")
                cursor.execute(f"DELETE FROM {table} WHERE wave_id = %s", [wave_id])
                cursor.execute(f"INSERT INTO {table} SELECT * FROM {_SCRATCH} ORDER BY random()")
                cursor.execute(f"DROP TABLE {_SCRATCH}")
            else:
                cursor.execute(f"UPDATE {table} SET used = %s WHERE wave_id = %s AND used", [False, wave_id])


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0008_wave_form_duration_words"),
    ]

    operations = [
        migrations.RunPython(forget_used_flags, migrations.RunPython.noop, elidable=False),
    ]
