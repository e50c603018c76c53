"""The outage log (设备异常日志) and online rates (在线率) over a gateway going offline and
coming back (conftest's timeline), hand-computed; scope; retention."""

from __future__ import annotations

from datetime import timedelta

import pytest

from geo.scope import EVERYTHING, scope_for_user
from monitoring.alarms.models import Alarm
from monitoring.devices.models import Gateway
from monitoring.operation import selectors
from monitoring.operation.models import Outage
from monitoring.operation.selectors import OutageFilter
from monitoring.operation.services import outages_open, outages_prune
from tests.monitoring.operation.conftest import T0, H, heartbeat, job

DAY = timedelta(days=1)


def _log(scope=EVERYTHING, start=T0, end=T0 + DAY, **kw):
    return list(selectors.outages_list(scope=scope, where=OutageFilter(start, end, **kw))
                .values_list("gateway_id", "cause", "started", "ended"))


def _rates(scope=EVERYTHING, level="county", end=T0 + 6 * H, now=T0 + 6 * H, within=""):
    rows = selectors.operation_rows(scope=scope, level=level, start=T0, end=end, now=now,
                                    within=within)
    return {r.key: (r.gateways, r.online_now, r.down_seconds, r.rate) for r in rows}


def test_the_outage_opens_when_the_job_marks_it_and_closes_on_the_heartbeat(gateways):
    for code in gateways.codes:
        heartbeat(code, T0)
    assert Outage.objects.count() == 0  # first heard: nothing was open
    heartbeat("gw-b", T0 + H)
    heartbeat("gw-c", T0 + H)
    assert job(T0 + H) == 1
    assert not Gateway.objects.get(code="gw-a").online
    assert _log() == [("gw-a", "offline", T0, None)]  # from when it was last heard
    assert Alarm.objects.filter(key="offline:gw-a").count() == 1  # the job's own alarm too
    heartbeat("gw-b", T0 + 2 * H)
    heartbeat("gw-c", T0 + 2 * H)
    assert job(T0 + 2 * H) == 0
    assert Outage.objects.count() == 1  # still one, still open
    heartbeat("gw-a", T0 + 3 * H)
    heartbeat("gw-a", T0 + 3 * H + timedelta(seconds=30))  # online already: nothing more
    assert _log() == [("gw-a", "offline", T0, T0 + 3 * H)]
    assert Outage.objects.get().duration == 3 * H
    assert Gateway.objects.get(code="gw-a").online


def test_online_rates_hand_computed(outage):
    # county A: gw-a 3 h down of 6 h, gw-b none -> 1 - 10800 / (2 * 21600) = 75 %
    assert _rates() == {"320101": (2, 2, 10800.0, 0.75), "320102": (1, 1, 0.0, 1.0)}
    e1, e2, e11 = (outage.world.enterprises_a[0], outage.world.enterprises_a[1],
                   outage.world.enterprises_b[0])
    assert _rates(level="enterprise") == {
        str(e1.pk): (1, 1, 10800.0, 0.5), str(e2.pk): (1, 1, 0.0, 1.0),
        str(e11.pk): (1, 1, 0.0, 1.0)}
    assert _rates(level="city") == {"3201": (3, 3, 10800.0, pytest.approx(5 / 6))}
    # drill-down: county A's enterprises only
    assert set(_rates(level="enterprise", within="320101")) == {str(e1.pk), str(e2.pk)}
    # a day asked at T0+4h counts up to now: 3 h down of 4 h
    assert _rates(level="enterprise", end=T0 + DAY, now=T0 + 4 * H)[str(e1.pk)] == \
        (1, 1, 10800.0, 0.25)
    # a period starting inside the outage counts only its part: [T0+2h, T0+6h) 1 h down
    rows = selectors.operation_rows(scope=EVERYTHING, level="enterprise", start=T0 + 2 * H,
                                    end=T0 + 6 * H, now=T0 + 6 * H)
    assert {r.key: r.rate for r in rows}[str(e1.pk)] == 0.75
    # a no-valid-data outage is data quality, not offline time: the rates stay
    outages_open(["gw-b"], now=T0 + 2 * H, cause="no_data", since=T0 + H)
    assert _rates()["320101"] == (2, 2, 10800.0, 0.75)
    assert [c for _g, c, _s, _e in _log()] == ["no_data", "offline"]


def test_an_open_outage_counts_to_now(gateways):
    for code in gateways.codes:
        heartbeat(code, T0)
    heartbeat("gw-b", T0 + H)
    heartbeat("gw-c", T0 + H)
    job(T0 + H)
    e1 = gateways.world.enterprises_a[0]
    rows = _rates(level="enterprise", end=T0 + DAY, now=T0 + 2 * H)
    assert rows[str(e1.pk)] == (1, 0, 7200.0, 0.0)  # offline since T0, asked at T0+2h


def test_county_b_sees_nothing_of_county_a(outage):
    users = outage.world.users
    county_b = scope_for_user(users["county_b"])
    assert _rates(county_b) == {"320102": (1, 1, 0.0, 1.0)}
    assert _log(county_b) == []
    assert _log(scope_for_user(users["county_a"])) == [("gw-a", "offline", T0, T0 + 3 * H)]
    # the enterprise user: its own enterprise (E1) only
    mine = scope_for_user(users["enterprise"])
    e1 = outage.world.enterprises_a[0]
    assert _rates(mine, level="enterprise") == {str(e1.pk): (1, 1, 10800.0, 0.5)}
    assert _log(mine) == [("gw-a", "offline", T0, T0 + 3 * H)]


def test_log_filters(outage):
    assert _log(cause="no_data") == []
    assert _log(gateway="GW-A") == [("gw-a", "offline", T0, T0 + 3 * H)]
    assert _log(gateway="gw-b") == []
    assert _log(open_only=True) == []
    assert _log(start=T0 + 4 * H) == []   # ended before the period
    assert _log(within="320102") == []


def test_retention_keeps_a_month_and_open_outages(outage, settings):
    settings.OUTAGE_RETENTION_DAYS = 31
    assert outages_prune(now=T0 + 31 * DAY) == 0
    assert outages_prune(now=T0 + 31 * DAY + 4 * H) == 1
    assert Outage.objects.count() == 0
    job(T0 + 40 * DAY)  # everyone silent: three open outages, which no prune removes
    assert outages_prune(now=T0 + 400 * DAY) == 0
    assert Outage.objects.filter(ended__isnull=True).count() == 3
