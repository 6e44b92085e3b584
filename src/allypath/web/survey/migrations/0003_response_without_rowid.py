"""Responses keep no storage order on SQLite (issue 14, point 4).

An ordinary SQLite table numbers its rows (the hidden ``rowid``) in insertion order, so the order of
responses -- next to which invitations are marked used -- could be read back from the file. A
``WITHOUT ROWID`` table is stored in the order of its primary key, a random UUID. PostgreSQL has no
such number for a UUID key (no sequence); its heap order is scrambled at close
(:func:`allypath.web.survey.storage.scramble_order`).

Django rebuilds a SQLite table for some later schema changes and would drop ``WITHOUT ROWID``: the
host test (tests/security/test_host_cannot_link.py) fails if that happens.
"""

from typing import Any

from django.db import migrations

TABLE = "survey_response"


def _without_rowid(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    cursor = schema_editor.connection.cursor()
    (create,) = cursor.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [TABLE]
    ).fetchone()
    if "WITHOUT ROWID" in create.upper():
        return
    indexes = [
        row[0]
        for row in cursor.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL", [TABLE]
        ).fetchall()
    ]
    staging = f"{TABLE}__without_rowid"
    cursor.execute(create.replace(f'"{TABLE}"', f'"{staging}"', 1) + " WITHOUT ROWID")
    # ORDER BY the key: rows are copied in random-id order, not the old rowid order
    cursor.execute(f'INSERT INTO "{staging}" SELECT * FROM "{TABLE}" ORDER BY id')
    cursor.execute(f'DROP TABLE "{TABLE}"')
    cursor.execute(f'ALTER TABLE "{staging}" RENAME TO "{TABLE}"')
    for index in indexes:
        cursor.execute(index)


class Migration(migrations.Migration):
    dependencies = [
        ("survey", "0002_draft_bound_to_browser"),
    ]

    operations = [migrations.RunPython(_without_rowid, migrations.RunPython.noop)]
