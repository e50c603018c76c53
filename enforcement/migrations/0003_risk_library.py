# The standards library of typical risk points (风险点标准库), from enforcement/risk/library.json.
from django.db import migrations


def load(apps, schema_editor):
    from enforcement.risk.library import library_load

    library_load(apps.get_model("enforcement", "LibraryPoint"))


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0002_risk")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
