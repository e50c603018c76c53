"""The daily commitment: deadline on an injected clock, one card per day, the write and
read gates, the mismatch flag, the supervisor page and the public board."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from geo.models import Division, Notification, Role, User
from geo.scope import EVERYTHING, scope_for_user
from monitoring.commitments import selectors
from monitoring.commitments.models import Commitment
from monitoring.commitments.services import commitments_mismatch_flag
from tests.monitoring.commitments.conftest import DAY, alarm, at, file, warning


def _status(now, scope=EVERYTHING, day=DAY) -> dict[int, str]:
    return {r["enterprise_id"]: r["status"]
            for r in selectors.commitment_day_rows(scope=scope, day=day, now=now)}


# ---- the deadline (default 10:00 local, reference §4) on an injected clock ---------------
def test_filed_a_second_before_the_deadline_is_on_time(world, people):
    ent = world.enterprises_a[0]
    file(ent, people["enterprise"], at(9, 59, 59))
    assert _status(at(23))[ent.pk] == "reported"


def test_filed_at_the_deadline_is_late(world, people):
    ent = world.enterprises_a[0]
    file(ent, people["enterprise"], at(10))
    assert _status(at(10))[ent.pk] == "late"


def test_without_a_card_pending_until_the_deadline_then_missing(world, people):
    ent = world.enterprises_a[0]
    assert _status(at(9, 59, 59))[ent.pk] == "pending"
    assert _status(at(10))[ent.pk] == "missing"
    # yesterday, seen today: missing whatever the hour
    assert _status(at(0, 0, 1), day=DAY - datetime.timedelta(days=1))[ent.pk] == "missing"


def test_deadline_is_a_setting(world, people, settings):
    settings.COMMITMENT_DEADLINE = "09:00"
    ent = world.enterprises_a[0]
    file(ent, people["enterprise"], at(9, 30))
    counts = selectors.commitment_day_counts(scope=EVERYTHING, day=DAY, now=at(9, 30))
    assert counts == {"reported": 0, "late": 1, "missing": 7, "pending": 0}


def test_the_day_is_the_local_day(world, people):
    """00:30 in Shanghai is 16:30 UTC of the day before: the card is for the local day."""
    card = file(world.enterprises_a[0], people["enterprise"], at(0, 30))
    assert card.day == DAY


# ---- one card per enterprise per day; no corrections --------------------------------------
def test_one_card_per_day_and_not_corrected(world, people):
    ent = world.enterprises_a[0]
    file(ent, people["enterprise"], at(8))
    with pytest.raises(ValidationError, match="不可更改"):
        file(ent, people["enterprise"], at(8, 5), hazards_safe=False)
    assert Commitment.objects.get(enterprise=ent, day=DAY).hazards_safe is True
    assert file(ent, people["enterprise"], at(8, day=DAY + datetime.timedelta(days=1))).pk
    assert Commitment.objects.filter(enterprise=ent).count() == 2


def test_the_database_keeps_one_per_day(world, people):
    card = file(world.enterprises_a[0], people["enterprise"], at(8))
    card.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        card.save()


def test_units_must_add_up_and_principal_must_confirm(world, people):
    ent = world.enterprises_a[0]
    with pytest.raises(ValidationError, match="之和应等于"):
        file(ent, people["enterprise"], at(8), units_total=5)
    with pytest.raises(ValidationError, match="主要负责人确认"):
        from monitoring.commitments.services import commitment_file
        from tests.monitoring.commitments.conftest import CARD
        commitment_file(enterprise=ent, user=people["enterprise"], now=at(8), card=CARD,
                        principal="王主任", confirmed=False)
    assert Commitment.objects.count() == 0


def test_filing_is_audited(world, people):
    from geo.models import AuditEntry

    card = file(world.enterprises_a[0], people["enterprise"], at(8))
    entry = AuditEntry.objects.get(model="monitoring.commitment", object_pk=str(card.pk))
    assert (entry.action, entry.user_id) == ("create", people["enterprise"].pk)


# ---- scope: county B neither files for nor sees county A ----------------------------------
def test_county_b_cannot_file_for_county_a(world, people):
    ent_a = world.enterprises_a[0]
    for name in ("ent_b", "county_b", "county_a"):  # supervisors do not file for enterprises
        with pytest.raises(PermissionDenied):
            file(ent_a, people[name], at(8))
    assert Commitment.objects.count() == 0


def test_county_b_sees_only_county_b(world, people):
    file(world.enterprises_a[0], people["enterprise"], at(8))
    file(world.enterprises_b[0], people["ent_b"], at(8))
    seen_b = _status(at(11), scope=scope_for_user(people["county_b"]))
    assert seen_b == {world.enterprises_b[0].pk: "reported", world.enterprises_b[1].pk: "missing",
                      world.enterprises_b[2].pk: "missing"}
    assert _status(at(11), scope=scope_for_user(people["enterprise"])) == {
        world.enterprises_a[0].pk: "reported"}
    assert selectors.commitment_get(scope=scope_for_user(people["county_b"]),
                                    enterprise_id=world.enterprises_a[0].pk, day=DAY) is None


def test_drill_down_by_division(world, people):
    file(world.enterprises_a[0], people["enterprise"], at(11))
    rows = selectors.commitment_day_by_division(
        scope=scope_for_user(people["province"]), day=DAY, now=at(12), parent=world.city)
    assert [(r["name"], r["total"], r["reported"], r["late"], r["missing"]) for r in rows] == [
        ("甲县", 5, 0, 1, 4), ("乙县", 3, 0, 0, 3)]
    rows = selectors.commitment_day_by_division(
        scope=scope_for_user(people["county_b"]), day=DAY, now=at(12), parent=world.city)
    assert [(r["name"], r["total"]) for r in rows] == [("甲县", 0), ("乙县", 3)]


def test_only_hazardous_chemical_enterprises_must_commit(world, people):
    ent = world.enterprises_a[1]
    ent.categories = ["industry_trade"]
    ent.save()
    assert ent.pk not in _status(at(12))
    assert len(_status(at(12))) == 7


def test_industry_filter(world, people):
    ent = world.enterprises_a[1]
    ent.industry = "G5941"
    ent.save()
    rows = selectors.commitment_day_rows(scope=EVERYTHING, day=DAY, now=at(12),
                                         where=selectors.DayFilter(industry="G59"))
    assert [r["enterprise_id"] for r in rows] == [ent.pk]


# ---- the mismatch flag ---------------------------------------------------------------------
def _messages(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("key", flat=True))


def test_safe_card_with_an_hh_alarm_is_flagged_once(world, people):
    ent = world.enterprises_a[0]
    alarm(ent, raised=at(3), cleared=at(5))  # was open that day, cleared before filing
    card = file(ent, people["enterprise"], at(8))
    assert card.flagged_at == at(8)
    assert _messages(people["bureau"]) == [f"commitment-mismatch:{card.pk}"]
    assert commitments_mismatch_flag(day=DAY, now=at(9)) == []
    assert _messages(people["bureau"]) == [f"commitment-mismatch:{card.pk}"]
    card.refresh_from_db()
    assert card.flagged_at == at(8)


def test_a_warning_raised_after_filing_is_flagged_by_the_job(world, people):
    ent = world.enterprises_a[0]
    card = file(ent, people["enterprise"], at(8))
    assert card.flagged_at is None
    warning(ent, level=1, raised=at(14))
    assert commitments_mismatch_flag(day=DAY, now=at(14, 10)) == [card.pk]
    assert commitments_mismatch_flag(day=DAY, now=at(14, 20)) == []
    assert len(_messages(people["bureau"])) == 1


def test_the_job_runner_task_checks_the_local_day(world, people):
    from monitoring.tasks import commitments_mismatch

    ent = world.enterprises_a[0]
    card = file(ent, people["enterprise"], at(8))
    warning(ent, level=2, raised=at(20))
    # 00:05 local of the next day: the task checks that day, where nothing is filed
    assert commitments_mismatch(int(at(0, 5, day=DAY + datetime.timedelta(days=1))
                                    .timestamp())) == 0
    assert commitments_mismatch(int(at(23, 50).timestamp())) == 1
    card.refresh_from_db()
    assert card.flagged_at == at(23, 50)


def test_orange_warning_open_since_yesterday_is_flagged(world, people):
    ent = world.enterprises_a[0]
    warning(ent, level=2, raised=at(20, day=DAY - datetime.timedelta(days=1)), closed=at(1))
    assert file(ent, people["enterprise"], at(8)).flagged_at is not None


@pytest.mark.parametrize("case", ["blue", "yellow", "closed_yesterday", "hh_low", "h_alarm",
                                  "unsafe", "tomorrow", "other_enterprise"])
def test_not_flagged(world, people, case):
    ent = world.enterprises_a[0]
    yesterday = DAY - datetime.timedelta(days=1)
    before = at(22, day=yesterday)
    if case in ("blue", "yellow"):
        warning(ent, level=4 if case == "blue" else 3, raised=at(3))
    elif case == "closed_yesterday":
        warning(ent, level=1, raised=before, closed=at(23, 59, 59, day=yesterday))
    elif case == "hh_low":
        alarm(ent, raised=at(3), direction="low")
    elif case == "h_alarm":
        alarm(ent, raised=at(3), level=2)
    elif case == "tomorrow":
        warning(ent, level=1, raised=at(0, day=DAY + datetime.timedelta(days=1)))
    elif case == "other_enterprise":
        warning(world.enterprises_a[1], level=1, raised=at(3))
    else:
        alarm(ent, raised=at(3))
    card = file(ent, people["enterprise"], at(8), hazards_safe=case != "unsafe")
    assert card.flagged_at is None
    assert commitments_mismatch_flag(day=DAY, now=at(23)) == []
    assert _messages(people["bureau"]) == []


# ---- pages ---------------------------------------------------------------------------------
def _park_user(world) -> User:
    park = Division.objects.create(code="320101001000", name="甲园区", level="town",
                                   parent=world.county_a, geom=world.county_a.geom)
    return User.objects.create_user("park", password="pw", role=Role.PARK, division=park)


@pytest.mark.parametrize("who", ["enterprise", "park", "county_a"])
def test_page_renders_for_each_role(client, world, people, who):
    user = _park_user(world) if who == "park" else people[who]
    file(world.enterprises_a[0], people["enterprise"], timezone.now())
    client.force_login(user)
    page = client.get("/monitoring/commitments/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "测试化工1号有限公司" in html
    assert "测试化工11号有限公司" not in html
    if who == "enterprise":
        assert "承诺发布后不可更改" in html and 'id="commitment-form"' not in html
    else:
        assert html.count('class="status-row"') == 5
        assert "王主任" in html


def test_enterprise_files_through_the_page(client, world, people):
    client.force_login(people["enterprise"])
    form = {"units_total": 2, "units_running": 2, "units_stopped": 0, "units_overhaul": 0,
            "hot_work_special": 0, "hot_work_first": 0, "hot_work_second": 0,
            "confined_space": 0, "trial_production": "False", "start_stop": "False",
            "hazards_safe": "True", "principal": "李总"}
    refused = client.post("/monitoring/commitments/", form)
    assert refused.status_code == 400 and Commitment.objects.count() == 0
    done = client.post("/monitoring/commitments/", {**form, "confirmed": "on"})
    assert done.status_code == 302
    card = Commitment.objects.get()
    assert (card.principal, card.filed_by_id, card.day) == ("李总", people["enterprise"].pk,
                                                           timezone.localdate())
    again = client.post("/monitoring/commitments/", {**form, "confirmed": "on"})
    assert again.status_code == 400 and "不可更改" in again.content.decode()


def test_supervisor_cannot_post(client, world, people):
    client.force_login(people["county_a"])
    assert client.post("/monitoring/commitments/", {}).status_code == 403


def test_public_board_shows_no_private_fields(client, world, people):
    ent = world.enterprises_a[0]
    ent.safety_officer_phone = "13912345678"
    ent.legal_representative_phone = "13987654321"
    ent.save()
    alarm(ent, raised=timezone.now())
    file(ent, people["enterprise"], timezone.now())
    board = client.get("/monitoring/commitments/board/")
    assert board.status_code == 200
    html = board.content.decode()
    assert html.count('class="board-row"') == 8
    assert "测试化工1号有限公司" in html and "王主任" in html
    for private in ("13912345678", "13987654321", "enterprise", "研判不符", "320101001001"):
        assert private not in html


def test_the_header_queue_waits_until_today_is_filed(world, people):
    from geo.queues import header_counts

    def keys(user):  # the commitment's queue (other slices have theirs: risks to identify…)
        return [(q.queue.key, q.count) for q in header_counts(user).queues
                if q.queue.key.startswith("commitment")]

    assert keys(people["enterprise"]) == [("commitment_today", 1)]
    assert keys(people["county_a"]) == []  # supervisors file nothing
    file(world.enterprises_a[0], people["enterprise"], timezone.now())
    assert keys(people["enterprise"]) == []


def test_the_supervisor_page_costs_the_same_queries_whatever_the_rows(client, world, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(people["province"])
    url = f"/monitoring/commitments/?division={world.city.code}"
    client.get(url)
    with CaptureQueriesContext(connection) as empty:
        client.get(url)
    file(world.enterprises_a[0], people["enterprise"], timezone.now())
    file(world.enterprises_b[0], people["ent_b"], timezone.now())
    with CaptureQueriesContext(connection) as filled:
        page = client.get(url)
    assert page.content.decode().count("王主任") == 2
    assert len(filled.captured_queries) == len(empty.captured_queries)
