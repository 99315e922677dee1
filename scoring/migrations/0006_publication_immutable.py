from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION scoring_publication_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'scoring_publication is immutable: % refused (publish a correction instead)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER scoring_publication_immutable
    BEFORE UPDATE OR DELETE ON scoring_publication
    FOR EACH ROW EXECUTE FUNCTION scoring_publication_refuse_change();
"""
DROP = """
DROP TRIGGER IF EXISTS scoring_publication_immutable ON scoring_publication;
DROP FUNCTION IF EXISTS scoring_publication_refuse_change();
"""


# A published snapshot is what its SHA-256 was printed for: corrections are new versions, never edits. As with the
# audit log, TRUNCATE stays possible for an operator (and the test suite's flush).
def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("scoring", "0005_results")]
    operations = [migrations.RunPython(forwards, backwards)]
