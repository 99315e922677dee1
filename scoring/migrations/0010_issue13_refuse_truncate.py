from django.db import migrations

from scoring.db_triggers import refuse_truncate


class Migration(migrations.Migration):
    dependencies = [("scoring", "0009_unit_successors")]

    operations = [
        migrations.RunPython(*refuse_truncate("scoring_auditentry", "is append-only")),
        migrations.RunPython(*refuse_truncate("scoring_publication", "is immutable (publish a correction)")),
    ]
