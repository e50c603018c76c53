"""The demo park's daily commitments: deterministic, some late, one missing today, one
"safe" card flagged against the scripted warning."""

from __future__ import annotations

import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from data.demo_commitments import demo_commitments_ensure
from geo.models import Notification
from geo.scope import EVERYTHING
from monitoring.commitments.models import Commitment
from monitoring.commitments.selectors import DayFilter, commitment_day_counts
from tests.data.test_load_demo import PARK, fast_passwords  # noqa: F401

NOON = datetime.datetime(2026, 12, 2, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.django_db
def test_demo_commitments(fast_passwords):  # noqa: F811
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "daily commitments in the park: 0 created" not in out.getvalue()
    assert Commitment.objects.filter(division_code__startswith=PARK).count() > 0
    Commitment.objects.all().delete()  # filed on the real clock by the load: again at noon
    made = demo_commitments_ensure(PARK + "000", now=NOON)
    park = DayFilter(prefix=PARK)
    today = commitment_day_counts(scope=EVERYTHING, day=NOON.date(), now=NOON, where=park)
    past = [commitment_day_counts(scope=EVERYTHING, day=NOON.date() - datetime.timedelta(days=k),
                                  now=NOON, where=park) for k in range(1, 8)]
    assert today == {"reported": 34, "late": 5, "missing": 1, "pending": 0}
    assert [(d["reported"], d["late"], d["missing"]) for d in past] == [
        (33, 7, 0), (33, 7, 0), (36, 4, 0), (32, 8, 0), (35, 5, 0), (34, 6, 0), (33, 7, 0)]
    assert made == sum(today.values()) - 1 + sum(sum(d.values()) for d in past)
    flagged = Commitment.objects.filter(flagged_at__isnull=False)
    assert flagged.count() == 1 and flagged.get().day == NOON.date()
    card = flagged.get()
    department = card.enterprise.supervising_department
    assert card.enterprise.organisation.user_set.filter(username="enterprise").exists()
    told = Notification.objects.filter(kind="monitoring.commitment_mismatch")
    assert sorted(told.values_list("recipient__username", flat=True)) == sorted(
        department.user_set.filter(is_active=True).values_list("username", flat=True))
    assert told.count() >= 1
    assert demo_commitments_ensure(PARK + "000", now=NOON) == 0  # idempotent
    again = commitment_day_counts(scope=EVERYTHING, day=NOON.date(), now=NOON, where=park)
    assert again == today
