"""Seeds the three indices the province evaluates and makes every existing framework a PAR framework."""
from django.db import migrations

INDICES = [
    ("PAR", "Chỉ số cải cách hành chính (PAR INDEX)", "percent", 1),
    ("DTI", "Chỉ số chuyển đổi số (DTI)", "ratio", 2),
    ("DDCI", "Chỉ số năng lực cạnh tranh cấp sở, ngành và địa phương (DDCI)", "points", 3),
]


def seed(apps, schema_editor):
    Index = apps.get_model("scoring", "Index")
    for code, name, scale, position in INDICES:
        Index.objects.get_or_create(code=code, defaults={"name": name, "scale": scale, "position": position})
    par = Index.objects.get(code="PAR")
    apps.get_model("scoring", "Framework").objects.filter(index__isnull=True).update(index=par)


class Migration(migrations.Migration):
    dependencies = [("scoring", "0010_i14_indices")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
