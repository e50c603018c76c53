"""Free room in the pages of the rows every batch updates (ADR 0024).

The ingest rewrites each sensor's live state, its rule state, its minute and hour
rollups and its gateway's last-seen time with every batch. With full pages
(fillfactor 100) most of those updates could not be HOT (heap-only: the new version on
the same page, no new index entries), so every batch added an entry to each of the
sensors' eleven indexes and the lookups walked ever longer chains of dead entries until
vacuum. Half-empty pages keep the small per-sensor tables' updates on their page; the
rollups, which also grow by a row per sensor and minute, keep 30 %. Only new pages follow
the setting: `VACUUM FULL` (or time) rewrites the old ones.
"""

from django.db import migrations

FILLFACTOR = {
    "monitoring_sensor": 50,
    "monitoring_gateway": 50,
    "monitoring_sensorrulestate": 50,
    "monitoring_readingrollup": 70,
}


class Migration(migrations.Migration):

    dependencies = [
        ('monitoring', '0010_merge_operation'),
    ]

    operations = [
        migrations.RunSQL(
            [f"ALTER TABLE {table} SET (fillfactor = {percent})"
             for table, percent in FILLFACTOR.items()],
            [f"ALTER TABLE {table} RESET (fillfactor)" for table in FILLFACTOR],
        ),
    ]
