from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION scoring_auditentry_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'scoring_auditentry is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER scoring_auditentry_append_only
    BEFORE UPDATE OR DELETE ON scoring_auditentry
    FOR EACH ROW EXECUTE FUNCTION scoring_auditentry_refuse_change();
"""
DROP = """
DROP TRIGGER IF EXISTS scoring_auditentry_append_only ON scoring_auditentry;
DROP FUNCTION IF EXISTS scoring_auditentry_refuse_change();
"""


# TRUNCATE stays possible for an operator's maintenance (and the test suite's flush); the application never
# issues it, and UPDATE/DELETE, which an application bug or a stolen session could issue, are refused.
def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("scoring", "0003_assessments_audit")]
    operations = [migrations.RunPython(forwards, backwards)]
