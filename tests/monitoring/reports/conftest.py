"""Report tests: the shared world (counties A and B) with one local day of monitoring,
2026-12-02 (Asia/Shanghai), written as the slices leave it: gateways heard through the
ingest, alarms and warnings with their handling, commitment cards, an outage of gw-1, and
the dynamic risk run of that day and the day before.

County A: E1 (gw-1, sensors S1 S2) and E2 (gw-2, S3); county B: E11 (gw-11, S4).
Alarms of the day: E1 a level-1 threshold alarm handled in 10 min and released at 30
(red warning, closed at 45 min), a level-2 one left open (orange warning, open), a level-4
no-data alarm, a suppressed one (not counted); E2 a level-3 rate alarm handled at 300 min
(late: level 3 is due in 240) and released at 320 (yellow warning closed at 320 min);
E11 a level-1 alarm released at 20 min (red warning closed at 20). Cards: E1 on time,
E2 late, E11 none (missing). gw-1 offline 10:00–13:00 local."""

from __future__ import annotations

import datetime
import subprocess
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from monitoring.alarms.models import Alarm, AlarmStatus, EarlyWarning
from monitoring.commitments.models import Commitment
from monitoring.devices.services import gateway_create, sensor_create
from monitoring.ingest.services import message_store
from monitoring.operation.models import Outage
from monitoring.risk.services import risk_compute
from registry.enterprises.models import Enterprise

LOCAL = ZoneInfo("Asia/Shanghai")
DAY = datetime.date(2026, 12, 2)
MIN = datetime.timedelta(minutes=1)
# The daily run after DAY: 01:00 local on 2026-12-03.
NOW = datetime.datetime(2026, 12, 3, 1, 0, tzinfo=LOCAL)
CARD = {"units_total": 3, "units_running": 2, "units_stopped": 0, "units_overhaul": 1,
        "hot_work_special": 0, "hot_work_first": 1, "hot_work_second": 2, "confined_space": 1,
        "trial_production": False, "start_stop": False, "hazards_safe": True}


def at(hour: int, minute: int = 0, day: datetime.date = DAY) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LOCAL)


def _alarm(ent, sensor, level: int, raised, *, kind: str = "threshold", handled=None,
           released=None, status: str = AlarmStatus.PUSHED) -> Alarm:
    return Alarm.objects.create(
        enterprise=ent, division_code=ent.division_code, organisation_id=ent.organisation_id,
        key=f"{kind}:{sensor.pk}:{raised.isoformat()}", kind=kind, level=level, sensor=sensor,
        title="测试报警", rules_version="default", raised_at=raised, received_at=raised,
        status=status, geom=ent.geom, pushed_at=raised,
        handled_at=None if handled is None else raised + handled * MIN,
        released_at=None if released is None else raised + released * MIN)


def _warning(alarm: Alarm, level: int, closed: int | None) -> EarlyWarning:
    return EarlyWarning.objects.create(
        alarm=alarm, enterprise=alarm.enterprise, division_code=alarm.division_code,
        organisation_id=alarm.organisation_id, level=level, title="预警", reason="测试",
        rules_version="default", raised_at=alarm.raised_at, geom=alarm.geom,
        closed_at=None if closed is None else alarm.raised_at + closed * MIN)


def _sensors(ent, code: str, *points: str) -> list:
    gw = gateway_create(enterprise=ent, code=code, name=f"网关{code}", geom=ent.geom)
    message_store({"v": 1, "kind": "heartbeat", "gateway": code}, uuid.uuid4().hex,
                  now=at(23, 0, DAY - datetime.timedelta(days=1)))
    return [sensor_create(gateway=gw, point=p, name=f"液位{p}", indicator="level",
                          range_low=0, range_high=20, geom=ent.geom) for p in points]


def _card(ent, filed) -> Commitment:
    return Commitment.objects.create(enterprise=ent, division_code=ent.division_code,
                                     organisation_id=ent.organisation_id, day=DAY,
                                     principal="王主任", filed_at=filed, **CARD)


@pytest.fixture
def monitored(world, settings, tmp_path):
    settings.TIME_ZONE = "Asia/Shanghai"
    settings.MEDIA_ROOT = tmp_path / "media"
    e1, e2, e11 = world.enterprises_a[0], world.enterprises_a[1], world.enterprises_b[0]
    Enterprise.objects.filter(pk__in=[e1.pk, e2.pk, e11.pk]).update(
        categories=["hazardous_chemicals"])
    s1, s2 = _sensors(e1, "gw-1", "S1", "S2")
    (s3,) = _sensors(e2, "gw-2", "S3")
    (s4,) = _sensors(e11, "gw-11", "S4")
    released = AlarmStatus.RELEASED
    red = _alarm(e1, s1, 1, at(9), handled=10, released=30, status=released)
    orange = _alarm(e1, s2, 2, at(14))
    _alarm(e1, s2, 4, at(16), kind="no_data")
    _alarm(e1, s1, 1, at(17), status=AlarmStatus.SUPPRESSED)
    rate = _alarm(e2, s3, 3, at(8), kind="rate", handled=300, released=320, status=released)
    b = _alarm(e11, s4, 1, at(11), handled=5, released=20, status=released)
    _warning(red, 1, 45)
    _warning(orange, 2, None)
    _warning(rate, 3, 320)
    _warning(b, 1, 20)
    _card(e1, at(8, 30))
    _card(e2, at(11, 15))
    Outage.objects.create(gateway_id="gw-1", cause="offline", started=at(10), ended=at(13))
    risk_compute(now=at(22, 0, DAY - datetime.timedelta(days=1)))
    risk_compute(now=at(22))
    yield world
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM monitoring_reading WHERE gateway LIKE 'gw-%%'")


def pdf_text(path: str) -> str:
    """The PDF's text as poppler reads it (rows of a table stay on one line)."""
    return subprocess.run(["pdftotext", "-layout", path, "-"], check=True,
                          capture_output=True, text=True).stdout
