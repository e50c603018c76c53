"""PostgreSQL killed (-9) and restarted under load, on a cluster of the test's own (never
the suite's): the agent's journal and forwarder stream gas readings over a real broker to a
real `manage.py ingest` worker; mid-stream the postmaster is killed and started again. The
worker lives through it (reconnects, acknowledges nothing it did not commit), the agent
resends what the platform did not ack, and in the end every reading is stored exactly once,
counted once in the rollups, and the alarm rules saw each sample once and in order."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
import time

import psycopg
import pytest

from collectors.backoff import Backoff
from collectors.forwarder import Forwarder
from collectors.journal import Journal, Record
from collectors.uplink_mqtt import MqttTransport
from tests.collectors.conftest import ENV, ROOT, Proc, broker, procs, wait_until  # noqa: F401
from tests.monitoring.ingest.pgcluster import Cluster

GATEWAY, DB = "gw-pg", "safeatlas"
CYCLES, RUN = 40, 10  # each cycle: RUN readings at 10 %LEL, then RUN at 30 (H is 25)
N = CYCLES * 2 * RUN
STEP = 0.1  # s between samples (sample time; the stream itself runs as fast as it can)

# One process: the project's migrations, then an enterprise with a gateway and a gas
# detector (H 25, HH 50 %LEL); prints the gateway's key.
SETUP = f"GATEWAY = {GATEWAY!r}\n" + """
import django, json
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0, skip_checks=True)
from django.contrib.gis.geos import Point
from geo.credit_code import make_credit_code
from registry.enterprises.models import Enterprise
from monitoring.devices.services import gateway_create, sensor_create
ent = Enterprise.objects.create(name="测试化工99号有限公司",
    credit_code=make_credit_code("91320101000000099"), industry="C2614",
    division_code="320101001001", address="测试路99号", risk_level=2,
    has_major_hazard=False, geom=Point(118.1, 32.1, srid=4326))
gw = gateway_create(enterprise=ent, code=GATEWAY, name="网关", geom=ent.geom)
sensor_create(gateway=gw, point="GD-1.lel", name="可燃气体", indicator="combustible_gas",
    measure_unit="%LEL", range_low=0, range_high=100, threshold_h=25, threshold_hh=50,
    geom=ent.geom)
print(json.dumps({"key": gw.hmac_key}))
"""


@pytest.fixture
def cluster():
    pg = Cluster().init()
    # fsync off while the schema is made (tens of DDL commits), on for the stream
    with open(pg.data / "postgresql.conf", "a") as conf:
        conf.write("fsync = off\n")
    pg.start()
    yield pg
    pg.destroy()


def _setup(pg: Cluster) -> bytes:
    with psycopg.connect(pg.conninfo("postgres"), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {DB}")
    with psycopg.connect(pg.conninfo(DB), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis;"
                     " CREATE EXTENSION IF NOT EXISTS pg_trgm")
    done = subprocess.run([sys.executable, "-c", SETUP], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env=_env(pg), check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    with psycopg.connect(pg.conninfo(DB), autocommit=True) as conn:
        conn.execute("ALTER SYSTEM SET fsync = on")
        conn.execute("SELECT pg_reload_conf()")
        conn.execute("CHECKPOINT")
    return bytes.fromhex(json.loads(done.stdout.strip().splitlines()[-1])["key"])


def _env(pg: Cluster) -> dict:
    return {**ENV, "DATABASE_URL": pg.url(DB), "DJANGO_SETTINGS_MODULE": "geo.settings"}


def _values() -> list[float]:
    return [10.0 if i % (2 * RUN) < RUN else 30.0 for i in range(N)]


class Stream:
    """The agent's half in a thread: a producer journals the readings in ticks while the
    real forwarder and MQTT uplink deliver them, waiting for the platform's acks."""

    def __init__(self, journal: Journal, fwd: Forwarder, t0: float):
        self.journal, self.fwd, self.t0 = journal, fwd, t0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)

    async def _main(self) -> None:
        task = asyncio.create_task(self.fwd.run())
        values = _values()
        for first in range(0, N, 20):  # 20 samples per 50 ms tick, as a busy sampler
            self.journal.append([Record(self.t0 + i * STEP, "reading", "GD-1.lel",
                                        values[i], None, "good", None, "%LEL")
                                 for i in range(first, first + 20)])
            self.fwd.wake.set()
            await asyncio.sleep(0.05)
        while not self.stop.is_set():
            await asyncio.sleep(0.05)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


def test_postgres_killed_and_restarted_under_load_loses_and_repeats_nothing(
        cluster, broker, procs, tmp_path):  # noqa: F811
    mqtt = broker()
    worker = Proc([sys.executable, "manage.py", "ingest", "--mqtt-url",
                   f"mqtt://127.0.0.1:{mqtt.port}", "--client-id", "ingest-pg"], ROOT,
                  tmp_path / "worker.log", env=_env(cluster)).start()
    procs.append(worker)  # starts (and subscribes) while the schema is migrated
    key = _setup(cluster)
    wait_until(lambda: "subscribed as ingest-pg" in worker.text(), 90, what="worker")
    journal = Journal(tmp_path / "journal.db", 100_000, ["mqtt"])
    fwd = Forwarder("mqtt", MqttTransport(f"mqtt://127.0.0.1:{mqtt.port}", GATEWAY,
                                          "safeatlas", "agent-pg", key, timeout=5,
                                          ack_timeout=3.0),
                    journal, GATEWAY, batch_max=100, heartbeat_interval=3600,
                    beat=lambda name: None, backoff=Backoff(0.1, 1.0))
    t0 = time.time() - N * STEP - 60  # the samples end a minute ago
    stream = Stream(journal, fwd, t0)
    stream.thread.start()
    try:
        wait_until(lambda: journal.cursor("mqtt") >= 200, 30, what="first acks")
        cluster.kill9()
        at_kill = journal.cursor("mqtt")
        time.sleep(2.0)  # the stream goes on; nothing can be committed, nothing acked
        during = journal.cursor("mqtt")
        cluster.start()
        wait_until(lambda: journal.cursor("mqtt") == N, 45, what="every reading acked")
    finally:
        stream.stop.set()
        stream.thread.join(10)
        fwd.close()
    assert at_kill < N and during <= at_kill + 100  # at most the batch being committed
    assert worker.p.poll() is None, worker.text()[-2000:]  # the same worker throughout
    assert "database:" in worker.text()  # it did see the database go away
    journal.close()
    _assert_stored_once(cluster, t0)


def _assert_stored_once(pg: Cluster, t0: float) -> None:
    with psycopg.connect(pg.conninfo(DB)) as conn:
        q = lambda sql: conn.execute(sql, {"gw": GATEWAY}).fetchall()  # noqa: E731
        assert q("SELECT count(*), count(DISTINCT seq), min(seq), max(seq)"
                 " FROM monitoring_reading WHERE gateway = %(gw)s") == [(N, N, 1, N)]
        # the rollups count each reading once: a second insert would have added to them
        assert q("SELECT step, sum(count)::int FROM monitoring_readingrollup"
                 " GROUP BY step ORDER BY step") == [("hour", N), ("minute", N)]
        # one alarm: raised at the first 30, cleared and reopened at every cycle after
        # (within the 600 s flap window); evaluated twice or out of order, the flaps
        # and the timeline would say so
        alarms = q("SELECT kind, level, flaps, extract(epoch FROM raised_at)::float8,"
                   " cleared_at IS NULL FROM monitoring_alarm WHERE gateway = %(gw)s")
        assert len(alarms) == 1, alarms
        kind, level, flaps, raised, still_open = alarms[0]
        assert (kind, level, flaps, still_open) == ("threshold", 2, CYCLES - 1, True)
        assert raised == pytest.approx(t0 + RUN * STEP, abs=0.002)
        steps = q("SELECT step, count(*)::int FROM monitoring_alarmstep GROUP BY step"
                  " ORDER BY step")
        assert dict(steps)["cleared"] == dict(steps)["reopened"] == CYCLES - 1, steps
        state = q("SELECT prev_t, prev_v FROM monitoring_sensorrulestate")
        assert len(state) == 1
        assert state[0][0] == pytest.approx(t0 + (N - 1) * STEP, abs=0.002)
        assert state[0][1] == 30.0
