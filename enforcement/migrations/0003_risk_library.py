# The standards library of typical risk points (风险点标准库), from enforcement/risk/library.json.
# Self-contained (a migration does not import the slice, whose code moves on); a later
# change to the file is loaded by `manage.py load_risk_library`.
import json
from pathlib import Path

from django.db import migrations

LIBRARY = Path(__file__).resolve().parents[1] / "risk" / "library.json"


def load(apps, schema_editor):
    model = apps.get_model("enforcement", "LibraryPoint")
    for row in json.loads(LIBRARY.read_text(encoding="utf-8"))["points"]:
        model.objects.update_or_create(
            industry=row["industry"], name=row["name"],
            defaults={"kind": row["kind"], "hazard_factors": row["hazard_factors"],
                      "accident_types": row["accident_types"], "measures": row["measures"]})


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0002_risk")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
