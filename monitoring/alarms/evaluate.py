"""A batch's new valid readings through the rules, inside the batch's transaction: the
engine (vectorised) for thresholds, rates and flat lines; then the per-batch judgements
that need the sensors' state — no valid data from a gateway that sends, and multi-point
combinations of a unit (多关联分析) — then grading and push of what changed."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
from django.db import connection
from django.utils.translation import gettext as _

from monitoring.alarms.engine import FLATLINE, RATE, THRESHOLD, Transition, evaluate
from monitoring.alarms.models import OPEN, Alarm, AlarmKind
from monitoring.alarms.raising import Raise, alarm_clear, alarm_raise, alarms_grade
from monitoring.alarms.rules import rules_for
from monitoring.alarms.states import Sensors, sensors_lock, sensors_store
from monitoring.devices.models import MonitoredUnit, Sensor
from monitoring.operation.models import OutageCause
from monitoring.operation.services import outages_open

_LIMIT = {(1, "high"): "threshold_hh", (2, "high"): "threshold_h",
          (1, "low"): "threshold_ll", (2, "low"): "threshold_l"}


def batch_evaluate(*, gateway: str, sensor_ids: list[int], times: list[float],
                   values: list[float], invalid_only: list[int], now: datetime) -> int:
    """Evaluate a batch's new valid readings (sorted by sensor, time; epoch seconds) and
    the sensors that sent only invalid ones; returns the alarms that changed."""
    ids = sorted(set(sensor_ids) | set(invalid_only))
    if not ids:
        return 0
    sensors = sensors_lock(ids)
    index = {int(s): i for i, s in enumerate(sensors.ids)}
    idx = np.array([index[s] for s in sensor_ids], dtype=np.int64)
    t, v = np.array(times, dtype=float), np.array(values, dtype=float)
    fresh = ~(t <= sensors.state.prev_t[idx])  # NaN prev: everything is new
    state, transitions = evaluate(idx[fresh], t[fresh], v[fresh], sensors.params,
                                  sensors.state)
    sensors_store(sensors, state)
    changed = _transitions_apply(transitions, sensors, gateway, now)
    _peaks(sensors, state, idx[fresh], v[fresh])
    changed += _no_data(sensors, state, gateway, set(invalid_only) - set(sensor_ids), now)
    # a combination changes only where a sensor's threshold alarm did
    units = {sensors.info[tr.sensor]["unit_id"] for tr in transitions
             if tr.kind == THRESHOLD and sensors.info[tr.sensor]["unit_id"]}
    changed += _combinations(units, now)
    alarms_grade([a for a in changed if a is not None], now=now)
    return len(changed)


def _transitions_apply(transitions: list[Transition], sensors: Sensors, gateway: str,
                       now: datetime) -> list:
    if not transitions:
        return []
    rows = Sensor.objects.in_bulk({int(sensors.ids[tr.sensor]) for tr in transitions})
    units = {s.unit_id for s in rows.values() if s.unit_id}
    hazard = dict(MonitoredUnit.objects.filter(pk__in=units)
                  .values_list("pk", "hazard_source_id"))
    out = []
    for tr in transitions:
        sensor = rows[int(sensors.ids[tr.sensor])]
        key = f"{tr.kind}:{sensor.pk}"
        at = datetime.fromtimestamp(tr.at, UTC)
        if tr.level == 0:
            alarm_clear(key, at=at, now=now)
            continue
        r = _raise_of(tr, sensor, sensors.rules[tr.sensor], at, gateway)
        r.hazard_source_id = hazard.get(sensor.unit_id)
        out.append(alarm_raise(r, now=now))
    return out


_PEAKS = """
UPDATE monitoring_alarm a SET peak = CASE WHEN a.direction = 'low' THEN least(a.peak, u.low)
    ELSE greatest(a.peak, u.high) END
FROM unnest(%s::text[], %s::float8[], %s::float8[]) AS u(key, low, high)
WHERE a.key = u.key AND a.cleared_at IS NULL
"""


def _peaks(sensors: Sensors, state, idx: np.ndarray, v: np.ndarray) -> None:
    """Open threshold alarms keep the batch's extreme value (one statement, for the
    sensors whose threshold alarm is up after the batch)."""
    if not len(idx):
        return
    starts = np.flatnonzero(np.r_[True, idx[1:] != idx[:-1]])
    up = state.raised[idx[starts]] != 0
    if not up.any():
        return
    keys = [f"{THRESHOLD}:{sensors.info[i]['id']}" for i in idx[starts][up]]
    with connection.cursor() as cursor:
        cursor.execute(_PEAKS, [keys, np.minimum.reduceat(v, starts)[up].tolist(),
                                np.maximum.reduceat(v, starts)[up].tolist()])


def _raise_of(tr: Transition, sensor: Sensor, rules, at: datetime, gateway: str) -> Raise:
    level, direction, limit = 3, "", None
    if tr.kind == THRESHOLD:
        level, direction = abs(tr.level), "high" if tr.level > 0 else "low"
        limit = getattr(sensor, _LIMIT[(level, direction)])
        what = {(1, "high"): _("高高报"), (2, "high"): _("高报"), (1, "low"): _("低低报"),
                (2, "low"): _("低报")}[(level, direction)]
        title = _("%(sensor)s%(what)s：%(value)g %(unit)s（阈值 %(limit)g）") % {
            "sensor": sensor.name, "what": what, "value": tr.value,
            "unit": sensor.measure_unit, "limit": limit}
    elif tr.kind == RATE:
        title = _("%(sensor)s变化过快：%(value)g %(unit)s") % {
            "sensor": sensor.name, "value": tr.value, "unit": sensor.measure_unit}
    else:
        assert tr.kind == FLATLINE
        title = _("%(sensor)s数据长时间不变（疑似仪表故障）：%(value)g %(unit)s") % {
            "sensor": sensor.name, "value": tr.value, "unit": sensor.measure_unit}
    return Raise(key=f"{tr.kind}:{sensor.pk}", kind=tr.kind, level=level, at=at, title=title,
                 enterprise_id=sensor.enterprise_id, division_code=sensor.division_code,
                 organisation_id=sensor.organisation_id, geom=sensor.geom, rules=rules,
                 direction=direction, value=tr.value, threshold=limit, sensor_id=sensor.pk,
                 unit_id=sensor.unit_id, gateway=gateway)


def _no_data(sensors: Sensors, state, gateway: str, invalid_only: set[int],
             now: datetime) -> list:
    """One alarm per gateway while some of its sensors send only invalid values for
    longer than the rule set's `no_data` seconds (a source down behind a live gateway);
    it clears when the gateway sends valid values again (`services.gateway_heard`)."""
    silent = [i for i, s in enumerate(sensors.info)
              if s["id"] in invalid_only and not np.isnan(state.prev_t[i])
              and now.timestamp() - state.prev_t[i] > sensors.rules[i].doc["no_data"]]
    if not silent:
        return []
    first = Sensor.objects.get(pk=sensors.info[silent[0]]["id"])
    r = Raise(key=f"{AlarmKind.NO_DATA}:{gateway}", kind=AlarmKind.NO_DATA, level=4, at=now,
              title=_("网关 %(gw)s 有 %(n)d 个点位无有效数据") % {"gw": gateway, "n": len(silent)},
              enterprise_id=first.enterprise_id, division_code=first.division_code,
              organisation_id=first.organisation_id, geom=first.geom,
              rules=sensors.rules[silent[0]], value=float(len(silent)), gateway=gateway)
    # the outage log: since the earliest last valid value of those sensors
    since = datetime.fromtimestamp(min(state.prev_t[i] for i in silent), UTC)
    outages_open([gateway], now=now, cause=OutageCause.NO_DATA, since=since)
    return [alarm_raise(r, now=now)]


_UNIT_ALARMS = """
SELECT s.unit_id, array_agg(DISTINCT s.indicator), min(s.id) FROM monitoring_sensor s
JOIN monitoring_sensorrulestate st ON st.sensor_id = s.id
WHERE s.unit_id = ANY(%s) AND st.raised <> 0 GROUP BY s.unit_id
"""


def _combinations(units: set[int], now: datetime) -> list:
    """Units whose sensors of every indicator a combination names are in alarm together
    get the combination's alarm (level 1); it clears when one of them clears."""
    if not units:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_UNIT_ALARMS, [sorted(units)])
        alarming = {unit: (set(indicators), sensor) for unit, indicators, sensor
                    in cursor.fetchall()}
    out = []
    for unit_id in sorted(units):
        indicators, sensor_id = alarming.get(unit_id, (set(), None))
        sensor = Sensor.objects.select_related("unit").get(pk=sensor_id) if sensor_id else None
        rules = rules_for(sensor.division_code) if sensor else None
        for combo in (rules.doc["combinations"] if rules else []):
            key = f"{AlarmKind.COMBINATION}:{unit_id}:{combo['name']}"
            if not set(combo["indicators"]) <= indicators:
                alarm_clear(key, at=now, now=now)
                continue
            out.append(alarm_raise(Raise(
                key=key, kind=AlarmKind.COMBINATION, level=1, at=now,
                title=_("%(unit)s：%(what)s") % {"unit": sensor.unit.name,
                                                 "what": combo["title"]},
                enterprise_id=sensor.enterprise_id, division_code=sensor.division_code,
                organisation_id=sensor.organisation_id, geom=sensor.unit.geom, rules=rules,
                unit_id=unit_id, hazard_source_id=sensor.unit.hazard_source_id), now=now))
        if sensor is None:
            for key in _open_combination_keys(unit_id):
                alarm_clear(key, at=now, now=now)
    return out


def _open_combination_keys(unit_id: int) -> list[str]:
    return list(Alarm.objects.filter(OPEN, key__startswith=f"{AlarmKind.COMBINATION}:{unit_id}:")
                .values_list("key", flat=True))
