"""What a monitoring bench leaves behind, removed: its gateway, sensors, readings, alarms,
warnings and the warnings' notifications (call after django.setup())."""

from __future__ import annotations


def gateway_remove(code: str) -> None:
    from django.db import connection

    from geo.models import Notification
    from monitoring.alarms.models import Alarm, EarlyWarning
    from monitoring.devices.models import Gateway, Sensor

    for warning in EarlyWarning.objects.filter(alarm__gateway=code).values_list("pk",
                                                                              flat=True):
        Notification.objects.filter(key__startswith=f"warning:{warning}:").delete()
    Alarm.objects.filter(gateway=code).delete()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM monitoring_reading WHERE gateway = %s", [code])
    Sensor.objects.filter(gateway_id=code).delete()
    Gateway.objects.filter(code=code).delete()
