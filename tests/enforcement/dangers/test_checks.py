"""Checklists, check tasks and records (real PostGIS): the A/B/C starter set, which lists
apply to an enterprise, due dates by frequency (month ends too), a record's findings
registered as hidden dangers in one step, who may record, and the pages in scope."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from enforcement.dangers import checks, selectors
from enforcement.dangers.check_models import Checklist, ChecklistItem, CheckTask
from enforcement.dangers.models import HiddenDanger

D = datetime.date


@pytest.fixture
def chemical_list(checklists):
    return Checklist.objects.get(category="A")


@pytest.fixture
def task(plant, users, chemical_list):
    return checks.check_task_create(enterprise=plant, user=users["enterprise"],
                                    checklist=chemical_list, name="每日危化品排查",
                                    frequency="daily", starts_on=D(2026, 12, 1))


def test_the_starter_set_has_each_category_with_levels(checklists):
    lists = {c.category: c for c in Checklist.objects.all()}
    assert sorted(lists) == ["A", "B", "C"]
    a_items = ChecklistItem.objects.filter(checklist=lists["A"], level=2)
    assert a_items.count() == 20 and all(i.major for i in a_items)
    assert a_items.get(code="A1.15").content == "安全阀、爆破片等安全附件未正常投用"
    assert ChecklistItem.objects.filter(checklist=lists["C"], level=1).count() == 2
    assert ChecklistItem.objects.filter(checklist=lists["B"], level=2, major=True).count() == 0
    assert all(i.parent.level == 1 for i in ChecklistItem.objects.filter(level=2))


def test_checklists_apply_by_industry(plant, world, checklists):
    assert [c.category for c in selectors.checklists_for(plant)] == ["A", "B", "C"]  # C2614
    plant.industry = "P8310"
    assert [c.category for c in selectors.checklists_for(plant)] == ["C"]


@pytest.mark.parametrize(("day", "frequency", "due"), [
    (D(2026, 12, 31), "daily", D(2027, 1, 1)),
    (D(2026, 12, 28), "weekly", D(2027, 1, 4)),
    (D(2027, 1, 31), "monthly", D(2027, 2, 28)),
    (D(2028, 1, 31), "monthly", D(2028, 2, 29)),
    (D(2026, 11, 30), "quarterly", D(2027, 2, 28)),
    (D(2028, 2, 29), "yearly", D(2029, 2, 28)),
])
def test_the_next_check_is_one_period_on(day, frequency, due):
    assert checks.period_after(day, frequency) == due


def test_a_record_registers_its_findings_as_dangers_and_moves_the_due_date(task, users,
                                                                          chemical_list):
    items = {i.code: i for i in ChecklistItem.objects.filter(checklist=chemical_list)}
    at = datetime.datetime(2026, 12, 4, 1, 0, tzinfo=datetime.UTC)  # 09:00 in Beijing
    record = checks.check_record_save(task=task, user=users["enterprise"], at=at, results=[
        (items["A1.1"], "ok", ""), (items["A1.15"], "found", "2号反应釜安全阀铅封缺失"),
        (items["A1.8"], "na", "")])
    danger = HiddenDanger.objects.get()
    assert (danger.name, danger.description, danger.check_record, danger.state) == (
        "安全阀、爆破片等安全附件未正常投用", "2号反应釜安全阀铅封缺失", record, "registered")
    assert [(r.item.code, r.result, r.danger_id) for r in record.results.all()] == [
        ("A1.1", "ok", None), ("A1.15", "found", danger.pk), ("A1.8", "na", None)]
    task.refresh_from_db()
    assert (task.next_due, task.last_checked_at) == (D(2026, 12, 5), at)


def test_only_the_enterprise_records_and_items_must_be_its_lists(task, users):
    item = ChecklistItem.objects.filter(checklist__category="A", level=2).first()
    for who in ("county_a", "county_b", "analyst"):
        with pytest.raises(PermissionDenied):
            checks.check_record_save(task=task, user=users[who], results=[(item, "ok", "")])
    other = ChecklistItem.objects.filter(checklist__category="C", level=2).first()
    with pytest.raises(ValidationError, match="条目不属于该任务的排查清单"):
        checks.check_record_save(task=task, user=users["enterprise"],
                                 results=[(other, "found", "")])
    with pytest.raises(ValidationError):
        checks.check_record_save(task=task, user=users["enterprise"], results=[])
    assert HiddenDanger.objects.count() == 0


def test_tasks_are_set_by_the_enterprise_or_its_supervisor(plant, users, chemical_list):
    made = checks.check_task_create(enterprise=plant, user=users["county_a"],
                                    checklist=chemical_list, name="月度排查",
                                    frequency="monthly", starts_on=D(2026, 12, 1))
    assert (made.division_code, made.organisation_id, made.next_due) == (
        plant.division_code, plant.organisation_id, D(2026, 12, 1))
    with pytest.raises(PermissionDenied):
        checks.check_task_create(enterprise=plant, user=users["county_b"],
                                 checklist=chemical_list, name="x", frequency="daily",
                                 starts_on=D(2026, 12, 1))


def test_the_pages_record_a_check_and_keep_other_counties_out(task, users, chemical_list):
    ent = Client()
    ent.force_login(users["enterprise"])
    assert "每日危化品排查" in ent.get("/enforcement/dangers/checks/").content.decode()
    item = ChecklistItem.objects.get(checklist=chemical_list, code="A1.12")
    response = ent.post(f"/enforcement/dangers/checks/{task.pk}/", {
        f"item-{item.pk}": "found", f"note-{item.pk}": "罐区可燃气体报警器失效"})
    assert response.status_code == 302
    assert HiddenDanger.objects.get().description == "罐区可燃气体报警器失效"
    page = ent.get(f"/enforcement/dangers/checks/{task.pk}/").content.decode()
    assert "罐区可燃气体报警器失效" in page
    other = Client()
    other.force_login(users["county_b"])
    assert other.get(f"/enforcement/dangers/checks/{task.pk}/").status_code == 404
    assert "每日危化品排查" not in other.get("/enforcement/dangers/checks/").content.decode()
    assert CheckTask.objects.count() == 1
