"""Versions per (layer table, z10 cell), bumped by statement-level triggers over
transition tables (ADR 0019). The layer-wide version of 0001 stays for TRUNCATE and for
rows too wide to list their cells."""

from django.db import migrations, models

# Must match tiles.cells.CELL_ZOOM and WIDE_CELLS (a change of either is a new migration).
CELL_ZOOM = 10
WIDE_CELLS = 256

# Web Mercator tile column / row of a lon / lat at CELL_ZOOM, clamped to the grid; the
# same formula as tiles.cells (and as ST_TileEnvelope's grid), so a tile's key and the
# trigger agree on which cell holds a point.
CELL_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION tiles_cell_x(lon float8) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT least({2**CELL_ZOOM - 1}, greatest(0, floor((lon + 180.0) / 360.0 * {2**CELL_ZOOM})))::int
$$;
CREATE OR REPLACE FUNCTION tiles_cell_y(lat float8) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT least({2**CELL_ZOOM - 1}, greatest(0, floor(
        (1.0 - asinh(tan(radians(least(85.0511287798066, greatest(-85.0511287798066, lat)))))
         / pi()) / 2.0 * {2**CELL_ZOOM})))::int
$$;
"""

# One call per statement, whatever the number of rows: the rows' bounding boxes (old and
# new for an UPDATE) give the cells, all upserted with one new version in one statement
# (sorted, so concurrent writers lock cells in the same order), then announced in
# notifications of at most 400 cells (a payload holds 8000 bytes). A row whose box spans
# more than WIDE_CELLS cells (a province polygon) bumps the layer-wide version instead.
BUMP_CELLS = f"""
CREATE OR REPLACE FUNCTION tiles_bump_cell_versions() RETURNS trigger
LANGUAGE plpgsql AS $fn$
DECLARE
    g text := quote_ident(TG_ARGV[0]);
    src text;
    boxes text;
    wide boolean;
    v bigint;
    payload text;
BEGIN
    src := CASE TG_OP
        WHEN 'INSERT' THEN format('SELECT %1$s AS g FROM tiles_new', g)
        WHEN 'DELETE' THEN format('SELECT %1$s AS g FROM tiles_old', g)
        ELSE format('SELECT %1$s AS g FROM tiles_old UNION ALL SELECT %1$s FROM tiles_new', g)
    END;
    boxes := 'SELECT tiles_cell_x(ST_XMin(g)) AS x0, tiles_cell_x(ST_XMax(g)) AS x1, '
             'tiles_cell_y(ST_YMax(g)) AS y0, tiles_cell_y(ST_YMin(g)) AS y1 '
             'FROM (' || src || ') r WHERE g IS NOT NULL AND NOT ST_IsEmpty(g)';
    EXECUTE 'SELECT bool_or((x1 - x0 + 1)::bigint * (y1 - y0 + 1) > {WIDE_CELLS}) FROM ('
            || boxes || ') b' INTO wide;
    IF wide IS NULL THEN
        RETURN NULL;  -- no row with a (non-empty) geometry: no tile changed
    END IF;
    v := nextval('tiles_layerversion_seq');
    IF wide THEN
        INSERT INTO tiles_layerversion (layer_table, version) VALUES (TG_TABLE_NAME, v)
        ON CONFLICT (layer_table) DO UPDATE SET version = excluded.version;
        PERFORM pg_notify('layer_version', TG_TABLE_NAME || ':' || v);
        RETURN NULL;
    END IF;
    FOR payload IN EXECUTE
        'WITH cells AS (SELECT DISTINCT x, y FROM (' || boxes || ') b, '
        '    generate_series(b.x0, b.x1) x, generate_series(b.y0, b.y1) y ORDER BY x, y), '
        'bumped AS (INSERT INTO tiles_cellversion AS c (layer_table, x, y, version) '
        '    SELECT $1, x, y, $2 FROM cells ORDER BY x, y '
        '    ON CONFLICT (layer_table, x, y) DO UPDATE SET version = excluded.version '
        '    RETURNING c.x, c.y) '
        'SELECT string_agg(x || ''.'' || y, '','') FROM '
        '    (SELECT x, y, (row_number() OVER () - 1) / 400 AS chunk FROM bumped) n '
        'GROUP BY chunk'
        USING TG_TABLE_NAME, v
    LOOP
        PERFORM pg_notify('layer_version', TG_TABLE_NAME || ':' || v || ':' || payload);
    END LOOP;
    RETURN NULL;
END
$fn$;
"""

DROP = """
DROP FUNCTION IF EXISTS tiles_bump_cell_versions() CASCADE;
DROP FUNCTION IF EXISTS tiles_cell_x(float8);
DROP FUNCTION IF EXISTS tiles_cell_y(float8);
"""


class Migration(migrations.Migration):
    dependencies = [("tiles", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="CellVersion",
            fields=[
                ("pk", models.CompositePrimaryKey("layer_table", "x", "y", blank=True,
                                                  editable=False, primary_key=True,
                                                  serialize=False)),
                ("layer_table", models.CharField(max_length=63, verbose_name="数据表")),
                ("x", models.IntegerField(verbose_name="列号")),
                ("y", models.IntegerField(verbose_name="行号")),
                ("version", models.BigIntegerField(verbose_name="版本")),
            ],
            options={"verbose_name": "瓦片格网数据版本",
                     "verbose_name_plural": "瓦片格网数据版本"},
        ),
        migrations.RunSQL(CELL_FUNCTIONS + BUMP_CELLS, DROP),
    ]
