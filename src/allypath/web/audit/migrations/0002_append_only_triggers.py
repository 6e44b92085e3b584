"""Database triggers behind the model layer's append-only rule for the audit log.

PostgreSQL refuses UPDATE and DELETE of audit rows; SQLite refuses UPDATE (Django's test flush deletes
rows on SQLite, and the model layer already refuses deletes). TRUNCATE stays possible for the
database owner (retention, test flushes): the owner could drop the trigger anyway.
"""

from django.db import migrations

PG_FORWARD = [
    """
CREATE OR REPLACE FUNCTION audit_accessevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
""",
    """
CREATE TRIGGER audit_accessevent_append_only
    BEFORE UPDATE OR DELETE ON audit_accessevent
    FOR EACH ROW EXECUTE FUNCTION audit_accessevent_append_only()
""",
]
PG_BACKWARD = [
    "DROP TRIGGER IF EXISTS audit_accessevent_append_only ON audit_accessevent",
    "DROP FUNCTION IF EXISTS audit_accessevent_append_only()",
]
SQLITE_FORWARD = [
    "CREATE TRIGGER audit_accessevent_no_update BEFORE UPDATE ON audit_accessevent "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: UPDATE refused'); END",
]
SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS audit_accessevent_no_update"]
STATEMENTS = {
    "postgresql": (PG_FORWARD, PG_BACKWARD),
    "sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD),
}


def forward(apps, schema_editor):
    for statement in STATEMENTS.get(schema_editor.connection.vendor, ([], []))[0]:
        schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    for statement in STATEMENTS.get(schema_editor.connection.vendor, ([], []))[1]:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
