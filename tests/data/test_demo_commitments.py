"""The demo region's daily commitments: every obliged enterprise of the province files,
deterministic, some late, a few missing; in the park one missing today and one "safe" card
flagged against the scripted warning; the public board not led by 未承诺; all removed with
the region."""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import pytest

from data.demo_commitments import DAYS, SCRIPTED_KEY, demo_commitments_ensure
from data.demo_region import region_delete
from data.demo_risk import demo_risk_ensure
from geo.models import Notification
from geo.scope import EVERYTHING
from monitoring.alarms.models import Alarm, EarlyWarning
from monitoring.commitments.models import Commitment
from monitoring.commitments.selectors import OBLIGED, DayFilter, commitment_day_counts
from monitoring.risk.models import EnterpriseRisk
from registry.enterprises.models import Enterprise
from tests.data.test_load_demo import PARK

NOON = datetime.datetime(2026, 12, 2, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
# (reported, late, missing, pending) in the province, today first, then each day back
PROVINCE_DAYS = [(206, 38, 5, 0), (198, 42, 9, 0), (200, 41, 8, 0), (204, 40, 5, 0),
                 (207, 36, 6, 0), (212, 34, 3, 0), (211, 28, 10, 0), (219, 27, 3, 0)]


ROW = re.compile(r'<tr class="board-row">\s*<td>[^<]*</td><td><span class="cs cs-(\w+)">')


def board_statuses(client, page: int) -> list[str]:
    response = client.get(f"/monitoring/commitments/board/?page={page}")
    assert response.status_code == 200
    return ROW.findall(response.content.decode())




@pytest.mark.django_db
class TestTheDemoCommitments:
    """One load of the demo region for both (tests/data/conftest.py)."""

    def test_demo_commitments(self, loaded):
        assert "daily commitments in the province: 0 created" not in loaded
        assert Commitment.objects.filter(division_code__startswith=PARK).count() > 0
        Commitment.objects.all().delete()  # filed on the real clock by the load: again at noon
        # (and its flag, if the clock had come to the demo firm's card, told the department)
        Notification.objects.filter(kind="monitoring.commitment_mismatch").delete()
        made = demo_commitments_ensure(PARK + "000", now=NOON)
        park = DayFilter(prefix=PARK)
        today = commitment_day_counts(scope=EVERYTHING, day=NOON.date(), now=NOON, where=park)
        past = [commitment_day_counts(scope=EVERYTHING, now=NOON, where=park,
                                      day=NOON.date() - datetime.timedelta(days=k))
                for k in range(1, 8)]
        assert today == {"reported": 34, "late": 5, "missing": 1, "pending": 0}
        assert [(d["reported"], d["late"], d["missing"]) for d in past] == [
            (33, 7, 0), (33, 7, 0), (36, 4, 0), (32, 8, 0), (35, 5, 0), (34, 6, 0), (33, 7, 0)]
        # the province: every obliged enterprise, about 1 in 7 late, 1 in 40 missing
        days = [NOON.date() - datetime.timedelta(days=k) for k in range(8)]
        province = [commitment_day_counts(scope=EVERYTHING, day=d, now=NOON) for d in days]
        assert [(d["reported"], d["late"], d["missing"], d["pending"])
                                 for d in province] == PROVINCE_DAYS
        obliged = Enterprise.objects.filter(status="registered", categories__contains=[OBLIGED])
        assert all(sum(d.values()) == obliged.count() == 249 for d in province)
        every_day = [commitment_day_counts(scope=EVERYTHING, now=NOON,
                                           day=NOON.date() - datetime.timedelta(days=k))
                     for k in range(DAYS + 1)]  # two months back: last month's report has cards
        assert DAYS >= 31
        assert made == Commitment.objects.count() == sum(
            d["reported"] + d["late"] for d in every_day)
        assert not Commitment.objects.exclude(enterprise__in=obliged).exists()
        # the demo's risk history (a run at noon on each day) scores each day's own status
        demo_risk_ensure(now=NOON, days=8)
        terms = EnterpriseRisk.objects.filter(division_code__startswith="39").values_list(
            "day", "commitment_term")
        assert [(sum(1 for d, t in terms if d == day and t == 5.0),
                 sum(1 for d, t in terms if d == day and t == 10.0)) for day in days] == [
            (late, missing) for _, late, missing, _ in PROVINCE_DAYS]
        # filed after the one-enterprise files, so signed by the file's legal representative
        assert not Commitment.objects.filter(principal="主要负责人").exists()
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

    def test_the_public_board_of_the_province(self, loaded, client, monkeypatch):
        Commitment.objects.all().delete()
        demo_commitments_ensure(PARK + "000", now=NOON)
        monkeypatch.setattr("monitoring.commitments.views._now", lambda: NOON)
        # today in the province: on time, late and missing (PROVINCE_DAYS[0])
        assert commitment_day_counts(scope=EVERYTHING, day=NOON.date(), now=NOON) == {
            "reported": 206, "late": 38, "missing": 5, "pending": 0}
        # anyone reads it; 249 obliged enterprises, 50 a page: the filed cards lead (on time,
        # then late), those without a card close the last page — listed, not hidden
        pages = [board_statuses(client, n) for n in range(1, 6)]
        assert [len(p) for p in pages] == [50, 50, 50, 50, 49]
        assert pages[0] == ["reported"] * 50
        flat = [status for p in pages for status in p]
        assert flat == ["reported"] * 206 + ["late"] * 38 + ["missing"] * 5
        head = client.get("/monitoring/commitments/board/").content.decode()
        assert re.search(r'未承诺</span> 5\b', head) and "共 249 家企业" in head
        # the region's removal takes every card and the scripted alarm and warning with it
        region_delete("39")
        assert not Commitment.objects.exists()
        assert not Alarm.objects.filter(key__startswith=SCRIPTED_KEY).exists()
        assert not EarlyWarning.objects.filter(alarm__key__startswith=SCRIPTED_KEY).exists()
