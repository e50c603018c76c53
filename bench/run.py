"""`make bench`: build the province-scale data set in its own database (once), then run
the tile, OGC API, layer-import, nearest-resource, event-stream, one-map, large-screen and
portal benchmarks against it. Prints each benchmark's table."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.parse

from bench import common

BENCH_DB = "safeatlas_bench"
SCALE = 1_000_000


def bench_database_url() -> str:
    parts = urllib.parse.urlparse(common.database_url())
    return urllib.parse.urlunparse(parts._replace(path=f"/{BENCH_DB}"))


def _run(argv: list[str], env: dict[str, str]) -> None:
    print("$", " ".join(argv), flush=True)
    subprocess.run(argv, check=True, env=env, cwd=common.ROOT)


def ensure_database(env: dict[str, str]) -> None:
    """Create, migrate and fill the bench database unless it already holds the data."""
    import psycopg

    admin = common.psycopg_conninfo().replace(f"dbname={_dbname()}", "dbname=postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                              [BENCH_DB]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    py = str(common.VENV_BIN / "python")
    _run([py, "manage.py", "migrate", "--noinput", "-v0"], env)
    with psycopg.connect(common.psycopg_conninfo(env["DATABASE_URL"])) as conn:
        count = conn.execute("SELECT count(*) FROM registry_enterprise").fetchone()[0]
    if count < SCALE:
        _run([py, "manage.py", "load_demo", "--scale", str(SCALE), "--replace"], env)


def _dbname() -> str:
    return urllib.parse.urlparse(common.database_url()).path.lstrip("/")


def main() -> None:
    missing = common.tools_missing()
    if missing:
        sys.exit(f"not installed: {', '.join(missing)}; `make bench` installs them"
                 " (scripts/install-system.sh bench)")
    env = {**os.environ, "DATABASE_URL": bench_database_url()}
    ensure_database(env)
    py = str(common.VENV_BIN / "python")
    for script in ("bench.tiles", "bench.ogc"):
        _run([py, "-m", script, *sys.argv[1:]], env)
    for script in ("bench.registry", "bench.nearest", "bench.ingest", "bench.alarm_noise",
                   "bench.alarm_grading", "bench.events", "bench.onemap", "bench.screen",
                   "bench.portal"):
        _run([py, "-m", script], env)


if __name__ == "__main__":
    main()
