"""The demo region's daily commitments (安全承诺, reference §4) for the last two months and today.

Every obliged enterprise of the demo province (registered, 监管类别 危险化学品 — the
categories the demo files give, so this runs after them) files a card on each of these days.
Deterministic from each enterprise's credit code and the day's distance from the load day:
about one card in seven is filed late (10:05–11:59), the rest on time (07:00–09:59); outside
the park about one enterprise-day in forty files nothing (missing). In the park every card
is filed except today's of its last enterprise by credit code (missing once the deadline has
passed); today's cards are only those whose time has come. The demo `enterprise` account's
firm files "safe" today while a scripted HH alarm with an orange warning is open at its
tank farm, so the mismatch check flags it to its supervising department. Set-based SQL (one
INSERT … SELECT for the region), idempotent (ON CONFLICT on the one-per-day constraint)."""

from __future__ import annotations

import datetime

from django.contrib.gis.geos import Point
from django.db import connection
from django.utils import timezone

from geo.models import Role, User
from monitoring.alarms.models import Alarm, EarlyWarning
from monitoring.commitments.selectors import OBLIGED
from monitoring.commitments.services import commitments_mismatch_flag
from registry.enterprises.models import Enterprise

DAYS = 62  # past days besides today: last month whole, for its monthly report
SCRIPTED_KEY = "demo:commitment-mismatch"
_H = "('x' || substr(md5(e.credit_code || k::text), 1, 7))::bit(28)::int"
# the missing draw: other digits of the same hash, independent of the card's time
_M = "('x' || substr(md5(e.credit_code || k::text), 8, 7))::bit(28)::int"
_INSERT = f"""
WITH cards AS (
  SELECT e.id, e.organisation_id, e.division_code, e.legal_representative, k, {_H} AS h,
         (%(today)s::date - k) AS day
  FROM registry_enterprise e, generate_series(0, %(days)s) AS k
  WHERE starts_with(e.division_code, %(area)s) AND e.status = 'registered'
    AND %(obliged)s = ANY(e.categories)
    AND CASE WHEN starts_with(e.division_code, %(park)s)
             THEN NOT (k = 0 AND e.id = (SELECT id FROM registry_enterprise
                                         WHERE starts_with(division_code, %(park)s)
                                         ORDER BY credit_code DESC LIMIT 1))
             ELSE {_M} %% 40 <> 0 END),
timed AS (
  SELECT *, (day + CASE WHEN h %% 7 = 1 THEN time '10:05' + (h %% 115) * interval '1 minute'
                        ELSE time '07:00' + (h %% 180) * interval '1 minute' END)
            AT TIME ZONE %(tz)s AS filed_at
  FROM cards)
INSERT INTO monitoring_commitment (enterprise_id, organisation_id, division_code, day,
  units_total, units_running, units_stopped, units_overhaul, hot_work_special,
  hot_work_first, hot_work_second, confined_space, trial_production, start_stop,
  hazards_safe, principal, filed_at)
SELECT id, organisation_id, division_code, day, 3 + h %% 3, 3 + h %% 3 - (h / 7) %% 2, 0,
  (h / 7) %% 2, 0, h %% 2, (h / 3) %% 3, (h / 5) %% 2, false, false, true,
  coalesce(nullif(legal_representative, ''), '主要负责人'), filed_at
FROM timed WHERE filed_at <= %(now)s
ON CONFLICT (enterprise_id, day) DO NOTHING"""


def demo_commitments_ensure(park_code: str, *, now: datetime.datetime | None = None) -> int:
    """File the province's cards of the last week and today; returns how many were new.
    `park_code` is the park's 12-digit division code (its places share the first 9, the
    province the first 2)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    _scripted_warning(today, now)
    with connection.cursor() as cursor:
        cursor.execute(_INSERT, {"today": today, "days": DAYS, "area": park_code[:2],
                                 "park": park_code[:9], "obliged": OBLIGED, "now": now,
                                 "tz": timezone.get_current_timezone_name()})
        made = cursor.rowcount
    commitments_mismatch_flag(day=today, now=now)
    return made


def _scripted_warning(today: datetime.date, now: datetime.datetime) -> None:
    """An HH alarm with an orange warning at the demo firm, raised at 06:30 today (or just
    now, if earlier), left open."""
    owner = User.objects.filter(role=Role.ENTERPRISE, username="enterprise").first()
    if owner is None or owner.organisation_id is None:
        return
    six_thirty = timezone.make_aware(datetime.datetime.combine(today, datetime.time(6, 30)))
    enterprise = Enterprise.objects.filter(organisation_id=owner.organisation_id).first()
    if enterprise is None:
        return
    at = min(six_thirty, now)
    place = {"enterprise": enterprise, "division_code": enterprise.division_code,
             "organisation_id": enterprise.organisation_id,
             "geom": Point(enterprise.geom.x, enterprise.geom.y, srid=4326)}
    alarm, made = Alarm.objects.get_or_create(
        key=f"{SCRIPTED_KEY}:{today.isoformat()}", defaults={
            **place, "kind": "threshold", "level": 1, "direction": "high",
            "title": "演示：1号储罐液位高高报", "value": 9.6, "threshold": 9.0,
            "rules_version": "demo", "raised_at": at, "received_at": at})
    if made:
        EarlyWarning.objects.create(alarm=alarm, **place, level=2, title=alarm.title,
                                    reason="演示：高高报持续", rules_version="demo",
                                    raised_at=at)


def demo_commitments_delete(cursor, prefix: str) -> None:
    """Raw-SQL removal of the cards under `prefix` (before their enterprises go)."""
    like = [prefix + "%"]
    cursor.execute("DELETE FROM monitoring_commitment WHERE division_code LIKE %s", like)
    cursor.execute("DELETE FROM monitoring_earlywarning w USING monitoring_alarm a"
                   " WHERE w.alarm_id = a.id AND a.key LIKE %s", [SCRIPTED_KEY + "%"])
    cursor.execute("DELETE FROM monitoring_alarm WHERE key LIKE %s", [SCRIPTED_KEY + "%"])
