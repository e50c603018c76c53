from django.db import migrations, models

# Versions come from a sequence, not a per-row counter, so they only ever grow even when
# the version table is truncated (tests, restores): a cache key is never reused.
BUMP_FUNCTION = """
CREATE SEQUENCE IF NOT EXISTS tiles_layerversion_seq;
CREATE OR REPLACE FUNCTION tiles_bump_layer_version() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v bigint;
BEGIN
    INSERT INTO tiles_layerversion (layer_table, version)
    VALUES (TG_TABLE_NAME, nextval('tiles_layerversion_seq'))
    ON CONFLICT (layer_table) DO UPDATE SET version = nextval('tiles_layerversion_seq')
    RETURNING version INTO v;
    PERFORM pg_notify('layer_version', TG_TABLE_NAME || ':' || v);
    RETURN NULL;
END
$$;
"""

DROP_FUNCTION = """
DROP FUNCTION IF EXISTS tiles_bump_layer_version() CASCADE;
DROP SEQUENCE IF EXISTS tiles_layerversion_seq;
"""


class Migration(migrations.Migration):
    initial = True
    dependencies: list = []

    operations = [
        migrations.CreateModel(
            name="LayerVersion",
            fields=[
                ("layer_table", models.CharField(max_length=63, primary_key=True,
                                                 serialize=False, verbose_name="数据表")),
                ("version", models.BigIntegerField(verbose_name="版本")),
            ],
            options={"verbose_name": "图层数据版本", "verbose_name_plural": "图层数据版本"},
        ),
        migrations.RunSQL(BUMP_FUNCTION, DROP_FUNCTION),
    ]
