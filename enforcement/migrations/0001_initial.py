# The enforcement app's root: each slice's first migration depends on this one.
from django.db import migrations


class Migration(migrations.Migration):
    initial = True
    dependencies = [("geo", "0010_notices"), ("registry", "0014_basemap"),
                    ("monitoring", "0012_merge_reports_ingest_hot_updates")]
    operations: list = []
