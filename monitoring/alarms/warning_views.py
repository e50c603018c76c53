"""The 预警联动 panel of a warning: its level and alarm, the hazard source's file and the
chemicals stored there, the related sensors' live values and trends, the alarm history,
the enterprise and the people answerable for it, who was told and when, and a small map.
Reads only, each through a selector in the caller's scope (404 outside it)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from geo.scope import Scope, scope_for_request
from layers.maps import Dot, MapParts, Shape, level_colour, site_map
from monitoring.alarms import charts, selectors
from monitoring.alarms.models import Alarm, EarlyWarning, Step
from monitoring.ingest.selectors import sensors_series
from registry.hazards.selectors import hazard_source_get

PUSH_STEPS = {Step.PUSHED, Step.REMINDED, Step.ESCALATED, Step.UPGRADED}
RED, ORANGE = level_colour(1), level_colour(2)
BEFORE, AFTER = timedelta(hours=1), timedelta(minutes=30)  # the trend's span around it


@login_required
@require_GET
def warning_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_for_request(request)
    warning = selectors.warning_get(scope=scope, pk=pk)
    if warning is None:
        raise Http404(_("未找到该预警"))
    alarm = warning.alarm
    source_id = warning.hazard_source_id or alarm.hazard_source_id or (
        alarm.unit.hazard_source_id if alarm.unit else None)
    source = hazard_source_get(scope=scope, source_id=source_id) if source_id else None
    sensors = selectors.warning_sensors(scope=scope, alarm=alarm)
    return render(request, "monitoring/alarms/warning.html", {
        "warning": warning, "alarm": alarm, "source": source,
        "chemicals": list(source.items.all()) if source else [],
        "persons": list(source.persons.all()) if source else [],
        "sensors": _with_trends(scope, sensors, alarm),
        "history": selectors.alarm_history(scope=scope, alarm=alarm),
        "recipients": list(warning.recipients.all()),
        "pushes": [s for s in alarm.steps.all() if s.step in PUSH_STEPS],
        "map": _map(warning, source, sensors),
    })


def _with_trends(scope: Scope, sensors: list, alarm: Alarm) -> list:
    """Each sensor with `trend` (charts.Trend or None) over the alarm's time."""
    now = timezone.now()
    end = now if alarm.released_at is None else min(now, alarm.released_at + AFTER)
    start = min(alarm.raised_at - BEFORE, end - BEFORE)
    series = sensors_series(scope=scope, sensor_ids=[s.pk for s in sensors], start=start,
                            end=end)
    for sensor in sensors:
        step, points = series.get(sensor.pk, ("", []))
        sensor.trend_step = step
        sensor.trend = charts.trend(points, thresholds=[
            (sensor.threshold_hh, _("高高报"), RED), (sensor.threshold_h, _("高报"), ORANGE),
            (sensor.threshold_l, _("低报"), ORANGE), (sensor.threshold_ll, _("低低报"), RED)])
    return sensors


def _map(warning: EarlyWarning, source, sensors: list) -> MapParts:
    shapes = [Shape(source.geom.geojson, level_colour(source.level), source.name)] \
        if source is not None and source.geom else []
    dots = [Dot(s.geom.x, s.geom.y, level_colour(s.alarm_level), f"{s.name} {s.point}")
            for s in sensors if s.geom and (s.geom.x, s.geom.y) != (warning.geom.x,
                                                                   warning.geom.y)]
    return site_map(lon=warning.geom.x, lat=warning.geom.y, title=warning.title,
                    shapes=shapes, dots=dots, tile_overlays=[])
