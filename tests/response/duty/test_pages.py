"""Duty pages through HTTP: the roster in scope only, a swap and the log through the page,
the daily duty report as PDF with its Chinese text, and the workbench's 今日值班."""

from __future__ import annotations

import datetime
import subprocess

import pytest
from django.utils import timezone

from geo.home import HomeAsk, home_blocks
from geo.queues import header_counts
from geo.scope import scope_for_user
from response.duty.models import DutyRoster, LogKind
from response.duty.services import duty_log_add, handover_add
from tests.response.conftest import receive
from tests.response.duty.conftest import make_roster

pytestmark = pytest.mark.django_db


def test_roster_pages_in_scope_only(client, bureau, people):
    _, staff = bureau
    roster = make_roster(bureau)
    client.force_login(staff["off1"])
    page = client.get(f"/response/duty/{roster.pk}/?since=2030-03-04")
    assert page.status_code == 200 and b'id="shifts"' in page.content
    assert f'id="roster-{roster.pk}"'.encode() in client.get("/response/duty/").content
    for who in ("county_b", "enterprise"):
        client.force_login(people[who])
        assert client.get(f"/response/duty/{roster.pk}/").status_code == 404
        assert client.get(f"/response/duty/{roster.pk}/report/2030-03-04.pdf").status_code == 404
        assert f'id="roster-{roster.pk}"'.encode() not in client.get("/response/duty/").content


def test_roster_made_through_the_page_in_the_listed_order(client, bureau):
    _, staff = bureau
    client.force_login(staff["lead1"])
    form = {"name": "三月值班表", "starts_on": "2030-03-04", "ends_on": "2030-03-10",
            "pattern": "full_day", "rotation": "daily", "day_starts": "08:30",
            "night_starts": "17:30", "phone": "12345",
            "leaders": [staff["lead2"].pk, staff["lead1"].pk],
            "officers": [staff["off3"].pk, staff["off1"].pk]}
    answer = client.post("/response/duty/", form)
    assert answer.status_code == 302
    made = DutyRoster.objects.get(name="三月值班表")
    first = made.shifts.order_by("starts_at").first()
    assert (first.leader, first.officer) == (staff["lead2"], staff["off3"])


def test_swap_through_the_page_and_the_queue(client, bureau):
    _, staff = bureau
    roster = make_roster(bureau)
    shift = roster.shifts.get(day=roster.starts_on, kind="day")
    client.force_login(staff["off1"])
    assert client.post(f"/response/duty/{roster.pk}/swaps/", {
        "shift": shift.pk, "role": "officer", "to_user": staff["off2"].pk,
        "reason": "培训"}).status_code == 302
    counts = {q.queue.key: q.count for q in header_counts(staff["lead2"]).queues}
    assert counts.get("duty_swaps") == 1
    client.force_login(staff["off2"])  # the substitute cannot approve
    swap = shift.swaps.get()
    assert client.post(f"/response/duty/{roster.pk}/swaps/{swap.pk}/",
                       {"action": "accept"}).status_code == 403
    client.force_login(staff["lead2"])
    assert b'id="swaps-to-decide"' in client.get("/response/duty/").content
    assert client.post(f"/response/duty/{roster.pk}/swaps/{swap.pk}/",
                       {"action": "accept"}).status_code == 302
    shift.refresh_from_db()
    assert shift.officer == staff["off2"]


def test_daily_report_pdf_in_chinese(client, bureau, people):
    _, staff = bureau
    day = timezone.localdate()
    roster = make_roster(bureau, starts_on=day, days=2)
    shift = roster.shifts.get(day=day, kind="day")
    incident = receive(people["county_a"], title="甲县储罐泄漏事故", now=timezone.now())
    duty_log_add(roster=roster, user=staff["off1"], kind=LogKind.INCIDENT, text="接报储罐泄漏",
                 at=shift.starts_at + datetime.timedelta(minutes=5), incident_id=incident.pk)
    handover_add(shift=shift, user=staff["off1"], text="持续跟踪泄漏处置")
    client.force_login(staff["lead1"])
    html = client.get(f"/response/duty/{roster.pk}/report/{day:%Y-%m-%d}/").content.decode()
    assert "值班日报" in html and "接报储罐泄漏" in html
    answer = client.get(f"/response/duty/{roster.pk}/report/{day:%Y-%m-%d}.pdf")
    assert answer["Content-Type"] == "application/pdf"
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=answer.content,
                          capture_output=True, check=True).stdout.decode()
    text = "".join(text.split())  # the title is letter-spaced
    for words in ("值班日报", "甲县应急管理局", "带班领导", "lead1", "off1", "甲县储罐泄漏事故",
                  "接报储罐泄漏", "持续跟踪泄漏处置", "较大"):
        assert words in text, words


def test_workbench_shows_who_is_on_duty(bureau, people):
    _, staff = bureau
    now = timezone.now()
    make_roster(bureau, starts_on=timezone.localdate(now) - datetime.timedelta(days=1), days=3)
    mine = _block(people["county_a"], now)
    assert "甲县应急管理局：带班" in mine and "当前无值班安排" not in mine
    assert "当前无值班安排" in _block(people["county_b"], now)


def _block(user, now) -> str:
    ask = HomeAsk(user=user, scope=scope_for_user(user), now=now)
    return next(html for html in home_blocks(ask) if 'id="block-duty_today"' in html)
