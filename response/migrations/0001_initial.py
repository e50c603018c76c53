# The response app's root: each slice's first migration depends on this one.
from django.db import migrations


class Migration(migrations.Migration):
    initial = True
    dependencies = [("geo", "0011_offline_receipts"), ("registry", "0014_basemap"),
                    ("monitoring", "0012_merge_reports_ingest_hot_updates")]
    operations: list = []
