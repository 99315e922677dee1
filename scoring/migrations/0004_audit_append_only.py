from django.db import migrations

from scoring.db_triggers import refuse_changes


class Migration(migrations.Migration):
    dependencies = [("scoring", "0003_assessments_audit")]
    operations = [migrations.RunPython(*refuse_changes("scoring_auditentry", "is append-only"))]
