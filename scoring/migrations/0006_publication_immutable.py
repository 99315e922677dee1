from django.db import migrations

from scoring.db_triggers import refuse_changes

# A published snapshot is what its SHA-256 was printed for: corrections are new versions, never edits.


class Migration(migrations.Migration):
    dependencies = [("scoring", "0005_results")]
    operations = [migrations.RunPython(*refuse_changes("scoring_publication", "is immutable (publish a correction)"))]
