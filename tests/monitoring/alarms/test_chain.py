"""The chain end to end through the ingest's store: readings → alarm → graded warning →
the people of the place, by tier, in their inboxes and by SMS."""

from __future__ import annotations

from geo.models import Notification
from geo import sms
from monitoring.alarms.models import Alarm, AlarmStep, EarlyWarning
from tests.monitoring.alarms.conftest import send, series


def test_a_high_high_level_becomes_an_orange_warning_told_to_the_place(
        gateway, places, settings, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = "geo.sms.LocmemBackend"
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        # H (16) crossed at 1 s, held 5 s (the on-delay) by 6 s, when it is past HH (18)
        send(series("T-1.level", [15.0, 17.0, 18.1, 18.3, 18.4, 18.6, 18.8, 19.0, 19.1]),
             at=9)
    alarm = Alarm.objects.get()
    assert (alarm.kind, alarm.level, alarm.direction, alarm.value, alarm.peak, alarm.limit) \
        == ("threshold", 1, "high", 18.8, 19.1, 18.0)
    warning = EarlyWarning.objects.get()
    assert warning.level == 2
    told = set(Notification.objects.filter(kind="monitoring.warning")
               .values_list("recipient__username", flat=True))
    assert told == {"enterprise", "park", "grid", "county_a"}
    assert list(AlarmStep.objects.values_list("step", flat=True)) == ["raised", "pushed"]
    # orange: inbox and SMS; only users with a mobile get the SMS
    assert sorted(number for number, _text in sms.outbox) == ["13800000001", "13800000002"]
