"""The chain end to end through the ingest's store: readings → alarm → graded warning →
the people of the place, by tier, in their inboxes and by SMS."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from geo import sms
from geo.models import Notification
from monitoring.alarms import rules, services
from monitoring.alarms.models import Alarm, AlarmStep, AlertPreference, EarlyWarning
from monitoring.devices.models import Sensor
from monitoring.devices.services import monitored_unit_create, sensor_create
from monitoring.operation.models import Outage
from tests.monitoring.alarms.conftest import NOW, reading, send, series


def test_a_high_high_level_becomes_an_orange_warning_told_to_the_place(
        gateway, places, settings, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = "geo.sms.LocmemBackend"
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        # H (16) crossed at 1 s, held 5 s (the on-delay) by 6 s, when it is past HH (18)
        send(series("T-1.level", [15.0, 17.0, 18.1, 18.3, 18.4, 18.6, 18.8, 19.0, 19.1]),
             at=9)
    alarm = Alarm.objects.get()
    assert (alarm.kind, alarm.level, alarm.direction, alarm.value, alarm.peak, alarm.threshold) \
        == ("threshold", 1, "high", 18.8, 19.1, 18.0)
    warning = EarlyWarning.objects.get()
    assert warning.level == 2
    told = set(Notification.objects.filter(kind="monitoring.warning")
               .values_list("recipient__username", flat=True))
    assert told == {"enterprise", "park", "grid", "county_a"}
    assert list(AlarmStep.objects.values_list("step", flat=True)) == ["raised", "pushed"]
    # orange: inbox and SMS; only users with a mobile get the SMS
    assert sorted(number for number, _text in sms.outbox) == ["13800000001", "13800000002"]


def _high_high(seq0: int = 1, s0: float = 0.0):
    return series("T-1.level", [17.0, 18.5, 18.6, 18.7, 18.8, 18.9, 19.0], seq0=seq0, s0=s0)


def _normal(seq0: int, s0: float):
    return series("T-1.level", [15.0, 14.0], seq0=seq0, s0=s0)


def test_a_resent_batch_is_evaluated_once(gateway, places):
    send(_high_high(), at=7)
    send(_high_high(), at=8)  # the agent resends after a lost acknowledgement
    assert Alarm.objects.count() == 1
    assert AlarmStep.objects.count() == 2
    assert Notification.objects.filter(kind="monitoring.warning").count() == 4


def test_a_flapping_sensor_reopens_its_alarm(gateway, places):
    # a gas detector: H at 25 %LEL (GB/T 50493), no on-delay
    send(series("GD-1.lel", [30.0, 31.0]), at=2)
    send(series("GD-1.lel", [5.0], seq0=3, s0=2), at=3)
    send(series("GD-1.lel", [28.0], seq0=4, s0=20), at=21)  # within the flap window
    alarm = Alarm.objects.get()
    assert (alarm.flaps, alarm.cleared_at) == (1, None)
    assert list(alarm.steps.values_list("step", flat=True)) == [
        "raised", "pushed", "cleared", "reopened"]
    # H: a blue warning, for the enterprise only, once
    assert Notification.objects.filter(kind="monitoring.warning").count() == 1


def test_bad_values_neither_raise_nor_clear(gateway, places):
    send(_high_high(), at=7)
    bad = [reading(8 + i, "T-1.level", v, s=7 + i) for i, v in
           enumerate([float("nan"), "x", 500.0])]  # not finite, not a number, out of range
    send(bad, at=10)
    assert Alarm.objects.get().cleared_at is None


def test_the_lifecycle_to_release(gateway, places):
    send(_high_high(), at=7)
    alarm = Alarm.objects.get()
    enterprise, county, county_b = (places[k] for k in ("enterprise", "county_a",
                                                         "county_b"))
    with pytest.raises(PermissionDenied):
        services.alarm_acknowledge(alarm=alarm, user=county)
    services.alarm_acknowledge(alarm=alarm, user=enterprise)
    with pytest.raises(ValidationError) as missing:
        services.alarm_handle(alarm=alarm, user=enterprise, feedback="  ")
    assert "feedback" in missing.value.message_dict
    services.alarm_handle(alarm=alarm, user=enterprise, feedback="关闭进料阀，液位回落",
                          false_alarm=False)
    with pytest.raises(ValidationError):  # still above the limit
        services.alarm_release(alarm=alarm, user=county)
    send(_normal(8, 7), at=9)
    with pytest.raises(PermissionDenied):
        services.alarm_release(alarm=alarm, user=county_b)
    services.alarm_release(alarm=alarm, user=county)
    alarm.refresh_from_db()
    assert (alarm.status, alarm.released_by, alarm.warning.closed_at) == (
        "released", county, alarm.released_at)
    assert list(alarm.steps.order_by("pk").values_list("step", flat=True)) == [
        "raised", "pushed", "acknowledged", "handled", "cleared", "released"]


def test_an_approved_maintenance_window_keeps_the_alarm_silent(gateway, places):
    sensor = Sensor.objects.get(point="T-1.level")
    row = services.suppression_file(
        enterprise=sensor.enterprise, user=places["enterprise"], kind="maintenance",
        sensors=[sensor], starts=NOW - timedelta(minutes=5), ends=NOW + timedelta(hours=2),
        reason="储罐检修")
    send(_high_high(), at=7)  # filed but not approved: it still counts
    assert Alarm.objects.get().status == "pushed"
    services.suppression_decide(suppression=row, user=places["county_a"], approve=True)
    Alarm.objects.all().delete()
    send(series("T-1.level", [15.0, 14.0], seq0=8, s0=7), at=9)
    send(_high_high(10, 2000), at=2007)
    alarm = Alarm.objects.get()
    assert (alarm.status, alarm.suppressed_by) == ("suppressed", row)
    assert not EarlyWarning.objects.filter(alarm=alarm).exists()


def test_gas_and_heat_of_one_unit_together_is_a_red_combination(gateway, places):
    unit = monitored_unit_create(enterprise=gateway.enterprise, code="T-1", name="1号储罐",
                                 kind="tank", geom=gateway.geom)
    sensor_create(gateway=gateway, unit=unit, point="T-1.temp", name="温度",
                  indicator="temperature", measure_unit="°C", range_low=-20,
                  range_high=80, threshold_h=40, threshold_hh=50, geom=gateway.geom)
    Sensor.objects.filter(point="GD-1.lel").update(unit=unit)
    send(series("GD-1.lel", [30.0, 31.0]) + series("T-1.temp", [20.0] * 2, seq0=3), at=2)
    assert [a.kind for a in Alarm.objects.all()] == ["threshold"]  # gas H only
    send(series("T-1.temp", [41.0] * 7, seq0=5, s0=2), at=9)
    combo = Alarm.objects.get(kind="combination")
    assert (combo.level, combo.unit, combo.warning.level) == (1, unit, 1)
    send(series("GD-1.lel", [5.0, 4.0], seq0=20, s0=9), at=11)
    combo.refresh_from_db()
    assert combo.cleared_at is not None


def test_a_source_down_behind_a_live_gateway_is_one_no_data_alarm(gateway, places):
    send(series("T-1.level", [10.0]) + series("GD-1.lel", [1.0], seq0=2), at=1)
    bad = [reading(3 + i, p, None, s=100 + i, quality="bad") for i, p in
           enumerate(["T-1.level", "GD-1.lel"])]
    send(bad, at=102)
    alarm = Alarm.objects.get()
    assert (alarm.key, alarm.level, alarm.value) == ("no_data:gw-a", 4, 2.0)
    # the outage log (设备异常日志): from the sensors' last valid value, while it lasts
    def outages():
        return list(Outage.objects.values_list("gateway_id", "cause", "started", "ended"))

    assert outages() == [("gw-a", "no_data", NOW, None)]
    send(series("T-1.level", [10.0], seq0=9, s0=103)
         + series("GD-1.lel", [1.0], seq0=10, s0=103), at=104)
    alarm.refresh_from_db()
    assert alarm.cleared_at is not None
    assert outages() == [("gw-a", "no_data", NOW, NOW + timedelta(seconds=104))]


def test_overdue_warnings_are_escalated_then_reminded(gateway, places):
    send(_high_high(), at=7)
    warning = EarlyWarning.objects.get()
    assert (warning.level, warning.tier) == (2, 3)  # orange: up to the county
    later = NOW + timedelta(minutes=31)
    assert services.warnings_tick(now=later)["escalated"] == 0
    warning.refresh_from_db()
    # over 10 minutes at HH: red, told up to the city
    assert (warning.level, warning.tier) == (1, 4)
    # nobody signed within red's 15 minutes: escalated to the province
    later += timedelta(minutes=1)
    assert services.warnings_tick(now=later)["escalated"] == 1
    warning.refresh_from_db()
    assert warning.tier == 5
    assert Notification.objects.filter(recipient=places["city"]).count() == 2
    assert Notification.objects.filter(recipient=places["province"]).count() == 1
    services.alarm_acknowledge(alarm=warning.alarm, user=places["enterprise"])
    result = services.warnings_tick(now=later + timedelta(minutes=10))  # red: every 10
    assert (result["escalated"], result["reminded"]) == (0, 1)
    assert Notification.objects.filter(recipient=places["province"]).count() == 2


def test_rule_sets_are_versioned_per_area_and_checked(gateway, places):
    doc = copy.deepcopy(rules.DEFAULT)
    doc["threshold"]["min_duration"] = 0
    with pytest.raises(ValidationError) as bad:
        services.ruleset_create(area="320101", rules={**doc, "grading": []})
    assert bad.value.message_dict["rules"] == ["grading: [] should be non-empty"]
    with pytest.raises(PermissionDenied):
        services.ruleset_create(area="320102", rules=doc, user=places["county_a"])
    first = services.ruleset_create(area="320101", rules=doc, user=places["county_a"])
    second = services.ruleset_create(area="320101", rules=doc, user=places["county_a"])
    assert (first.version, second.version) == (1, 2)
    send(series("T-1.level", [15.0, 18.5]), at=2)  # no on-delay in county A now
    assert Alarm.objects.get().rules_version == "320101v2"
    assert rules.rules_for("320102001001").version == "default"


def test_a_users_preferences_narrow_the_channels(gateway, places, settings,
                                                 django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = "geo.sms.LocmemBackend"
    sms.outbox.clear()
    AlertPreference.objects.create(user=places["park"], sms_up_to=1, email_up_to=1)
    with django_capture_on_commit_callbacks(execute=True):
        send(_high_high(), at=7)  # orange: SMS by the strategy, but the park wants red only
    assert [number for number, _text in sms.outbox] == ["13800000002"]
    assert Notification.objects.filter(recipient=places["park"]).count() == 1  # inbox still
